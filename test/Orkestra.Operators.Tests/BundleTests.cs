using System.Text.Json.Nodes;
using Orkestra.Host.Commands;
using Orkestra.Katalog.Manifests;
using Orkestra.Runtime.Bundles;

namespace Orkestra.Operators.Tests;

/// <summary><c>ork generate bundle</c> against the sandbox: kubectl with strict field validation accepts the bundle of every
/// sample, and the Deployment it creates mounts exactly the ConfigMap's keys where its arguments expect them.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class BundleTests
{
    public static IEnumerable<string> Samples() =>
        Directory.GetDirectories(Repo.Combine("samples")).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal);

    /// <summary>The bundle for <paramref name="katalogs"/> (paths relative to the repository) as YAML.</summary>
    internal static string Bundle(BundleOptions options, params string[] katalogs)
    {
        var (documents, diagnostics) = GenerateCommand.Generate(katalogs.Select(Repo.Path).ToArray(), options, out _);
        documents.ShouldNotBeNull(string.Join("\n", diagnostics));
        return Yaml(documents);
    }

    internal static string Yaml(IEnumerable<JsonNode> documents)
    {
        var writer = new StringWriter();
        ManifestYamlWriter.Write(writer, documents);
        return writer.ToString();
    }

    [TestCaseSource(nameof(Samples))]
    public async Task Kubectl_applies_the_bundle_with_strict_validation_and_the_Deployment_mounts_the_ConfigMap(string sample)
    {
        await using var sandbox = await TestSandbox.StartAsync();
        var path = sandbox.WriteFile("bundle.yaml", Bundle(new BundleOptions { Replicas = 2 }, $"samples/{sample}/katalog.yaml"));
        var applied = await sandbox.KubectlAsync($"apply --server-side --validate=strict -f {path}");
        applied.ExitCode.ShouldBe(0, applied.ToString());
        applied.Stderr.ShouldNotContain("Warning");

        var deployment = JsonNode.Parse((await sandbox.KubectlAsync("get deployment orkestra -n orkestra-system -o json")).Stdout)!;
        var pod = deployment["spec"]!["template"]!["spec"]!;
        ((string)pod["serviceAccountName"]!).ShouldBe("orkestra");
        (await sandbox.KubectlAsync("get serviceaccount orkestra -n orkestra-system")).ExitCode.ShouldBe(0);
        var volume = pod["volumes"]!.AsArray().Single()!["configMap"]!;
        var configMap = JsonNode.Parse((await sandbox.KubectlAsync($"get configmap {volume["name"]} -n orkestra-system -o json")).Stdout)!;
        var data = configMap["data"]!.AsObject();
        var container = pod["containers"]!.AsArray().Single()!;
        var mount = (string)container["volumeMounts"]!.AsArray().Single()!["mountPath"]!;
        var mounted = volume["items"]!.AsArray().ToDictionary(i => $"{mount}/{i!["path"]}", i => (string)i!["key"]!);
        mounted.Values.Order().ShouldBe(data.Select(d => d.Key).Order(), "every key mounted, and only those");
        var args = container["args"]!.AsArray().Select(a => (string)a!).ToArray();
        var katalog = args[Array.IndexOf(args, "-k") + 1];
        mounted.ShouldContainKey(katalog);
        ((string)data[mounted[katalog]]!).ShouldBe(File.ReadAllText(Repo.Combine("samples", sample, "katalog.yaml")));
        var crd = Repo.Combine("samples", sample, "crd.yaml");
        ((string)data[$"{Path.GetFileName(Path.GetDirectoryName(katalog))}.crd.yaml"]!).ShouldBe(File.ReadAllText(crd),
            "the crdFile travels with the Katalog");
        foreach (var probe in new[] { ("livenessProbe", "/livez"), ("readinessProbe", "/readyz") })
            ((string)container[probe.Item1]!["httpGet"]!["path"]!).ShouldBe(probe.Item2);
        (await sandbox.KubectlAsync("get poddisruptionbudget orkestra -n orkestra-system")).ExitCode.ShouldBe(0);
        (await sandbox.KubectlAsync("get role orkestra -n orkestra-system")).ExitCode.ShouldBe(0, "leader election with 2 replicas");
    }
}
