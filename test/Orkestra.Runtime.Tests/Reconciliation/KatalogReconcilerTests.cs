using Orkestra.ApiMachinery.Meta;
using Orkestra.Katalog.Compilation;
using Orkestra.Runtime.Controllers;
using Orkestra.Runtime.Reconciliation;

namespace Orkestra.Runtime.Tests.Reconciliation;

public class KatalogReconcilerTests
{
    private const string Header = """
        apiVersion: orkestra.orkspace.io/v1
        kind: Katalog
        metadata:
          name: website-operator
        spec:
          crds:
            website:
              apiTypes: {group: demo.orkestra.io, version: v1alpha1, kind: Website, plural: websites}
              operatorBox:

        """;

    private const string HelloWebsite = """
                onCreate:
                  deployments:
                    - name: "{{ .metadata.name }}"
                      image: "{{ .spec.image }}"
                      replicas: "{{ .spec.replicas }}"
                      reconcile: true
                  services:
                    - name: "{{ .metadata.name }}"
                      port: 80
                      targetPort: "{{ .spec.port }}"
                      reconcile: true
                  jobs:
                    - name: "{{ .metadata.name }}-init"
                      image: busybox
        """;

    private const string Cr = """
        {"apiVersion":"demo.orkestra.io/v1alpha1","kind":"Website",
         "metadata":{"name":"hello","namespace":"default","uid":"u-1","generation":2,"resourceVersion":"7"},
         "spec":{"image":"nginx:1.27","replicas":2,"port":8080}}
        """;

    private static readonly ObjectKey Key = new("default", "hello");

    private static (KatalogReconciler Reconciler, FakeCluster Cluster, ManualTimeProvider Time) Setup(string box = HelloWebsite)
    {
        var compiled = KatalogCompiler.CompileText(Header + box, "katalog.yaml");
        compiled.HasErrors.ShouldBeFalse(string.Join("\n", compiled.Diagnostics));
        var cluster = new FakeCluster();
        cluster.Put(Cr);
        var time = new ManualTimeProvider();
        return (new KatalogReconciler(compiled.Katalogs[0].Operators[0], "website-operator", cluster, cluster, cluster, time), cluster, time);
    }

    [Test]
    public async Task First_reconcile_adopts_the_cr_creates_the_children_and_writes_ready()
    {
        var (reconciler, cluster, _) = Setup();
        (await reconciler.ReconcileAsync(Key, default)).ShouldBe(ReconcileResult.Done);
        cluster.Writes.ShouldBe([
            "patch Website default/hello",
            "apply Deployment default/hello",
            "apply Service default/hello",
            "apply Job default/hello-init",
            "status Website default/hello",
        ]);
        var cr = cluster.Get("Website", "default", "hello");
        cr["metadata"]!["finalizers"]![0]!.GetValue<string>().ShouldBe(KatalogReconciler.Finalizer);
        ((string)cr["metadata"]!["labels"]![WellKnownLabels.Managed]!).ShouldBe("true");
        ((string)cr["metadata"]!["annotations"]![KatalogReconciler.ManagedByAnnotation]!).ShouldBe("website-operator");
        ((string)cr["status"]!["conditions"]![0]!["status"]!).ShouldBe("True");
        ((long)cr["status"]!["observedGeneration"]!).ShouldBe(2);
        cluster.Events.Select(e => e.Reason).ShouldBe(["Created", "Reconciled"]);
        cluster.Events[0].Message.ShouldBe("created Deployment hello, Service hello, Job hello-init");
    }

    [Test]
    public async Task An_API_error_is_reported_on_the_CR_before_the_controller_retries()
    {
        var (reconciler, cluster, _) = Setup();
        await reconciler.ReconcileAsync(Key, default);
        cluster.FailApply = ("Deployment", new HttpRequestException("connection reset by peer"));
        cluster.Objects.Remove(new ObjectRef("apps/v1", "Deployment", "default", "hello"));

        var error = await Should.ThrowAsync<HttpRequestException>(async () => await reconciler.ReconcileAsync(Key, default));
        error.Message.ShouldBe("connection reset by peer");
        var ready = cluster.Get("Website", "default", "hello")["status"]!["conditions"]!.AsArray().Single(c => (string?)c!["type"] == "Ready")!;
        ((string?)ready["status"]).ShouldBe("False");
        ((string?)ready["reason"]).ShouldBe("ReconcileError");
        ((string?)ready["message"]).ShouldBe("connection reset by peer");
        cluster.Events.ShouldContain((EventType.Warning, "ReconcileError", "connection reset by peer"));
    }

    [Test]
    public async Task A_CR_deleted_after_it_was_queued_is_a_no_op_not_a_failure()
    {
        var (reconciler, cluster, _) = Setup();
        cluster.CrGoneOnServer = true;   // deleted on the server; the cache still holds it until the watch event arrives
        (await reconciler.ReconcileAsync(Key, default)).ShouldBe(ReconcileResult.Done);
        cluster.Events.ShouldNotContain(e => e.Type == EventType.Warning);
        cluster.Writes.ShouldBeEmpty();
    }

    [Test]
    public async Task A_timeout_reported_by_the_controller_shows_on_the_CR()
    {
        var (reconciler, cluster, _) = Setup();
        await reconciler.ReconcileAsync(Key, default);
        await reconciler.ReportFailureAsync(Key, "reconcile timed out after 120 s", default);
        var ready = cluster.Get("Website", "default", "hello")["status"]!["conditions"]!.AsArray().Single(c => (string?)c!["type"] == "Ready")!;
        ((string?)ready["status"]).ShouldBe("False");
        ((string?)ready["message"]).ShouldBe("reconcile timed out after 120 s");
        cluster.Events.Count(e => e.Type == EventType.Warning).ShouldBe(1);
    }

    [Test]
    public async Task A_converged_cr_costs_zero_writes()
    {
        var (reconciler, cluster, _) = Setup();
        await reconciler.ReconcileAsync(Key, default);
        cluster.Writes.Clear();
        cluster.Events.Clear();
        await reconciler.ReconcileAsync(Key, default);
        await reconciler.ReconcileAsync(Key, default);
        cluster.Writes.ShouldBeEmpty();
        cluster.Events.ShouldBeEmpty();
    }

    [Test]
    public async Task A_status_only_write_records_no_event()
    {
        var (reconciler, cluster, _) = Setup();
        await reconciler.ReconcileAsync(Key, default);
        cluster.Writes.Clear();
        var events = cluster.Events.Count;
        ((System.Text.Json.Nodes.JsonObject)cluster.Get("Website", "default", "hello")["status"]!).Remove("observedGeneration");
        await reconciler.ReconcileAsync(Key, default);
        cluster.Writes.ShouldBe(["status Website default/hello"]);
        cluster.Events.Count.ShouldBe(events);
    }

    [Test]
    public async Task Drift_in_a_corrected_child_is_repaired_but_a_create_once_child_is_left_alone()
    {
        var (reconciler, cluster, _) = Setup();
        await reconciler.ReconcileAsync(Key, default);
        cluster.Writes.Clear();
        cluster.Get("Deployment", "default", "hello")["spec"]!["replicas"] = 9;
        cluster.Get("Job", "default", "hello-init")["spec"]!["backoffLimit"] = 0;
        await reconciler.ReconcileAsync(Key, default);
        cluster.Writes.ShouldBe(["apply Deployment default/hello"]);
        ((long)cluster.Get("Deployment", "default", "hello")["spec"]!["replicas"]!).ShouldBe(2);
        cluster.Events.Last().Reason.ShouldBe("Reconciled");
    }

    [Test]
    public async Task An_apply_the_server_finds_nothing_to_change_in_is_not_announced()
    {
        var (reconciler, cluster, _) = Setup();
        await reconciler.ReconcileAsync(Key, default);
        cluster.Writes.Clear();
        cluster.Events.Clear();
        cluster.Get("Deployment", "default", "hello")["spec"]!["replicas"] = 9;   // differs from the manifest ...
        cluster.NoOpApplies = true;                                             // ... but not to the server
        await reconciler.ReconcileAsync(Key, default);
        cluster.Writes.ShouldBe(["apply Deployment default/hello"]);
        cluster.Events.ShouldBeEmpty();
    }

    [Test]
    public async Task A_deleted_child_is_recreated()
    {
        var (reconciler, cluster, _) = Setup();
        await reconciler.ReconcileAsync(Key, default);
        cluster.Writes.Clear();
        cluster.Objects.Remove(new ObjectRef("v1", "Service", "default", "hello"));
        await reconciler.ReconcileAsync(Key, default);
        cluster.Writes.ShouldBe(["apply Service default/hello"]);
    }

    [Test]
    public async Task A_template_error_sets_ready_false_emits_a_warning_and_fails_the_reconcile()
    {
        var (reconciler, cluster, _) = Setup(HelloWebsite);
        cluster.Get("Website", "default", "hello")["spec"]!["replicas"] = "many";
        var error = await Should.ThrowAsync<InvalidOperationException>(async () => await reconciler.ReconcileAsync(Key, default));
        error.Message.ShouldContain("replicas: \"many\" is not a number");
        var ready = cluster.Get("Website", "default", "hello")["status"]!["conditions"]![0]!;
        ((string)ready["status"]!).ShouldBe("False");
        ((string)ready["reason"]!).ShouldBe("ReconcileError");
        cluster.Events.Last().Type.ShouldBe(EventType.Warning);
        cluster.Writes.ShouldNotContain("apply Deployment default/hello", "the failing child is not applied");
    }

    [Test]
    public async Task Deletion_removes_ondelete_and_cluster_scoped_children_then_releases_the_finalizer()
    {
        var (reconciler, cluster, _) = Setup(HelloWebsite + """

                  clusterRoles:
                    - name: "{{ .metadata.name }}-reader"
                      rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
                onDelete:
                  configMaps:
                    - name: "{{ .metadata.name }}-leftover"
        """);
        await reconciler.ReconcileAsync(Key, default);
        cluster.Put("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"hello-leftover","namespace":"default","labels":{"orkestra-owner":"hello"}}}""");
        cluster.Get("Website", "default", "hello")["metadata"]!["deletionTimestamp"] = "2026-01-01T00:00:00Z";
        cluster.Writes.Clear();
        await reconciler.ReconcileAsync(Key, default);
        cluster.Writes.ShouldBe([
            "delete ConfigMap default/hello-leftover",
            "delete ClusterRole hello-reader",
            "patch Website default/hello",
        ]);
        cluster.Get("Website", "default", "hello")["metadata"]!["finalizers"]!.AsArray().Count.ShouldBe(0);
    }

    [Test]
    public async Task A_generated_tls_secret_is_created_once_even_when_declared_for_drift_correction()
    {
        var (reconciler, cluster, _) = Setup("""
                onReconcile:
                  secrets:
                    - name: "{{ .metadata.name }}-tls"
                      tls: {commonName: hello.example}
        """);
        await reconciler.ReconcileAsync(Key, default);
        var first = cluster.Get("Secret", "default", "hello-tls")["data"]!["tls.crt"]!.GetValue<string>();
        cluster.Writes.Clear();
        await reconciler.ReconcileAsync(Key, default);
        cluster.Writes.ShouldBeEmpty();
        cluster.Get("Secret", "default", "hello-tls")["data"]!["tls.crt"]!.GetValue<string>().ShouldBe(first);
    }

    [Test]
    public async Task A_drift_corrected_child_whose_condition_turns_false_is_deleted_but_a_create_once_child_stays()
    {
        var (reconciler, cluster, _) = Setup("""
                onCreate:
                  configMaps:
                    - name: "{{ .metadata.name }}-once"
                      when: [{field: spec.replicas, equals: "2"}]
                onReconcile:
                  configMaps:
                    - name: "{{ .metadata.name }}-big"
                      when: [{field: spec.replicas, equals: "2"}]
        """);
        await reconciler.ReconcileAsync(Key, default);
        cluster.Objects.Keys.Select(k => k.Name).ShouldContain("hello-big");
        cluster.Get("Website", "default", "hello")["spec"]!["replicas"] = 1;
        cluster.Writes.Clear();
        await reconciler.ReconcileAsync(Key, default);
        cluster.Writes.ShouldContain("delete ConfigMap default/hello-big");
        cluster.Writes.ShouldNotContain("delete ConfigMap default/hello-once");
        cluster.Events.Last(e => e.Reason == "Deleted").Message.ShouldContain("spec.replicas equals 2 is false");
    }

    [Test]
    public async Task A_once_secret_is_rotated_after_rotateAfter_and_not_before()
    {
        var (reconciler, cluster, time) = Setup("""
                onCreate:
                  secrets:
                    - name: "{{ .metadata.name }}-creds"
                      once: true
                      rotateAfter: 1h
                      data: {password: "{{ randomAlphanumeric 12 }}"}
        """);
        await reconciler.ReconcileAsync(Key, default);
        var secret = cluster.Get("Secret", "default", "hello-creds");
        var first = secret["data"]!["password"]!.GetValue<string>();
        secret["metadata"]!["annotations"]![KatalogReconciler.GeneratedAtAnnotation]!.GetValue<string>().ShouldBe("2026-01-01T00:00:00Z");
        cluster.Writes.Clear();
        time.Advance(TimeSpan.FromMinutes(59));
        await reconciler.ReconcileAsync(Key, default);
        cluster.Writes.ShouldBeEmpty();
        time.Advance(TimeSpan.FromMinutes(1));
        await reconciler.ReconcileAsync(Key, default);
        cluster.Writes.ShouldBe(["apply Secret default/hello-creds"]);
        cluster.Get("Secret", "default", "hello-creds")["data"]!["password"]!.GetValue<string>().ShouldNotBe(first);
        cluster.Events.Last(e => e.Reason != "Reconciled").Reason.ShouldBe("Rotated");
    }

    [Test]
    public async Task A_missing_cr_is_done_without_writes()
    {
        var (reconciler, cluster, _) = Setup();
        (await reconciler.ReconcileAsync(new ObjectKey("default", "gone"), default)).ShouldBe(ReconcileResult.Done);
        cluster.Writes.ShouldBeEmpty();
    }

    [Test]
    public async Task Requeue_after_is_rendered_from_the_katalog()
    {
        var (reconciler, _, _) = Setup("""
                reconciler:
                  requeue:
                    after: "{{ printf \"%ds\" 30 }}"
                onReconcile:
                  configMaps: [{name: x}]
        """);
        (await reconciler.ReconcileAsync(Key, default)).ShouldBe(ReconcileResult.After(TimeSpan.FromSeconds(30)));
    }
}
