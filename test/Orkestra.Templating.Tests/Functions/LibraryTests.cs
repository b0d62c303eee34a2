using Orkestra.Templating.Functions;
using Orkestra.Templating.Values;
using static Orkestra.Templating.Tests.Language.TemplateTestKit;

namespace Orkestra.Templating.Tests.Functions;

public class LibraryTests
{
    private const string Data = """
        {"metadata":{"name":"web","namespace":"prod","generation":3,"labels":{"tier":"front","n":"7"},
                     "annotations":{"a":"1"},"ownerReferences":[{"kind":"Website","name":"site"}],"uid":"u-1"},
         "spec":{"image":"nginx:1.27","replicas":3,"suspend":false,"empty":"","csv":" a, b ,c","list":[1,2,3],
                 "map":{"b":2,"a":1},"json":"{\"x\":1}","jsonList":"[1,2]","host":"https://www.example.com/"},
         "status":{"phase":"Running","observedGeneration":3,
                   "conditions":[{"type":"Ready","status":"True","reason":"Ok","message":"fine"}]},
         "children":{"deployment":{"spec":{"replicas":2,"template":{"spec":{"containers":[{"image":"nginx","env":[{"name":"A","value":"x"}],"ports":[{"containerPort":80}]}]}}},
                                   "status":{"readyReplicas":2,"updatedReplicas":1}},
                     "job":{"status":{"succeeded":1}},
                     "service":{"spec":{"clusterIP":"10.0.0.5","ports":[{"nodePort":30080}]}}}}
        """;

    private static IEnumerable<TestCaseData> Cases()
    {
        static TestCaseData C(string source, string expected) => new TestCaseData(source, expected).SetName(source);
        // conditional
        yield return C("{{ default \"x\" .spec.empty }}", "x");
        yield return C("{{ default \"x\" .spec.image }}", "nginx:1.27");
        yield return C("{{ .spec.missing | default \"fallback\" }}", "fallback");
        yield return C("{{ default 5 0 }}", "5");
        yield return C("{{ ternary .spec.suspend \"Suspended\" \"Active\" }}", "Active");
        yield return C("{{ boolTernary \"true\" \"y\" \"n\" }} {{ boolTernary 1 \"y\" \"n\" }}", "y n");
        yield return C("{{ eqTernary .spec.replicas \"3\" \"three\" \"other\" }}", "three");
        yield return C("{{ coalesce .spec.empty .spec.missing \"c\" }}", "c");
        yield return C("{{ empty .spec.list }} {{ notEmpty .spec.empty }} {{ empty \"<no value>\" }}", "false false true");
        // types
        yield return C("{{ toInt \"42\" }} {{ toInt 3.9 }} {{ toInt true }} {{ toInt \"\" }}", "42 3 1 0");
        yield return C("{{ toFloat \"1.5\" }}", "1.5");
        yield return C("{{ toBool \"yes\" }} {{ toBool \"off\" }} {{ toBool 0 }}", "true false false");
        yield return C("{{ toString 12 }}", "12");
        yield return C("{{ toJson .spec.map }} {{ toJSON .spec.list }}", "{\"a\":1,\"b\":2} [1,2,3]");
        yield return C("{{ toList .spec.csv }}", "[a b c]");
        yield return C("{{ len (toList \"\") }}", "0");
        yield return C("{{ typeOf .spec.map }} {{ typeOf .spec.list }} {{ typeOf 1 }} {{ typeOf 1.5 }} {{ typeOf nil }}", "map slice int float64 nil");
        yield return C("{{ typeMap .spec.map }} {{ typeList .spec.map }} {{ typeNull .spec.missing }}", "true false true");
        // collections, safe access
        yield return C("{{ asList .spec.jsonList }} {{ asList nil }} {{ asList 5 }}", "[1 2] [] []");
        yield return C("{{ (asMap .spec.json).x }}", "1");
        yield return C("{{ asString .spec.map }}", "{\"a\":1,\"b\":2}");
        yield return C("{{ listGet .spec.list 1 }} [{{ listGet .spec.list 9 }}]", "2 []");
        yield return C("{{ listHas .spec.list 2 }} {{ listLen .spec.list }}", "true 3");
        yield return C("{{ mapGet .spec.map \"b\" }} {{ mapKeys .spec.map }} {{ mapValues .spec.map }}", "2 [a b] [1 2]");
        yield return C("{{ mapPick .spec.map \"a\" }} {{ mapOmit .spec.map \"a\" }}", "map[a:1] map[b:2]");
        yield return C("{{ getOr .spec.empty \"d\" }} {{ getStringOr 5 \"d\" }} {{ getIntOr \"5\" 0 }} {{ getBoolOr true false }}", "d d 0 true");
        // strings
        yield return C("{{ toUpper \"ab\" }} {{ toLower \"AB\" }} [{{ trimSpace \"  x \" }}]", "AB ab [x]");
        yield return C("{{ trim \"--x--\" \"-\" }} {{ trimPrefix \"v1.2\" \"v\" }} {{ trimSuffix \"a.git\" \".git\" }}", "x 1.2 a");
        yield return C("{{ hasPrefix .spec.image \"nginx\" }} {{ hasSuffix .spec.image \".27\" }} {{ contains .spec.image \":\" }}", "true true true");
        yield return C("{{ replace \"a-b-c\" \"-\" \"_\" }} {{ split \"a,b\" \",\" }} {{ join .spec.list \"+\" }}", "a_b_c [a b] 1+2+3");
        yield return C("{{ repeat \"ab\" 3 }} {{ camelToKebab \"myHTTPServer\" }} {{ concat \"a\" 1 true }}", "ababab my-http-server a1true");
        yield return C("{{ truncate \"abcdef\" 3 }} {{ truncate \"ab\" 3 }}", "abc... ab");
        // data, domain
        yield return C("{{ toBase64 \"hi\" }} {{ fromBase64 \"aGk=\" }}", "aGk= hi");
        yield return C("{{ sha256sum \"abc\" }}", "ba7816bf");
        yield return C("{{ slugify \"Hello, World!\" }} {{ truncateName \"abc-def\" 4 }}", "hello-world abc");
        yield return C("{{ repoSlug \"https://github.com/org/My.Repo.git\" }}", "my-repo");
        yield return C("{{ lookup \"b\" \"a\" 1 \"b\" 2 }} [{{ lookup \"z\" \"a\" 1 }}]", "2 []");
        yield return C("{{ domainHost .spec.host }} {{ domainBare .spec.host }}", "www.example.com example.com");
        // math
        yield return C("{{ add 1 2 }} {{ add 1.5 1 }} {{ sub 5 7 }} {{ mul \"3\" 4 }} {{ div 7 2 }} {{ mod 7 3 }}", "3 2.5 -2 12 3.5 1");
        yield return C("{{ min 3 1 }} {{ max 3 1 }} {{ clamp 12 0 10 }} {{ abs -4 }}", "1 3 10 4");
        // kubernetes objects
        yield return C("{{ get .children.deployment \"status\" \"readyReplicas\" }} [{{ get .children.missing \"x\" }}]", "2 []");
        yield return C("{{ getLabel . \"tier\" }} {{ getLabelInt . \"n\" }} {{ hasLabel . \"tier\" }} {{ labelMatches . \"tier\" \"front\" }}", "front 7 true true");
        yield return C("{{ getAnnotation . \"a\" }} {{ hasAnnotation . \"b\" }} {{ len (labels .) }} {{ len (annotations .children.job) }}", "1 false 2 0");
        yield return C("{{ phase . }} {{ getStatus . \"phase\" }} {{ hasStatus . \"phase\" }}", "Running Running true");
        yield return C("{{ hasCondition . \"Ready\" }} {{ conditionReason . \"Ready\" }} {{ conditionMessage . \"Ready\" }} {{ hasCondition . \"X\" }}", "true Ok fine false");
        yield return C("{{ generation . }} {{ observedGeneration . }} {{ isSynced . }} {{ isTerminating . }}", "3 3 true false");
        yield return C("{{ resourceExists .children.job }} {{ resourceExists .children.nothing }}", "true false");
        yield return C("{{ ownerKind . }} {{ ownerName . }} {{ name . }} {{ namespace . }} {{ resourceUID . }}", "Website site web prod u-1");
        // workloads
        yield return C("{{ readyReplicas .children.deployment }} {{ desiredReplicas .children.deployment }} {{ allReplicasReady .children.deployment }} {{ rolloutComplete .children.deployment }}", "2 2 true false");
        yield return C("{{ allReplicasReady .children.nothing }} {{ desiredReplicas .children.job }}", "false 1");
        yield return C("{{ containerImage .children.deployment 0 }} {{ containerEnv .children.deployment 0 \"A\" }} {{ containerPort .children.deployment 0 80 }}", "nginx x true");
        yield return C("{{ jobSucceeded .children.job }} {{ jobFailed .children.job }} {{ jobSucceeded .children.nothing }}", "true false false");
        yield return C("{{ serviceClusterIP .children.service }} {{ serviceNodePort .children.service }}", "10.0.0.5 30080");
    }

    [TestCaseSource(nameof(Cases))]
    public void Renders(string source, string expected) => Render(source, Data).ShouldBe(expected);

    [TestCase("{{ toInt \"abc\" }}", "error calling toInt: toInt: cannot convert \"abc\" to int")]
    [TestCase("{{ toBool \"maybe\" }}", "error calling toBool: toBool: cannot convert \"maybe\" to bool")]
    [TestCase("{{ div 1 0 }}", "error calling div: div: division by zero")]
    [TestCase("{{ fromBase64 \"%%\" }}", "error calling fromBase64: fromBase64: \"%%\" is not valid base64")]
    [TestCase("{{ asMap 5 }}", "error calling asMap: asMap: cannot convert int 5 to a map")]
    public void Fails_with_a_message_naming_the_function(string source, string message) =>
        Should.Throw<TemplateRenderException>(() => Render(source, Data)).Message.ShouldBe(message);

    [Test]
    public void Random_functions_use_the_injected_source()
    {
        var t = Compile("{{ randomAlphanumeric 12 }}|{{ randomHex 4 }}|{{ randomBase64 6 }}|{{ uuidv4 }}");
        var a = t.Render(new RenderScope(MapValue.Empty, random: new Random(42)));
        var b = t.Render(new RenderScope(MapValue.Empty, random: new Random(42)));
        a.ShouldBe(b);
        var parts = a.Split('|');
        parts[0].Length.ShouldBe(12);
        parts[0].ShouldAllBe(c => char.IsAsciiLetterOrDigit(c));
        parts[1].Length.ShouldBe(8);
        parts[2].Length.ShouldBe(8);
        parts[3].ShouldMatch("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
        FunctionRegistry.Standard.TryGet("uuidv4", out var f).ShouldBeTrue();
        f.Deterministic.ShouldBeFalse();
    }

    [Test]
    public void Piped_values_are_the_last_argument()
    {
        Render("{{ .spec.missing | default \"latest\" }}", Data).ShouldBe("latest");
        Render("{{ .spec.image | toUpper | printf \"%s!\" }}", Data).ShouldBe("NGINX:1.27!");
        // Orkestra's argument order is kept: the piped value is S only for functions whose S comes last.
        Render("{{ \".27\" | trimSuffix .spec.image }}", Data).ShouldBe("nginx:1");
        Render("{{ .children.deployment | readyReplicas }}", Data).ShouldBe("2");
        Render("{{ \"0 2 * * 1\" | cronDescribe }}", Data).ShouldBe("at 02:00 on Monday");
    }

    [Test]
    public void Single_action_results_keep_the_function_type()
    {
        Evaluate("{{ toInt \"42\" }}", Data).ShouldBeOfType<Fluid.Values.NumberValue>().ToNumberValue().ShouldBe(42);
        Evaluate("{{ readyReplicas .children.deployment }}", Data).ToNumberValue().ShouldBe(2);
        Evaluate("{{ hasCondition . \"Ready\" }}", Data).ShouldBe(Fluid.Values.BooleanValue.True);
        GoValues.Kind(Evaluate("{{ cronToMap \"*/5 0 * * 1\" }}", Data)).ShouldBe(GoKind.Map);
    }

    [Test]
    public void Static_shapes_come_from_the_declared_return_shapes()
    {
        Compile("{{ toUpper .spec.image }}").StaticShape.ShouldBe(ValueShape.String);
        Compile("{{ readyReplicas .children.deployment }}").StaticShape.ShouldBe(ValueShape.Number);
        Compile("{{ jobSucceeded .children.job }}").StaticShape.ShouldBe(ValueShape.Bool);
    }

    [Test]
    public void Time_functions_use_the_injected_clock()
    {
        var t = Compile("{{ timeSince .ts }}|{{ timeUntil .due }}|{{ nextCron \"0 9 * * 1\" }}|{{ weekday }}");
        var data = Data("""{"ts":"2026-05-20T10:29:00Z","due":"2026-05-20T12:00:00Z"}""");
        var scope = new RenderScope(data, new FixedClock(new DateTimeOffset(2026, 5, 20, 10, 30, 0, TimeSpan.Zero)));
        t.Render(scope).ShouldBe("60|1h30m0s|2026-05-25T09:00:00Z|true");
    }
}
