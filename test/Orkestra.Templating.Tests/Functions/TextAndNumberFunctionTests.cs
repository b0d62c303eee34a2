using static Orkestra.Templating.Tests.Functions.FunctionTestKit;

namespace Orkestra.Templating.Tests.Functions;

/// <summary>Strings, data, domain, math, quantity and random notes (orkestra-schema.md §8.2).</summary>
public class TextAndNumberFunctionTests
{
    public static IEnumerable<TestCaseData> Rows()
    {
        // strings
        yield return Row("production", "toLower", "PRODUCTION");
        yield return Row("PREMIUM", "toUpper", "premium");
        yield return Row("example.com", "trimSpace", "  example.com  ");
        yield return Row("images/nginx", "trim", "/images/nginx/", "/");
        yield return Row("frontend", "trimPrefix", "app-frontend", "app-");
        yield return Row("web", "trimPrefix", "web", "app-");
        yield return Row("nginx", "trimSuffix", "nginx:latest", ":latest");
        yield return Row("true", "hasPrefix", "gcr.io/p/app:v1", "gcr.io/");
        yield return Row("false", "hasPrefix", "", "x");
        yield return Row("true", "hasSuffix", "gcr.io/p/app:v1", "v1");
        yield return Row("true", "contains", "production", "prod");
        yield return Row("false", "contains", "staging", "prod");
        yield return Row("my-app-example-com", "replace", "my.app.example.com", ".", "-");
        yield return Row("abc", "replace", "abc", "", "-");
        yield return Row("[latest stable v2]", "split", "latest,stable,v2", ",");
        yield return Row("[]", "split", "", ",");
        yield return Row("api.example.com, admin.example.com", "join", Json("""["api.example.com","admin.example.com"]"""), ", ");
        yield return Row("", "join", Nil, ",");
        yield return Row("hahaha", "repeat", "ha", 3);
        yield return Row("", "repeat", "ha", 0);
        yield return Row("website-operator", "camelToKebab", "WebsiteOperator");
        yield return Row("my-app-name", "camelToKebab", "myAppName");
        yield return Row("*.api.example.com", "concat", "*.", "api.example.com");
        yield return Row("webapp-prod", "concat", "webapp", "-", "prod");
        yield return Row("abc...", "truncate", "abcdef", 3);
        yield return Row("abc", "truncate", "abc", 3);
        yield return Row("...", "truncate", "abc", 0);

        // data
        yield return Row("aGVsbG8=", "toBase64", "hello");
        yield return Row("hello", "fromBase64", "aGVsbG8=");
        yield return Row("2cf24dba", "sha256sum", "hello");
        yield return Row("e3b0c442", "sha256sum", "");
        yield return Row("my-team-platform", "slugify", "My Team / Platform");
        yield return Row("a-b", "slugify", "--A__B--");
        yield return Row("", "slugify", "!!!");
        yield return Row("abcde", "truncateName", "abcdefgh", 5);
        yield return Row("abc", "truncateName", "abc-defgh", 4);
        yield return Row("short", "truncateName", "short", 50);
        yield return Row("payments-api", "repoSlug", "myorg/payments-api");
        yield return Row("payments-api", "repoSlug", "git@github.com:myorg/payments-api.git");
        yield return Row("payments-api", "repoSlug", "https://github.com/myorg/payments-api");
        yield return Row("payments-api", "repoSlug", "https://github.com/myorg/Payments_API/");
        yield return Row("team-orders", "lookup", "myorg/orders-api", "myorg/payments-api", "team-payments", "myorg/orders-api", "team-orders");
        yield return Row("first", "lookup", "k", "k", "first", "k", "second");
        yield return Row("", "lookup", "missing", "a", "1");
        yield return Row("", "lookup", "a", "b", "1", "a");
        yield return Row("acme.example.com", "domainHost", " https://acme.example.com/ ");
        yield return Row("acme.example.com", "domainHost", "http://acme.example.com");
        yield return Row("acme.example.com", "domainHost", "acme.example.com");
        yield return Row("", "domainHost", Nil);
        yield return Row("", "domainHost", 42);
        yield return Row("acme.com", "domainBare", "https://www.acme.com/");
        yield return Row("acme.com", "domainBare", "acme.com");

        // math
        yield return Row("9080", "add", 8080, 1000);
        yield return Row("3.5", "add", 1.5, 2);
        yield return Row("5", "add", "2", 3);
        yield return Row("2", "sub", 3, 1);
        yield return Row("-1", "sub", 1, 2);
        yield return Row("6", "mul", 3, 2);
        yield return Row("1.5", "mul", 3, 0.5);
        yield return Row("2", "div", 8, 4);
        yield return Row("2.5", "div", 5, 2);
        yield return Row("80", "mod", 8080, 100);
        yield return Row("-1", "mod", -7, 3);
        yield return Row("10", "min", 15, 10);
        yield return Row("2", "max", 1, 2);
        yield return Row("1", "clamp", 0, 1, 20);
        yield return Row("5", "clamp", 5, 1, 20);
        yield return Row("20", "clamp", 25, 1, 20);
        yield return Row("300", "abs", -300);
        yield return Row("300", "abs", 300);

        // quantity
        yield return Row("0.1", "parseQuantity", "100m");
        yield return Row("0.5", "parseQuantity", "500m");
        yield return Row("2", "parseQuantity", "2");
        yield return Row("1073741824", "parseQuantity", "1Gi");
        yield return Row("1500000000", "parseQuantity", "1.5G");
        yield return Row("2000", "parseQuantity", "2e3");
        yield return Row("3", "parseQuantity", 3);
        yield return Row("100m", "formatQuantity", 0.1);
        yield return Row("500m", "formatQuantity", 0.5);
        yield return Row("1", "formatQuantity", 1.0);
        yield return Row("1Gi", "formatQuantity", 1073741824);
        yield return Row("1500m", "formatQuantity", 1.5);
        yield return Row("2k", "formatQuantity", 2000);
        yield return Row("0", "formatQuantity", 0);
        yield return Row("250m", "formatQuantity", "0.25");
        yield return Row("300m", "sumQuantity", "100m", "200m");
        yield return Row("1", "sumQuantity", "500m", "500m");
        yield return Row("1536Mi", "sumQuantity", "1Gi", "512Mi");
        yield return Row("2G", "sumQuantity", "1G", "1G");
        yield return Row("512Mi", "subtractQuantity", "1Gi", "512Mi");
        yield return Row("0", "subtractQuantity", "500m", "500m");
        yield return Row("-100m", "subtractQuantity", "100m", "200m");
    }

    public static IEnumerable<TestCaseData> Errors()
    {
        yield return Error("division by zero", "div", 1, 0);
        yield return Error("division by zero", "mod", 1, 0);
        yield return Error("cannot convert \"x\"", "add", "x", 1);
        yield return Error("not valid base64", "fromBase64", "%%%");
        yield return Error("negative count", "repeat", "a", -1);
        yield return Error("\"abc\" is not a quantity", "parseQuantity", "abc");
        yield return Error("\"1Xi\" is not a quantity", "sumQuantity", "1Xi", "1");
        yield return Error("out of range", "randomHex", -1);
        yield return Error("out of range", "randomAlphanumeric", 100000);
    }

    [TestCaseSource(nameof(Rows))]
    public void Returns(string name, object?[] args, string expected) => AssertRow(name, args, expected);

    [TestCaseSource(nameof(Errors))]
    public void Fails(string name, object?[] args, string fragment) => AssertError(name, args, fragment);

    [Test]
    public void RandomValuesHaveTheDocumentedShapeAndComeFromTheInjectedSource()
    {
        Print("randomAlphanumeric", 32).ShouldMatch("^[A-Za-z0-9]{32}$");
        Print("randomHex", 16).ShouldMatch("^[0-9a-f]{32}$");
        Print("randomBase64", 32).ShouldMatch("^[A-Za-z0-9_-]{43}$");
        Print("uuidv4").ShouldMatch("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
        Print("randomAlphanumeric", 0).ShouldBe("");
        // Same seed, same value: the functions draw only from RenderScope.Random.
        Print("uuidv4").ShouldBe(Print("uuidv4"));
        Print("randomHex", 8).ShouldBe(Print("randomHex", 8));
        var scope = new RenderScope(Fluid.Values.NilValue.Instance, new FixedClock(Now), new Random(7));
        GoValuesFormat(CallWith(scope, "randomHex", 8)).ShouldNotBe(GoValuesFormat(CallWith(scope, "randomHex", 8)));
    }

    [TestCase("randomAlphanumeric")]
    [TestCase("randomHex")]
    [TestCase("randomBase64")]
    [TestCase("uuidv4")]
    public void RandomFunctionsAreMarkedNonDeterministic(string name)
    {
        Orkestra.Templating.Functions.FunctionRegistry.Standard.TryGet(name, out var f).ShouldBeTrue();
        f.Deterministic.ShouldBeFalse();
    }

    private static string GoValuesFormat(Fluid.Values.FluidValue v) => Orkestra.Templating.Values.GoValues.Format(v);
}
