using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Orkestra.Operators.Tests.Support;
using Orkestra.Testing;

namespace Orkestra.Operators.Tests;

/// <summary>
/// The webhooks ork serves, registered with the sandbox as with a cluster: the configurations point at the running
/// listener with its CA; a graceful stop removes them and restores the CRD's conversion; after a kill the next start
/// replaces what is stale, and <c>ork cleanup</c> removes it without starting operators. The registered address is also
/// exercised directly (as the API server calls it); kubectl through the sandbox's admission: KubectlAdmissionTests.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class WebhookTests
{
    private const string Katalog = "test/Orkestra.Operators.Tests/Katalogs/webhooks/katalog.yaml";
    private const string Crd = "test/Orkestra.Operators.Tests/Katalogs/webhooks/crd.yaml";
    private const string Validating = "validatingwebhookconfiguration orkestra-webhooks";
    private const string Mutating = "mutatingwebhookconfiguration orkestra-webhooks";
    private const string GetCrd = "get crd gadgets.hooks.orkestra.io";
    private const string Previous = "orkestra.io/previous-conversion";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Test]
    public async Task Registration_points_at_the_running_listener_and_a_stop_removes_it_and_restores_the_CRD()
    {
        await using var sandbox = await TestSandbox.StartAsync();
        await ApplyCrdAsync(sandbox);
        var before = (await Json(sandbox, GetCrd))!;

        await using var ork = await RunningOperators.StartAsync([Katalog]);
        await ork.WaitReadyAsync();
        var listener = ork.Host.WebhookAddress!;
        var ca = ork.Host.WebhookCaBundle!;

        var validating = (await Json(ork.Sandbox, "get " + Validating))!;
        ((string?)validating["metadata"]!["labels"]!["app.kubernetes.io/managed-by"]).ShouldBe("orkestra-aot");
        ((string?)validating["metadata"]!["labels"]!["orkestra.io/katalog"]).ShouldBe("webhooks");
        var hooks = validating["webhooks"]!.AsArray();
        hooks.Select(h => (string?)h!["name"]).ShouldBe(["gadget.validate.orkestra.io", "gadget.namespace-protection.orkestra.io",
            "crds.deletion-protection.orkestra.io", "objects.deletion-protection.orkestra.io", "runtime.deletion-protection.orkestra.io"]);
        var validate = hooks[0]!;
        ((string?)validate["clientConfig"]!["url"]).ShouldBe(new Uri(listener, "validate/gadget").ToString());
        Encoding.ASCII.GetString(Convert.FromBase64String((string)validate["clientConfig"]!["caBundle"]!)).ShouldBe(ca);
        JsonNode.DeepEquals(validate["rules"], JsonNode.Parse("""
            [{"operations":["CREATE","UPDATE"],"apiGroups":["hooks.orkestra.io"],"apiVersions":["v1"],"resources":["gadgets"],"scope":"*"}]
            """)).ShouldBeTrue(validate["rules"]!.ToJsonString());
        ((string?)validate["failurePolicy"]).ShouldBe("Fail");
        ((string?)validate["sideEffects"]).ShouldBe("None");

        var mutating = (await Json(ork.Sandbox, "get " + Mutating))!;
        mutating["webhooks"]!.AsArray().Select(h => (string?)h!["name"]).ShouldBe(["gadget.mutate.orkestra.io"]);

        var crd = (await Json(ork.Sandbox, GetCrd))!;
        ((string?)crd["spec"]!["conversion"]!["strategy"]).ShouldBe("Webhook");
        ((string?)crd["spec"]!["conversion"]!["webhook"]!["clientConfig"]!["url"]).ShouldBe(new Uri(listener, "convert/gadget").ToString());
        ((string?)crd["metadata"]!["annotations"]![Previous]).ShouldBe(before["spec"]!["conversion"]?.ToJsonString() ?? "null");

        // What the API server does with the registration: call the URL, trusting only the registered caBundle.
        using var client = TrustingOnly((string)validate["clientConfig"]!["caBundle"]!);
        using var review = new StringContent(Review("CREATE", """{"image":"docker.io/x"}"""), Encoding.UTF8, "application/json");
        using var answer = await client.PostAsync((string)validate["clientConfig"]!["url"]!, review);
        var response = JsonNode.Parse(await answer.Content.ReadAsStringAsync())!["response"]!;
        ((bool)response["allowed"]!).ShouldBeFalse();
        ((string?)response["status"]!["message"]).ShouldBe("images must come from myorg/, not docker.io/x");

        (await ork.StopAsync()).ShouldBe(0);
        (await Json(ork.Sandbox, "get " + Validating)).ShouldBeNull();
        (await Json(ork.Sandbox, "get " + Mutating)).ShouldBeNull();
        var after = (await Json(ork.Sandbox, GetCrd))!;
        JsonNode.DeepEquals(after["spec"]!["conversion"], before["spec"]!["conversion"])
            .ShouldBeTrue("the previous conversion block is back");
        after["metadata"]!["annotations"]?[Previous].ShouldBeNull();
        after["metadata"]!["annotations"]?["orkestra.io/conversion-katalog"].ShouldBeNull();
    }

    [Test]
    public async Task A_SIGTERM_leaves_nothing_of_ork_and_everything_the_operators_built()
    {
        await using var sandbox = await TestSandbox.StartAsync();
        await ApplyCrdAsync(sandbox);
        var before = await Everything(sandbox);

        using var ork = OrkProcess.Start(Args(sandbox, "--leader-elect=true", "--lease-name", "webhooks-residue"));
        await Until(async () => await Json(sandbox, "get " + Validating) is not null, "registration", ork);
        await Until(async () => await Json(sandbox, "get lease webhooks-residue") is not null, "the Lease", ork);
        (await sandbox.KubectlAsync("apply -f -", """
            apiVersion: hooks.orkestra.io/v1
            kind: Gadget
            metadata: {name: ok, namespace: default}
            spec: {image: "myorg/ok:1", tier: gold, replicas: 1}
            """, Bound)).ExitCode.ShouldBe(0);
        await Until(async () => await Json(sandbox, "get configmap ok") is not null, "the operator to build its child", ork);

        (await ork.TerminateAsync(Bound)).ShouldBe(0, ork.Output);
        var after = await Everything(sandbox);
        var added = after.Keys.Except(before.Keys).Order(StringComparer.Ordinal).ToArray();
        var removed = before.Keys.Except(after.Keys).ToArray();
        removed.ShouldBeEmpty();
        added.Where(k => !k.StartsWith("Event ", StringComparison.Ordinal)).ShouldBe(["ConfigMap default/ok", "Gadget default/ok"],
            "what the operators built stays; ork's configurations, Lease and CRD patch are gone\n" + ork.Output);
        var crdBefore = before["CustomResourceDefinition gadgets.hooks.orkestra.io"];
        var crdAfter = after["CustomResourceDefinition gadgets.hooks.orkestra.io"];
        JsonNode.DeepEquals(crdAfter["spec"], crdBefore["spec"]).ShouldBeTrue(crdAfter.ToJsonString());
        JsonNode.DeepEquals(crdAfter["metadata"]!["annotations"], crdBefore["metadata"]!["annotations"])
            .ShouldBeTrue(crdAfter.ToJsonString());
        JsonNode.DeepEquals(crdAfter["metadata"]!["labels"], crdBefore["metadata"]!["labels"])
            .ShouldBeTrue("the deletion-protection label goes with the registration: " + crdAfter.ToJsonString());
    }

    [Test]
    public async Task After_a_kill_the_next_start_replaces_stale_registrations_and_cleanup_removes_them()
    {
        await using var sandbox = await TestSandbox.StartAsync();
        await ApplyCrdAsync(sandbox);
        var original = (await Json(sandbox, GetCrd))!["spec"]!["conversion"]?.ToJsonString() ?? "null";
        // A configuration an older run left under another name, with ork's labels.
        (await sandbox.KubectlAsync("apply -f -", """
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingWebhookConfiguration
            metadata:
              name: orkestra-webhooks-old
              labels: {app.kubernetes.io/managed-by: orkestra-aot, orkestra.io/katalog: webhooks}
            webhooks: []
            """, Bound)).ExitCode.ShouldBe(0);

        using var first = OrkProcess.Start(Args(sandbox, "--leader-elect=false"));
        await Until(async () => await Json(sandbox, "get " + Validating + "-old") is null, "the stale configuration to go", first);
        var firstCa = await CaBundle(sandbox);
        firstCa.ShouldNotBeNull(first.Output);
        first.KillHard();
        (await CaBundle(sandbox)).ShouldBe(firstCa, "a killed process leaves its registration behind");
        // What it leaves behind (failurePolicy Fail, nobody listening) blocks the DELETE of its own CRDs only.
        (await sandbox.KubectlAsync("apply -f -", """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: others.elsewhere.example.com}
            spec:
              group: elsewhere.example.com
              scope: Namespaced
              names: {plural: others, singular: other, kind: Other}
              versions:
              - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}
            """, Bound)).ExitCode.ShouldBe(0);
        var unrelated = await sandbox.KubectlAsync("delete crd others.elsewhere.example.com", null, Bound);
        unrelated.ExitCode.ShouldBe(0, "a stale registration must not block other CRDs: " + unrelated.Stderr);
        var own = await sandbox.KubectlAsync("delete crd gadgets.hooks.orkestra.io", null, Bound);
        own.ExitCode.ShouldNotBe(0, "the Katalog's own CRD stays protected while its registration is there");
        own.Stderr.ShouldContain("crds.deletion-protection.orkestra.io");

        using var second = OrkProcess.Start(Args(sandbox, "--leader-elect=false"));
        await Until(async () => await CaBundle(sandbox) is { } ca && ca != firstCa, "the next start to replace the registration", second);
        var annotations = (await Json(sandbox, GetCrd))!["metadata"]!["annotations"]!;
        ((string?)annotations[Previous]).ShouldBe(original, "the block from before the first run, not the killed one's");
        second.KillHard();

        string[] cleanup = ["cleanup", "-k", Repo.Path(Katalog), "--kubeconfig", sandbox.KubeconfigPath];
        using (var run = OrkProcess.Start(cleanup))
        {
            (await run.ExitAsync(Bound)).ShouldBe(0, run.Output);
            run.Output.ShouldContain("removed ValidatingWebhookConfiguration orkestra-webhooks");
            run.Output.ShouldContain("removed MutatingWebhookConfiguration orkestra-webhooks");
            run.Output.ShouldContain("removed the conversion webhook of CustomResourceDefinition gadgets.hooks.orkestra.io");
            run.Output.ShouldContain("removed the deletion-protection label of CustomResourceDefinition gadgets.hooks.orkestra.io");
        }
        (await Json(sandbox, "get " + Validating)).ShouldBeNull();
        (await Json(sandbox, "get " + Mutating)).ShouldBeNull();
        var restored = (await Json(sandbox, GetCrd))!;
        (restored["spec"]!["conversion"]?.ToJsonString() ?? "null").ShouldBe(original);
        restored["metadata"]!["annotations"]?[Previous].ShouldBeNull();
        restored["metadata"]!["labels"]?["orkestra.io/deletion-protected-by"].ShouldBeNull();

        using (var again = OrkProcess.Start(cleanup))
        {
            (await again.ExitAsync(Bound)).ShouldBe(0, again.Output);
            again.Output.Trim().ShouldBe("nothing to remove");
        }
    }

    [Test]
    public async Task Registration_is_idempotent_and_a_Katalog_that_declares_less_loses_the_rest()
    {
        await using var sandbox = await TestSandbox.StartAsync();
        await ApplyCrdAsync(sandbox);
        var options = new Kube.Connection.KubeConnectionOptions { KubeconfigPath = sandbox.KubeconfigPath };
        using var connection = Kube.Connection.KubeConnection.Create(options);
        var registrar = new Runtime.Webhooks.WebhookRegistrar(connection.CreateClient(),
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var compiled = Orkestra.Katalog.Compilation.KatalogCompiler.CompileFiles([Repo.Path(Katalog)]).Katalogs;
        var plan = Runtime.Webhooks.WebhookPlan.For(compiled, new Runtime.Webhooks.WebhookOptions()).Katalogs.Single();
        var target = Runtime.Webhooks.WebhookTarget.Url(new Uri("https://127.0.0.1:9/"));
        using var certificate = Runtime.Webhooks.WebhookCertificate.Generate([], DateTimeOffset.UtcNow);

        await registrar.RegisterAsync(plan, target, certificate, default);
        var first = (await Json(sandbox, "get " + Validating))!;
        var crd = (await Json(sandbox, GetCrd))!;
        await registrar.RegisterAsync(plan, target, certificate, default);
        ((string?)(await Json(sandbox, "get " + Validating))!["metadata"]!["resourceVersion"])
            .ShouldBe((string?)first["metadata"]!["resourceVersion"], "an unchanged registration is not written again");
        ((string?)(await Json(sandbox, GetCrd))!["metadata"]!["resourceVersion"])
            .ShouldBe((string?)crd["metadata"]!["resourceVersion"]);

        // The same Katalog without mutation and conversion: its MutatingWebhookConfiguration goes, the CRD is restored.
        var text = File.ReadAllText(Repo.Path(Katalog));
        var lessText = text[..text.IndexOf("      mutation:", StringComparison.Ordinal)]
                       + text[text.IndexOf("      operatorBox:", StringComparison.Ordinal)..];
        var file = Repo.Path(Katalog);
        var less = Orkestra.Katalog.Compilation.KatalogCompiler.CompileText(lessText, file, Path.GetDirectoryName(file));
        less.HasErrors.ShouldBeFalse(string.Join("\n", less.Diagnostics));
        var lessPlan = Runtime.Webhooks.WebhookPlan.For(less.Katalogs, new Runtime.Webhooks.WebhookOptions()).Katalogs.Single();
        await registrar.RegisterAsync(lessPlan, target, certificate, default);
        (await Json(sandbox, "get " + Mutating)).ShouldBeNull();
        (await Json(sandbox, "get " + Validating)).ShouldNotBeNull();
        var restoredCrd = (await Json(sandbox, GetCrd))!;
        restoredCrd["metadata"]!["annotations"]?[Previous].ShouldBeNull();
    }

    private static string[] Args(TestSandbox sandbox, params string[] more) =>
        ["run", "-k", Repo.Path(Katalog), "--kubeconfig", sandbox.KubeconfigPath, "--port", "0", "--webhook-port", "0",
         "--bind", "127.0.0.1", "--apply", "always", .. more];

    private static async Task ApplyCrdAsync(TestSandbox sandbox) =>
        (await sandbox.KubectlAsync($"apply -f {Repo.Path(Crd)}", null, Bound)).ExitCode.ShouldBe(0);

    private static async Task<string?> CaBundle(TestSandbox sandbox) =>
        (string?)(await Json(sandbox, "get " + Validating))?["webhooks"]?[0]?["clientConfig"]?["caBundle"];

    private static async Task<JsonNode?> Json(TestSandbox sandbox, string get)
    {
        var result = await sandbox.KubectlAsync(get + " -o json", null, Bound);
        if (result.ExitCode == 0) return JsonNode.Parse(result.Stdout);
        if (result.Stderr.Contains("NotFound", StringComparison.Ordinal)) return null;
        Assert.Fail($"kubectl {get}: {result}");
        return null;
    }

    /// <summary>Every object of every listable resource, by "Kind namespace/name".</summary>
    private static async Task<Dictionary<string, JsonNode>> Everything(TestSandbox sandbox)
    {
        var resources = (await sandbox.KubectlAsync("api-resources --verbs=list -o name", null, Bound)).Stdout
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        resources.ShouldContain("validatingwebhookconfigurations.admissionregistration.k8s.io");
        var list = await sandbox.KubectlAsync($"get {string.Join(',', resources)} -A -o json", null, Bound);
        list.ExitCode.ShouldBe(0, list.ToString());
        var objects = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
        foreach (var item in JsonNode.Parse(list.Stdout)!["items"]!.AsArray())
        {
            var ns = (string?)item!["metadata"]!["namespace"];
            objects[$"{item["kind"]} {(ns is null ? "" : ns + "/")}{item["metadata"]!["name"]}"] = item;
        }
        return objects;
    }

    private static string Review(string operation, string spec) => $$"""
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"r-1",
         "kind":{"group":"hooks.orkestra.io","version":"v1","kind":"Gadget"},
         "resource":{"group":"hooks.orkestra.io","version":"v1","resource":"gadgets"},
         "name":"g","namespace":"default","operation":"{{operation}}",
         "object":{"apiVersion":"hooks.orkestra.io/v1","kind":"Gadget","metadata":{"name":"g","namespace":"default"},"spec":{{spec}}
         }
         }
        }
        """;

    /// <summary>Trusts exactly the PEM bundle (base64 as in caBundle) and checks the host name, as kube-apiserver does.</summary>
    private static HttpClient TrustingOnly(string caBundle)
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPem(Encoding.ASCII.GetString(Convert.FromBase64String(caBundle)));
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None) return false;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(new X509Certificate2(certificate));
        };
        return new HttpClient(handler) { Timeout = Bound };
    }

    private static async Task Until(Func<Task<bool>> condition, string what, OrkProcess process)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition()) return;
            if (process.HasExited) break;
            await Task.Delay(100);
        }
        Assert.Fail($"timed out waiting for {what}; process output:\n{process.Output}");
    }
}
