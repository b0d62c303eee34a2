using System.Text.Json.Nodes;
using Orkestra.Sandbox.Tests.Support;

namespace Orkestra.Sandbox.Tests.Kubectl;

/// <summary>Real /usr/bin/kubectl against a fresh sandbox per test (own port, kubeconfig and cache dir).</summary>
[Parallelizable(ParallelScope.All)]
public sealed class KubectlTests
{
    const string ConfigMap = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
          labels:
            app: demo
        data:
          color: blue
        """;

    const string Deployment = Manifests.Deployment;

    const string WidgetCrd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.example.com
        spec:
          group: example.com
          scope: Namespaced
          names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
          versions:
          - name: v1
            served: true
            storage: true
            subresources: {status: {}}
            additionalPrinterColumns:
            - {name: Size, type: string, jsonPath: .spec.size}
            - {name: Ready, type: string, jsonPath: '.status.conditions[?(@.type=="Ready")].status'}
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    properties:
                      size: {type: string}
                      replicas: {type: integer}
                  status:
                    type: object
                    x-kubernetes-preserve-unknown-fields: true
        """;

    static string Cm(string name, string? data = null) =>
        $"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {name}}}\n" + (data is null ? "" : $"data:\n  {data}\n");

    static string Ns(string name) => $"apiVersion: v1\nkind: Namespace\nmetadata: {{name: {name}}}\n";

    /// <summary>kubectl create -f of a manifest (generators like `create configmap` send protobuf, which the sandbox does not speak).</summary>
    static Task<KubectlResult> Apply(TestSandbox sb, string manifest, string? ns = null) =>
        Ok(sb, $"create {(ns is null ? "" : $"-n {ns} ")}-f {sb.WriteFile(Guid.NewGuid().ToString("N") + ".yaml", manifest)}");

    static async Task<KubectlResult> Ok(TestSandbox sb, string args, string? stdin = null)
    {
        var result = await sb.KubectlAsync(args, stdin);
        result.ExitCode.ShouldBe(0, result.ToString());
        return result;
    }

    [Test]
    public async Task Create_get_describe_and_exact_AlreadyExists_error()
    {
        await using var sb = await TestSandbox.StartAsync();
        var file = sb.WriteFile("cm.yaml", ConfigMap);
        (await Ok(sb, $"create -f {file}")).Stdout.Trim().ShouldBe("configmap/settings created");
        var again = await sb.KubectlAsync($"create -f {file}");
        again.ExitCode.ShouldBe(1);
        again.Stderr.Trim().ShouldBe($"Error from server (AlreadyExists): error when creating \"{file}\": configmaps \"settings\" already exists");
        var table = await Ok(sb, "get configmaps");
        table.Stdout.ShouldContain("NAME");
        table.Stdout.ShouldContain("DATA");
        table.Stdout.ShouldContain("settings");
        (await Ok(sb, "get cm settings -o jsonpath={.data.color}")).Stdout.ShouldBe("blue");
        (await Ok(sb, "describe configmap settings")).Stdout.ShouldContain("color");
    }

    [Test]
    public async Task Get_services_prints_kubectls_columns_with_external_IPs_and_ports()
    {
        await using var sb = await TestSandbox.StartAsync();
        var file = sb.WriteFile("svc.yaml", """
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec:
              selector: {app: web}
              ports:
              - {name: http, port: 80, targetPort: 8080}
              - {name: dns, port: 53, protocol: UDP}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: edge}
            spec:
              type: LoadBalancer
              selector: {app: web}
              ports:
              - {port: 443, nodePort: 30443}
            """);
        await Ok(sb, $"create -f {file}");
        var lines = (await Ok(sb, "get services web edge")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries).ShouldBe(["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"]);
        var web = lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        (web[0], web[1], web[3], web[4]).ShouldBe(("web", "ClusterIP", "<none>", "80/TCP,53/UDP"));
        var edge = lines[2].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        (edge[0], edge[1], edge[3], edge[4]).ShouldBe(("edge", "LoadBalancer", "<pending>", "443:30443/TCP"));
    }

    [Test]
    public async Task Get_missing_object_prints_NotFound()
    {
        await using var sb = await TestSandbox.StartAsync();
        var result = await sb.KubectlAsync("get configmap nope");
        result.ExitCode.ShouldBe(1);
        result.Stderr.Trim().ShouldBe("Error from server (NotFound): configmaps \"nope\" not found");
    }

    [Test]
    public async Task Apply_client_side_then_changed_then_unchanged()
    {
        await using var sb = await TestSandbox.StartAsync();
        var file = sb.WriteFile("cm.yaml", ConfigMap);
        (await Ok(sb, $"apply -f {file}")).Stdout.Trim().ShouldBe("configmap/settings created");
        (await Ok(sb, $"apply -f {file}")).Stdout.Trim().ShouldBe("configmap/settings unchanged");
        sb.WriteFile("cm.yaml", ConfigMap.Replace("blue", "green", StringComparison.Ordinal));
        (await Ok(sb, $"apply -f {file}")).Stdout.Trim().ShouldBe("configmap/settings configured");
        (await Ok(sb, "get cm settings -o jsonpath={.data.color}")).Stdout.ShouldBe("green");
    }

    [Test]
    public async Task Label_annotate_merge_and_json_patch()
    {
        await using var sb = await TestSandbox.StartAsync();
        await Apply(sb, Cm("c1", "a: '1'"));
        (await Ok(sb, "label configmap c1 tier=backend")).Stdout.Trim().ShouldBe("configmap/c1 labeled");
        (await Ok(sb, "annotate configmap c1 note=hello")).Stdout.Trim().ShouldBe("configmap/c1 annotated");
        (await Ok(sb, """patch configmap c1 --type=merge -p '{"data":{"b":"2"}}'""")).Stdout.Trim().ShouldBe("configmap/c1 patched");
        (await Ok(sb, """patch configmap c1 --type=json -p '[{"op":"remove","path":"/data/a"}]'""")).Stdout.Trim().ShouldBe("configmap/c1 patched");
        var json = JsonNode.Parse((await Ok(sb, "get configmap c1 -o json")).Stdout)!;
        json["metadata"]!["labels"]!["tier"]!.GetValue<string>().ShouldBe("backend");
        json["metadata"]!["annotations"]!["note"]!.GetValue<string>().ShouldBe("hello");
        json["data"]!.AsObject().Select(p => p.Key).ShouldBe(["b"]);
        (await Ok(sb, "get configmaps -l tier=backend -o name")).Stdout.Trim().ShouldBe("configmap/c1");
        (await Ok(sb, "get configmaps -l tier!=backend -o name")).Stdout.Trim().ShouldNotContain("configmap/c1");
        var failing = await sb.KubectlAsync("""patch configmap c1 --type=json -p '[{"op":"test","path":"/data/b","value":"9"}]'""");
        failing.ExitCode.ShouldBe(1);
        failing.Stderr.Trim().ShouldBe("The request is invalid: testing value /data/b failed: test failed");
    }

    [Test]
    public async Task Deployment_becomes_available_for_rollout_status_and_wait_and_scale()
    {
        await using var sb = await TestSandbox.StartAsync();
        var file = sb.WriteFile("d.yaml", Deployment);
        await Ok(sb, $"apply -f {file}");
        (await Ok(sb, "rollout status deployment/web --timeout=20s")).Stdout.ShouldContain("successfully rolled out");
        (await Ok(sb, "wait --for=condition=Available deployment/web --timeout=20s")).Stdout.Trim().ShouldBe("deployment.apps/web condition met");
        (await Ok(sb, "scale deployment web --replicas=5")).Stdout.Trim().ShouldBe("deployment.apps/web scaled");
        (await Ok(sb, "rollout status deployment/web --timeout=20s")).Stdout.ShouldContain("successfully rolled out");
        (await Ok(sb, "get deploy web -o jsonpath={.status.availableReplicas}")).Stdout.ShouldBe("5");
        (await Ok(sb, "get deploy")).Stdout.ShouldContain("5/5");
    }

    [Test]
    public async Task Job_completes_and_failing_job_fails()
    {
        await using var sb = await TestSandbox.StartAsync();
        await Ok(sb, $"create -f {sb.WriteFile("ok.yaml", "apiVersion: batch/v1\nkind: Job\nmetadata: {name: ok}\nspec:\n  template:\n    spec:\n      containers: [{name: c, image: busybox}]\n")}");
        (await Ok(sb, "wait --for=condition=Complete job/ok --timeout=20s")).Stdout.Trim().ShouldBe("job.batch/ok condition met");
        (await Ok(sb, "get job ok -o jsonpath={.status.succeeded}")).Stdout.ShouldBe("1");
        var job = sb.WriteFile("j.yaml", """
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: bad
              annotations: {sandbox.orkestra.io/fail: "true"}
            spec:
              template:
                spec:
                  containers: [{name: c, image: busybox}]
            """);
        await Ok(sb, $"create -f {job}");
        (await Ok(sb, "wait --for=condition=Failed job/bad --timeout=20s")).Stdout.Trim().ShouldBe("job.batch/bad condition met");
    }

    [Test]
    public async Task Delete_with_finalizer_waits_until_finalizer_removed()
    {
        await using var sb = await TestSandbox.StartAsync();
        var file = sb.WriteFile("cm.yaml", """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: held, finalizers: [example.com/hold]}
            """);
        await Ok(sb, $"create -f {file}");
        (await Ok(sb, "delete configmap held --wait=false")).Stdout.Trim().ShouldBe("configmap \"held\" deleted");
        (await Ok(sb, "get configmap held -o jsonpath={.metadata.deletionTimestamp}")).Stdout.ShouldNotBeEmpty();
        var waiting = sb.KubectlAsync("wait --for=delete configmap/held --timeout=20s");
        await Ok(sb, """patch configmap held --type=merge -p '{"metadata":{"finalizers":null}}'""");
        var waited = await waiting;
        waited.ExitCode.ShouldBe(0, waited.ToString());
        (await sb.KubectlAsync("get configmap held")).Stderr.ShouldContain("NotFound");
    }

    [TestCase("background")]
    [TestCase("foreground")]
    [TestCase("orphan")]
    public async Task Delete_propagation_policies_cascade_to_owned_objects(string cascade)
    {
        await using var sb = await TestSandbox.StartAsync();
        await Apply(sb, Cm("owner"));
        var uid = (await Ok(sb, "get configmap owner -o jsonpath={.metadata.uid}")).Stdout;
        var child = sb.WriteFile("child.yaml", $$"""
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: child
              ownerReferences: [{apiVersion: v1, kind: ConfigMap, name: owner, uid: {{uid}}, blockOwnerDeletion: true}]
            """);
        await Ok(sb, $"create -f {child}");
        await Ok(sb, $"delete configmap owner --cascade={cascade} --timeout=20s");
        if (cascade == "orphan")
        {
            (await Ok(sb, "get configmap child -o jsonpath={.metadata.ownerReferences}")).Stdout.ShouldBeEmpty();
        }
        else
        {
            await Ok(sb, "wait --for=delete configmap/child --timeout=20s");
        }
        (await sb.KubectlAsync("get configmap owner")).Stderr.ShouldContain("NotFound");
    }

    [Test]
    public async Task Crd_with_status_printer_columns_short_name_and_status_subresource()
    {
        await using var sb = await TestSandbox.StartAsync();
        var crd = sb.WriteFile("crd.yaml", WidgetCrd);
        await Ok(sb, $"apply -f {crd}");
        (await Ok(sb, "wait --for=condition=Established crd/widgets.example.com --timeout=20s")).Stdout.ShouldContain("condition met");
        var w = sb.WriteFile("w.yaml", """
            apiVersion: example.com/v1
            kind: Widget
            metadata: {name: w1}
            spec: {size: large}
            status: {ignored: true}
            """);
        (await Ok(sb, $"apply -f {w}")).Stdout.Trim().ShouldBe("widget.example.com/w1 created");
        (await Ok(sb, "get widget w1 -o jsonpath={.status}")).Stdout.ShouldBeEmpty();
        await Ok(sb, """patch widget w1 --subresource=status --type=merge -p '{"status":{"conditions":[{"type":"Ready","status":"True"}]}}'""");
        var table = (await Ok(sb, "get wd")).Stdout;
        table.ShouldContain("SIZE");
        table.ShouldContain("READY");
        table.ShouldMatch(@"w1\s+large\s+True");
        (await Ok(sb, "wait --for=condition=Ready widget/w1 --timeout=20s")).Stdout.ShouldContain("condition met");
        var smp = await sb.KubectlAsync("""patch widget w1 -p '{"spec":{"size":"small"}}'""");
        smp.ExitCode.ShouldBe(1);
        smp.Stderr.ShouldStartWith("error: application/strategic-merge-patch+json is not supported by example.com/v1, Kind=Widget: the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
        (await Ok(sb, """patch widget w1 --type=merge -p '{"spec":{"size":"small"}}'""")).Stdout.Trim().ShouldBe("widget.example.com/w1 patched");
        (await Ok(sb, "get widget w1 -o jsonpath={.metadata.generation}")).Stdout.ShouldBe("2");
        await Ok(sb, "delete crd widgets.example.com --timeout=20s");
        // kubectl's discovery cache (fresh for 6 h) still knows the type; the server itself answers 404.
        (await sb.KubectlAsync("get widgets")).Stderr.Trim().ShouldBe("Error from server (NotFound): Unable to list \"example.com/v1, Resource=widgets\": the server could not find the requested resource");
    }

    [Test]
    public async Task Get_watch_prints_changes_and_all_namespaces_listing()
    {
        await using var sb = await TestSandbox.StartAsync();
        await Apply(sb, Ns("team-a"));
        await Apply(sb, Cm("one"), "team-a");
        (await Ok(sb, "get configmaps -A")).Stdout.ShouldMatch(@"team-a\s+one");
        using var watch = sb.StartKubectl("get configmaps -n team-a -w -o name");
        var lines = new List<string>();
        var reader = Task.Run(async () =>
        {
            while (await watch.StandardOutput.ReadLineAsync() is { } line)
            {
                lock (lines) lines.Add(line);
            }
        });
        try
        {
            await TestSandbox.EventuallyAsync(() => Task.FromResult(Count(lines, "configmap/one") >= 1), "initial listing");
            await Apply(sb, Cm("two"), "team-a");
            await TestSandbox.EventuallyAsync(() => Task.FromResult(Count(lines, "configmap/two") >= 1), "watch event for two");
        }
        finally
        {
            watch.Kill(entireProcessTree: true);
            await reader.WaitAsync(TestSandbox.Timeout);
        }
    }

    static int Count(List<string> lines, string text)
    {
        lock (lines) return lines.Count(l => l.Contains(text, StringComparison.Ordinal));
    }

    [Test]
    public async Task Namespace_deletion_removes_its_content()
    {
        await using var sb = await TestSandbox.StartAsync();
        await Apply(sb, Ns("doomed"));
        await Apply(sb, Cm("x"), "doomed");
        await Ok(sb, "delete namespace doomed --timeout=20s");
        (await sb.KubectlAsync("get namespace doomed")).Stderr.Trim().ShouldBe("Error from server (NotFound): namespaces \"doomed\" not found");
        var file = sb.WriteFile("late.yaml", Cm("late"));
        var create = await sb.KubectlAsync($"create -n doomed -f {file}");
        create.Stderr.Trim().ShouldBe($"Error from server (NotFound): error when creating \"{file}\": namespaces \"doomed\" not found");
    }

    [Test]
    public async Task Replace_with_stale_resource_version_conflicts()
    {
        await using var sb = await TestSandbox.StartAsync();
        await Apply(sb, Cm("c", "a: '1'"));
        var json = (await Ok(sb, "get configmap c -o json")).Stdout;
        await Ok(sb, "label configmap c x=y");
        var file = sb.WriteFile("stale.json", json);
        var replace = await sb.KubectlAsync($"replace -f {file}");
        replace.ExitCode.ShouldBe(1);
        replace.Stderr.Trim().ShouldBe($"Error from server (Conflict): error when replacing \"{file}\": Operation cannot be fulfilled on configmaps \"c\": the object has been modified; please apply your changes to the latest version and try again");
    }
}
