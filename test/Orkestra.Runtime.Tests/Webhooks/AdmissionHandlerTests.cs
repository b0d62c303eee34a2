using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Orkestra.Runtime.Observability;
using Orkestra.Runtime.Reconciliation;
using Orkestra.Runtime.Webhooks;
using Prometheus;
using static Orkestra.Runtime.Tests.Webhooks.WebhookKatalog;

namespace Orkestra.Runtime.Tests.Webhooks;

/// <summary>What each admission route answers, with the compiled rules of the Katalog (no HTTP).</summary>
public sealed class AdmissionHandlerTests
{
    private readonly WebhookPlan _plan = Plan();
    private readonly RuntimeMetrics _metrics = new(new CollectorRegistry());

    private AdmissionHandler Handler() => new(null, null, TimeProvider.System, new WebhookTelemetry(_metrics, NullLogger.Instance));

    private Task<AdmissionResponse> Send(string path, string review) =>
        Handler().HandleAsync(_plan.Routes[path], Request(review), default).AsTask();

    [Test]
    public async Task A_denying_rule_denies_with_its_message_and_a_warn_rule_becomes_a_warning()
    {
        var denied = await Send("/validate/website", Review("CREATE", Website("""{"image":"docker.io/web","replicas":9}""")));
        denied.Allowed.ShouldBeFalse();
        denied.Code.ShouldBe(403);
        denied.Message.ShouldBe("images must come from myorg/, not docker.io/web");
        denied.Warnings.ShouldBe(["more than 5 replicas needs a review"]);

        var warned = await Send("/validate/website", Review("CREATE", Website("""{"image":"myorg/web","replicas":9}""")));
        warned.Allowed.ShouldBeTrue();
        warned.Warnings.ShouldBe(["more than 5 replicas needs a review"]);

        var clean = await Send("/validate/website", Review("CREATE", Website("""{"image":"myorg/web","replicas":2}""")));
        clean.Allowed.ShouldBeTrue();
        clean.Warnings.ShouldBeEmpty();
        _metrics.AdmissionViolations.WithLabels("website", "deny").Value.ShouldBe(1);
        _metrics.AdmissionViolations.WithLabels("website", "warn").Value.ShouldBe(2);
    }

    [Test]
    public async Task An_update_that_keeps_the_spec_or_finishes_a_deletion_is_not_re_validated()
    {
        var invalid = Website("""{"image":"docker.io/web"}""");
        var relabelled = Website("""{"image":"docker.io/web"}""", labels: """{"x":"y"}""");
        (await Send("/validate/website", Review("UPDATE", relabelled, invalid))).Allowed
            .ShouldBeTrue("finalizers and labels of an invalid CR can change");
        var changed = Website("""{"image":"docker.io/other"}""");
        (await Send("/validate/website", Review("UPDATE", changed, invalid))).Allowed.ShouldBeFalse();
        var deleting = JsonNode.Parse(changed)!;
        deleting["metadata"]!["deletionTimestamp"] = "2026-01-01T00:00:00Z";
        (await Send("/validate/website", Review("UPDATE", deleting.ToJsonString(), invalid))).Allowed.ShouldBeTrue();
    }

    [Test]
    public async Task A_rule_that_cannot_be_evaluated_is_a_clear_denial_not_an_exception()
    {
        var plan = Plan(Text.Replace("not {{ .spec.image }}", "not {{ index .spec.tags 3 }}", StringComparison.Ordinal));
        var review = Request(Review("CREATE", Website("""{"image":"x","tags":[]}""")));
        var response = await Handler().HandleAsync(plan.Routes["/validate/website"], review, default);
        response.Allowed.ShouldBeFalse();
        response.Code.ShouldBe(500);
        response.Message!.ShouldStartWith("spec.crds.website.validation could not be evaluated: katalog.yaml:");
        response.Message.ShouldContain("index out of range: 3");
    }

    [Test]
    public async Task Mutation_answers_a_JSONPatch_and_admission_only_rules_run_here()
    {
        var bare = """{"apiVersion":"demo.orkestra.io/v1","kind":"Website","metadata":{"name":"web"},"spec":{"image":"a"}}""";
        var response = await Send("/mutate/website", Review("CREATE", bare));
        response.Allowed.ShouldBeTrue();
        response.Patch!.ToJsonString().ShouldBe("""
            [{"op":"add","path":"/spec/tier","value":"standard"},{"op":"add","path":"/spec/port","value":8080},
            {"op":"add","path":"/metadata/labels","value":{"team":"web"}}]
            """.ReplaceLineEndings(""));

        var ops = Website("""{"tier":"gold","port":80}""", labels: """{"team":"ops"}""");
        var present = await Send("/mutate/website", Review("CREATE", ops));
        present.Patch!.ToJsonString().ShouldBe("""[{"op":"replace","path":"/metadata/labels/team","value":"web"}]""");

        var done = Website("""{"tier":"gold","port":80}""", labels: """{"team":"web"}""");
        (await Send("/mutate/website", Review("CREATE", done))).Patch.ShouldBeNull();
    }

    [Test]
    public void JSON_patch_paths_escape_slashes_and_tildes()
    {
        using var doc = JsonDocument.Parse("""{"metadata":{"annotations":{"a/b":"1"}}}""");
        var patch = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { ["a/b"] = "2", ["c~d"] = "3" } } };
        JsonPatches.FromMergePatch(doc.RootElement, patch).ToJsonString()
            .ShouldBe("""
                [{"op":"replace","path":"/metadata/annotations/a~1b","value":"2"},
                {"op":"add","path":"/metadata/annotations/c~0d","value":"3"}]
                """.ReplaceLineEndings(""));
    }

    [Test]
    public async Task Namespace_protection_denies_creation_in_a_refused_namespace_only()
    {
        var denied = await Send("/namespace-protection/website", Review("CREATE", Website("{}", ns: "kube-system"), ns: "kube-system"));
        denied.Allowed.ShouldBeFalse();
        denied.Message.ShouldBe("Website kube-system/web: namespace \"kube-system\" is restricted for website (pattern \"kube-*\")");
        (await Send("/namespace-protection/website", Review("CREATE", Website("{}")))).Allowed.ShouldBeTrue();
        _metrics.NamespaceProtectionBlocked.WithLabels("websites").Value.ShouldBe(1);
    }

    [Test]
    public async Task Deletion_protection_guards_the_Katalog_CRDs_and_labelled_objects_and_strict_mode_guards_the_label()
    {
        const string path = "/deletion-protection/shop";
        const string name = "websites.demo.orkestra.io";
        var old = """{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"NAME"}}"""
            .Replace("NAME", name, StringComparison.Ordinal);
        var crd = Review("DELETE", null, old, ns: "", name: name, group: "apiextensions.k8s.io", kind: "CustomResourceDefinition",
            resource: "customresourcedefinitions");
        var blocked = await Send(path, crd);
        blocked.Allowed.ShouldBeFalse();
        blocked.Message!.ShouldStartWith($"CustomResourceDefinition {name} is protected by the deletion protection of Katalog shop");
        var other = crd.Replace(name, "others.demo.orkestra.io", StringComparison.Ordinal);
        (await Send(path, other)).Allowed.ShouldBeTrue();

        var labelled = Website("{}", labels: """{"orkestra.io/deletion-protection":"true"}""");
        (await Send(path, Review("DELETE", null, labelled))).Message!.ShouldStartWith("Website default/web is protected from deletion");
        (await Send(path, Review("DELETE", null, Website("{}")))).Allowed.ShouldBeTrue();

        var unlabelled = Website("{}", labels: "{}");
        (await Send(path, Review("UPDATE", unlabelled, labelled))).Message!.ShouldContain("counts as deletion in strict mode");
        var exempt = Website("{}", labels: """{"orkestra.io/strict-mode-exempt":"true"}""");
        (await Send(path, Review("UPDATE", exempt, labelled))).Allowed.ShouldBeTrue();
        _metrics.DeletionProtectionBlocked.Value.ShouldBe(3);
    }

    [Test]
    public async Task A_request_for_another_kind_is_refused_with_a_message()
    {
        var response = await Send("/validate/website", Review("CREATE", "{}", kind: "Blog", resource: "blogs"));
        response.Allowed.ShouldBeFalse();
        response.Message.ShouldBe("this webhook admits Website.demo.orkestra.io (spec.crds.website), not Blog.demo.orkestra.io");
    }

    /// <summary>A Katalog whose validation and mutation make an external call (a quota reservation: a side effect).</summary>
    private const string ExternalText = """
        apiVersion: orkestra.orkspace.io/v1
        kind: Katalog
        metadata: {name: quota}
        spec:
          crds:
            website:
              apiTypes: {group: demo.orkestra.io, version: v1, kind: Website, plural: websites}
              validation:
                external:
                  - name: quota
                    url: "http://quota.test/reserve/{{ .metadata.name }}"
                    method: POST
                    continueOnError: true
                    fires: {reconcile: false}
                rules:
                  - field: external.quota.status
                    equals: "200"
                    message: "no quota for {{ .metadata.name }}"
                  - field: spec.replicas
                    lessThanOrEqual: "5"
                    message: "at most 5 replicas"
              mutation:
                external:
                  - name: tier
                    url: "http://quota.test/tier/{{ .metadata.name }}"
                    fires: {reconcile: false}
                rules:
                  - field: spec.tier
                    default: "{{ .external.tier.body }}"
                  - field: spec.owner
                    default: platform
              operatorBox:
                onReconcile:
                  configMaps:
                    - name: "{{ .metadata.name }}"
                      data: {image: "{{ .spec.image }}"}
        security:
          webhooks:
            admission: {enabled: true}
        """;

    /// <summary>Counts requests; answers 200 "gold", or 403 once <see cref="Refuse"/> is set.</summary>
    private sealed class QuotaService : HttpMessageHandler
    {
        public int Requests;
        public bool Refuse;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Requests);
            return Task.FromResult(new HttpResponseMessage(Refuse ? HttpStatusCode.Forbidden : HttpStatusCode.OK)
            {
                Content = new StringContent("gold"),
            });
        }
    }

    [Test]
    public async Task A_dry_run_makes_no_external_call_and_skips_the_rules_that_read_one_with_a_warning()
    {
        var plan = Plan(ExternalText);
        var service = new QuotaService { Refuse = true };
        var handler = new AdmissionHandler(new ExternalCalls(new HttpMessageInvoker(service), TimeProvider.System), null,
            TimeProvider.System, new WebhookTelemetry(_metrics, NullLogger.Instance));
        var validate = plan.Routes["/validate/website"];

        var dry = await handler.HandleAsync(validate, Request(Review("CREATE", Website("""{"replicas":2}"""), dryRun: true)), default);
        dry.Allowed.ShouldBeTrue("the quota rule is not decided on data the dry run did not fetch");
        dry.Warnings.ShouldBe(["dry run: validation rule \"external.quota.status equals 200\" (katalog.yaml:16:13) was not checked: " +
            "it reads .external, and a dry-run request makes no external calls (they may have side effects)"]);
        var tooMany = await handler.HandleAsync(validate, Request(Review("CREATE", Website("""{"replicas":9}"""), dryRun: true)), default);
        tooMany.Allowed.ShouldBeFalse("rules without .external still run in a dry run");
        tooMany.Message.ShouldBe("at most 5 replicas");
        service.Requests.ShouldBe(0);

        var real = await handler.HandleAsync(validate, Request(Review("CREATE", Website("""{"replicas":2}"""))), default);
        service.Requests.ShouldBe(1);
        real.Allowed.ShouldBeFalse();
        real.Message.ShouldBe("no quota for web");
        real.Warnings.ShouldBeEmpty();
    }

    [Test]
    public async Task A_dry_run_mutation_leaves_out_the_rules_that_read_an_external_result()
    {
        var plan = Plan(ExternalText);
        var service = new QuotaService();
        var handler = new AdmissionHandler(new ExternalCalls(new HttpMessageInvoker(service), TimeProvider.System), null,
            TimeProvider.System, new WebhookTelemetry(_metrics, NullLogger.Instance));
        var mutate = plan.Routes["/mutate/website"];

        var dry = await handler.HandleAsync(mutate, Request(Review("CREATE", Website("{}"), dryRun: true)), default);
        service.Requests.ShouldBe(0);
        dry.Patch!.ToJsonString().ShouldBe("""[{"op":"add","path":"/spec/owner","value":"platform"}]""");
        dry.Warnings.Single().ShouldStartWith("dry run: mutation rule for spec.tier (katalog.yaml:");

        var real = await handler.HandleAsync(mutate, Request(Review("CREATE", Website("{}"))), default);
        service.Requests.ShouldBe(1);
        real.Patch!.ToJsonString().ShouldBe(
            """[{"op":"add","path":"/spec/tier","value":"gold"},{"op":"add","path":"/spec/owner","value":"platform"}]""");
        real.Warnings.ShouldBeEmpty();
    }

    [Test]
    public async Task A_dry_run_of_rules_without_external_calls_is_answered_as_a_real_request()
    {
        var denied = await Send("/validate/website", Review("CREATE", Website("""{"image":"docker.io/web","replicas":9}"""), dryRun: true));
        denied.Allowed.ShouldBeFalse();
        denied.Message.ShouldBe("images must come from myorg/, not docker.io/web");
        denied.Warnings.ShouldBe(["more than 5 replicas needs a review"]);
    }

    [Test]
    public void Webhooks_that_make_external_calls_register_sideEffects_NoneOnDryRun_and_the_others_None()
    {
        var target = WebhookTarget.Url(new Uri("https://127.0.0.1:9443/"));
        static string[] SideEffects(JsonObject? configuration) =>
            configuration!["webhooks"]!.AsArray().Select(h => $"{h!["name"]}={h["sideEffects"]}").ToArray();

        var external = Plan(ExternalText).Katalogs[0];
        SideEffects(WebhookRegistrar.Validating(external, target, "Y2E=")).ShouldBe([
            "website.validate.orkestra.io=NoneOnDryRun", "crds.deletion-protection.orkestra.io=None",
            "objects.deletion-protection.orkestra.io=None", "runtime.deletion-protection.orkestra.io=None"]);
        SideEffects(WebhookRegistrar.Mutating(external, target, "Y2E=")).ShouldBe(["website.mutate.orkestra.io=NoneOnDryRun"]);

        var plain = Plan().Katalogs[0];
        var plainValidating = SideEffects(WebhookRegistrar.Validating(plain, target, "Y2E="));
        plainValidating.ShouldContain("website.validate.orkestra.io=None");
        plainValidating.ShouldAllBe(s => s.EndsWith("=None"));
        SideEffects(WebhookRegistrar.Mutating(plain, target, "Y2E=")).ShouldBe(["website.mutate.orkestra.io=None"]);
    }
}
