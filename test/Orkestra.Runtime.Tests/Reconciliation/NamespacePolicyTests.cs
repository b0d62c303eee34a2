using Orkestra.ApiMachinery.Meta;
using Orkestra.Katalog.Compilation;
using Orkestra.Runtime.Controllers;
using Orkestra.Runtime.Reconciliation;
using Orkestra.Testing;

namespace Orkestra.Runtime.Tests.Reconciliation;

/// <summary>Namespace protection: the policy (patterns, lists adding up) and its enforcement at reconcile.</summary>
public sealed class NamespacePolicyTests
{
    private static CompiledKatalog Compile(string crdKeys, string security = "", string childNamespace = "{{ .metadata.namespace }}")
    {
        var compiled = KatalogCompiler.CompileText($$$"""
            apiVersion: orkestra.orkspace.io/v1
            kind: Katalog
            metadata: {name: website-operator}
            spec:
              crds:
                website:
                  apiTypes: {group: demo.orkestra.io, version: v1alpha1, kind: Website, plural: websites}
            {{{crdKeys}}}
                  operatorBox:
                    onReconcile:
                      configMaps:
                        - name: "{{ .metadata.name }}"
                          namespace: "{{{childNamespace}}}"
                          data: {a: b}
            {{{security}}}
            """, "katalog.yaml");
        compiled.HasErrors.ShouldBeFalse(string.Join("\n", compiled.Diagnostics));
        return compiled.Katalogs[0];
    }

    private static NamespacePolicy? Policy(CompiledKatalog k) => NamespacePolicy.For(k.Operators[0], k.Source.Security);

    private static string Cr(string ns, string spec) =>
        $$"""
        {"apiVersion":"demo.orkestra.io/v1alpha1","kind":"Website",
         "metadata":{"name":"hello","namespace":"{{ns}}","uid":"u-1","resourceVersion":"3"},"spec":{{spec}}
        }
        """;

    [TestCase("kube-system", "kube-system", true)]
    [TestCase("kube-*", "kube-public", true)]
    [TestCase("*-system", "cert-manager-system", true)]
    [TestCase("kube-*", "kubernetes", false)]
    [TestCase("team", "team-a", false)]
    public void Patterns_are_exact_prefix_or_suffix(string pattern, string ns, bool matches) =>
        NamespacePolicy.Matches(ns, pattern).ShouldBe(matches);

    [Test]
    public void Restricted_wins_and_an_allow_list_refuses_everything_else()
    {
        var policy = Policy(Compile("""
                  allowedNamespaces: [apps, "team-*"]
            """, """
            security:
              namespaceProtection:
                restrictedNamespaces: ["team-secret"]
            """))!;
        policy.Check("apps").ShouldBeNull();
        policy.Check("team-a").ShouldBeNull();
        policy.Check("team-secret")!.Reason.ShouldBe("NamespaceRestricted");
        var outside = policy.Check("default")!;
        outside.Reason.ShouldBe("NamespaceNotAllowed");
        outside.Message.ShouldBe("namespace \"default\" is not in the allowed namespaces of website (apps, team-*)");
    }

    [Test]
    public void Without_lists_or_with_protection_disabled_there_is_no_policy()
    {
        Policy(Compile("")).ShouldBeNull();
        Policy(Compile("", """
            security:
              namespaceProtection:
                enabled: false
                restrictedNamespaces: [kube-system]
            """)).ShouldBeNull();
    }

    [Test]
    public void Both_lists_in_one_place_are_a_located_error()
    {
        var compiled = KatalogCompiler.CompileText("""
            apiVersion: orkestra.orkspace.io/v1
            kind: Katalog
            metadata: {name: demo}
            spec:
              crds:
                website:
                  apiTypes: {group: demo.orkestra.io, version: v1alpha1, kind: Website, plural: websites}
                  restrictedNamespaces: [kube-system]
                  allowedNamespaces: [apps]
            """, "katalog.yaml");
        compiled.Diagnostics.Select(d => d.ToString())
            .ShouldContain("katalog.yaml:9:7: error: spec.crds.website: declare restrictedNamespaces or allowedNamespaces, not both");
    }

    [Test]
    public async Task A_CR_in_a_restricted_namespace_is_refused_without_adoption_or_children()
    {
        var katalog = Compile("""
                  restrictedNamespaces: ["kube-*"]
            """);
        var cluster = new FakeCluster();
        cluster.Put(Cr("kube-system", "{}"));
        var blocked = 0;
        var reconciler = new KatalogReconciler(katalog.Operators[0], "website-operator", cluster, cluster, cluster,
            new ManualTimeProvider(), namespaces: Policy(katalog), namespaceBlocked: () => blocked++);
        var error = await Should.ThrowAsync<TerminalReconcileException>(
            async () => await reconciler.ReconcileAsync(new ObjectKey("kube-system", "hello"), default));
        error.Message.ShouldBe("namespace \"kube-system\" is restricted for website (pattern \"kube-*\"); " +
                               "nothing is created for this Website");
        var cr = cluster.Get("Website", "kube-system", "hello");
        ((string?)cr["status"]!["conditions"]![0]!["reason"]).ShouldBe("NamespaceRestricted");
        cr["metadata"]!["finalizers"].ShouldBeNull("a refused CR is not adopted");
        cluster.Writes.ShouldBe(["status Website kube-system/hello"]);
        cluster.Events.ShouldContain(e => e.Type == EventType.Warning && e.Reason == "NamespaceRestricted");
        blocked.ShouldBe(1);
    }

    [Test]
    public async Task A_child_in_a_namespace_outside_the_allow_list_fails_the_reconcile_before_anything_is_applied()
    {
        var katalog = Compile("""
                  allowedNamespaces: [apps]
            """, childNamespace: "{{ .spec.target }}");
        var cluster = new FakeCluster();
        cluster.Put(Cr("apps", """{"target":"kube-system"}"""));
        var reconciler = new KatalogReconciler(katalog.Operators[0], "website-operator", cluster, cluster, cluster,
            new ManualTimeProvider(), namespaces: Policy(katalog));
        var error = await Should.ThrowAsync<TerminalReconcileException>(
            async () => await reconciler.ReconcileAsync(new ObjectKey("apps", "hello"), default));
        error.Message.ShouldBe("ConfigMap hello is not created: " +
                               "namespace \"kube-system\" is not in the allowed namespaces of website (apps)");
        cluster.Writes.ShouldNotContain(w => w.StartsWith("apply", StringComparison.Ordinal));
        ((string?)cluster.Get("Website", "apps", "hello")["status"]!["conditions"]![0]!["reason"]).ShouldBe("NamespaceNotAllowed");
    }
}
