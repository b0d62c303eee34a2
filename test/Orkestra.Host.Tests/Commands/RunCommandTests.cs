using Orkestra.Host.Commands;

namespace Orkestra.Host.Tests.Commands;

/// <summary><c>ork run</c> refuses bad input before it connects to anything (the runtime itself is tested end to end in
/// Orkestra.Operators.Tests).</summary>
public sealed class RunCommandTests
{
    private static (int Code, string Out, string Err) Run(string[] args, Dictionary<string, string>? env = null)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        using var never = new CancellationTokenSource();
        var code = RunCommand.Run(args, stdout, stderr, k => env?.GetValueOrDefault(k), never.Token);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static string Sample(string name) => Repo.Combine("samples", name, "katalog.yaml");

    /// <summary>Runs <c>ork run</c> on a Katalog written to a temporary file; the path is passed to <paramref name="check"/>.</summary>
    private static void WithKatalog(string text, Action<string, (int Code, string Out, string Err)> check)
    {
        using var dir = new TempDirectory("ork-run-");
        var path = dir.Write("katalog.yaml", text);
        check(path, Run(["-k", path, "--kubeconfig", "/nonexistent"]));
    }

    [TestCase("--apply", "sometimes", "--apply must be auto, always or never, got 'sometimes'")]
    [TestCase("--leader-elect", "maybe", "--leader-elect must be true or false, got 'maybe'")]
    [TestCase("--port", "70000", "--port must be a number from 0 to 65535, got '70000'")]
    [TestCase("--log-format", "xml", "--log-format must be text or json, got 'xml'")]
    [TestCase("--log-level", "loud", "--log-level must be trace, debug, info, warn or error, got 'loud'")]
    [TestCase("--sandbox-port", "1234", "--sandbox-port needs --sandbox")]
    [TestCase("--kube-api-qps", "-1", "--kube-api-qps must be a non-negative number, got '-1'")]
    [TestCase("--webhook-port", "99999", "--webhook-port must be a number from 0 to 65535, got '99999'")]
    [TestCase("--metrics-names", "prometheus", "--metrics-names must be both, orkestra or controller-runtime, got 'prometheus'")]
    [TestCase("--bind", "localhost", "--bind must be an IP address, got 'localhost'")]
    [TestCase("--webhook-url", "http://10.0.0.1:9443", "--webhook-url must be an https:// URL, got 'http://10.0.0.1:9443'")]
    public void Bad_flags_are_usage_errors_that_say_what_is_wrong(string flag, string value, string message)
    {
        var (code, _, err) = Run(["-k", Sample("hello-website"), flag, value]);
        code.ShouldBe(2);
        err.ShouldStartWith("ork run: " + message);
    }

    [Test]
    public void Defaults_leave_the_request_rate_to_the_API_server_and_trim_memory_after_bursts()
    {
        var settings = RunCommand.Resolve(["-k", "katalog.yaml"], _ => null, out var error);
        error.ShouldBeNull();
        settings.ShouldNotBeNull();
        settings.Qps.ShouldBe(0);   // no client-side limit (docs/runtime.md)
        settings.Burst.ShouldBe(200);
        settings.Runtime.IdleTrim.ShouldBe(Orkestra.Runtime.Memory.IdleTrimOptions.Default);
        settings.Runtime.ReleaseStartupPages.ShouldBeTrue();

        var limited = RunCommand.Resolve(["--kube-api-qps", "50", "--kube-api-burst", "80"], _ => null, out error);
        error.ShouldBeNull();
        limited!.Qps.ShouldBe(50);
        limited.Burst.ShouldBe(80);
    }

    [Test]
    public void The_http_listener_binds_loopback_outside_a_cluster_every_interface_inside_and_what_bind_says()
    {
        var outside = RunCommand.Resolve([], _ => null, out var error)!;
        error.ShouldBeNull();
        outside.Runtime.BindAddress.ShouldBe(System.Net.IPAddress.Loopback);
        outside.Runtime.WebhookBindAddress.ShouldBe(System.Net.IPAddress.Any);
        var inside = RunCommand.Resolve([], k => k == "KUBERNETES_SERVICE_HOST" ? "10.96.0.1" : null, out _)!;
        inside.Runtime.BindAddress.ShouldBe(System.Net.IPAddress.Any);
        var flag = RunCommand.Resolve(["--bind", "::1"], k => k == "KUBERNETES_SERVICE_HOST" ? "10.96.0.1" : null, out _)!;
        flag.Runtime.BindAddress.ShouldBe(System.Net.IPAddress.IPv6Loopback);
        flag.Runtime.WebhookBindAddress.ShouldBe(System.Net.IPAddress.IPv6Loopback);
    }

    [Test]
    public void Metric_names_come_from_the_flag_or_ORK_METRICS_NAMES_and_default_to_both()
    {
        RunCommand.Resolve([], _ => null, out _)!.MetricNames.ShouldBe(Runtime.Observability.MetricNames.Both);
        RunCommand.Resolve([], k => k == "ORK_METRICS_NAMES" ? "orkestra" : null, out _)!.MetricNames
            .ShouldBe(Runtime.Observability.MetricNames.Orkestra);
        RunCommand.Resolve(["--metrics-names", "controller-runtime"], k => k == "ORK_METRICS_NAMES" ? "orkestra" : null, out _)!
            .MetricNames.ShouldBe(Runtime.Observability.MetricNames.ControllerRuntime);
    }

    [Test]
    public void Request_and_shutdown_deadlines_have_defaults_well_inside_the_reconcile_timeout_and_flags()
    {
        var defaults = RunCommand.Resolve([], _ => null, out var error)!;
        error.ShouldBeNull();
        defaults.RequestTimeout.ShouldBe(TimeSpan.FromSeconds(30));
        defaults.RequestTimeout.ShouldBeLessThan(defaults.Runtime.Defaults.ReconcileTimeout / 2);
        defaults.Runtime.ShutdownTimeout.ShouldBe(TimeSpan.FromSeconds(10));

        var set = RunCommand.Resolve(["--kube-api-timeout", "5s", "--shutdown-timeout", "1m30s"], _ => null, out error)!;
        error.ShouldBeNull();
        set.RequestTimeout.ShouldBe(TimeSpan.FromSeconds(5));
        set.Runtime.ShutdownTimeout.ShouldBe(TimeSpan.FromSeconds(90));

        RunCommand.Resolve(["--shutdown-timeout", "0s"], _ => null, out error).ShouldBeNull();
        error.ShouldBe("--shutdown-timeout must be a positive duration such as 10s or 1m30s, got '0s'");
        RunCommand.Resolve(["--kube-api-timeout", "soon"], _ => null, out error).ShouldBeNull();
        error!.ShouldStartWith("--kube-api-timeout must be a positive duration");
    }

    [Test]
    public void Bad_environment_values_are_usage_errors()
    {
        var (code, _, err) = Run(["-k", Sample("hello-website")], new() { ["DEFAULT_WORKERS"] = "0" });
        code.ShouldBe(2);
        err.ShouldStartWith("ork run: DEFAULT_WORKERS must be a whole number from 1 to 50, got \"0\"");
    }

    [TestCase("ENABLE_ADMISSION_WEBHOOK", "on", "ENABLE_ADMISSION_WEBHOOK must be true or false, got \"on\"")]
    [TestCase("TLS_KEY", "/tls.key", "TLS_CERT and TLS_KEY must be given together")]
    public void Bad_webhook_environment_values_are_usage_errors(string name, string value, string message)
    {
        var (code, _, err) = Run(["-k", Sample("hello-website")], new() { [name] = value });
        code.ShouldBe(2);
        err.ShouldStartWith("ork run: " + message);
    }

    [Test]
    public void Webhook_settings_come_from_flags_and_the_environment()
    {
        var env = new Dictionary<string, string>
        {
            ["ENABLE_CONVERSION"] = "true", ["ORK_SERVICE_NAME"] = "ork", ["ORK_NAMESPACE"] = "ork-system",
        };
        string[] args = ["--webhook-port", "0", "--webhook-url", "https://ork.example:8443"];
        var settings = RunCommand.Resolve(args, k => env.GetValueOrDefault(k), out var error);
        error.ShouldBeNull();
        var webhooks = settings!.Runtime.Webhooks;
        (webhooks.Port, webhooks.EnableConversion, webhooks.EnableAdmission, webhooks.ServiceName, webhooks.Namespace)
            .ShouldBe((0, true, false, "ork", "ork-system"));
        webhooks.AdvertisedUrl!.ToString().ShouldBe("https://ork.example:8443/");
        RunCommand.Resolve([], _ => null, out _)!.Runtime.Webhooks.Port.ShouldBe(9443);
    }

    [Test]
    public void Validate_runs_exactly_the_checks_run_makes_before_starting() => WithKatalog("""
            apiVersion: orkestra.orkspace.io/v1
            kind: Katalog
            metadata: {name: autoscaled}
            spec:
              crds:
                website:
                  apiTypes: {group: demo.orkestra.io, version: v1, kind: Website, plural: websites}
                  endpoints: {info: false}
                  operatorBox:
                    onReconcile:
                      configMaps:
                        - name: "{{ .metadata.name }}"
                          data: {a: b}
            """, (path, run) =>
        {
            var validate = new StringWriter();
            var validateCode = ValidateCommand.Run(["-k", path], new StringWriter(), validate);
            validateCode.ShouldBe(1);
            run.Code.ShouldBe(1);
            var refusal = $"{path}:6:5: error: spec.crds.website.endpoints (per-CRD endpoint switches) is not supported by ork run yet";
            validate.ToString().ShouldContain(refusal);
            run.Err.ShouldContain(refusal);
        });

    [Test]
    public void An_invalid_Katalog_stops_the_start_with_located_errors() => WithKatalog("""
            apiVersion: orkestra.orkspace.io/v1
            kind: Katalog
            metadata: {name: broken}
            spec:
              crds:
                website:
                  apiTypes: {group: demo.orkestra.io, version: v1, kind: Website, plural: websites}
                  operatorBox:
                    onReconcile:
                      deployments:
                        - name: "{{ .metadata.name"
                          image: nginx
                          replcas: 2
            """, (path, run) =>
        {
            var (code, output, err) = run;
            code.ShouldBe(1);
            output.ShouldBeEmpty();
            err.ShouldContain($"{path}:11:22: error: onReconcile.deployments[0].name: unclosed action in template");
            err.ShouldContain($"{path}:13:15: error: unknown key 'replcas' in onReconcile.deployments[0]; did you mean 'replicas'?");
            err.ShouldContain("nothing was started");
        });

    [Test]
    public void Declared_features_the_runtime_does_not_run_yet_stop_the_start() => WithKatalog("""
            apiVersion: orkestra.orkspace.io/v1
            kind: Katalog
            metadata: {name: autoscaled}
            spec:
              crds:
                website:
                  apiTypes: {group: demo.orkestra.io, version: v1, kind: Website, plural: websites}
                  operatorBox:
                    autoscale:
                      interval: 30s
                      cooldown: 2m
                      conditions:
                        when:
                          - field: metrics.queueDepth
                            greaterThan: "300"
                      do: {workers: 12}
            """, (_, run) =>
        {
            run.Code.ShouldBe(1);
            run.Err.ShouldContain("spec.crds.website.operatorBox.autoscale is not supported by ork run yet");
        });

    [Test]
    public void An_unreachable_configuration_is_reported_without_a_stack_trace()
    {
        var (code, _, err) = Run(["-k", Sample("hello-website"), "--kubeconfig", "/nonexistent/kubeconfig", "--port", "0"]);
        code.ShouldBe(1);
        err.ShouldStartWith("ork run: ");
        err.ShouldContain("/nonexistent/kubeconfig");
        err.ShouldNotContain("   at ");
    }
    [Test, CancelAfter(60_000)]
    public void A_cluster_that_does_not_answer_at_start_is_exit_1_after_the_connect_timeout()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();   // nothing listens there any more: every connection is refused
        using var dir = new TempDirectory("ork-run-");
        var kubeconfig = dir.Write("kubeconfig", $$$"""
            apiVersion: v1
            kind: Config
            clusters: [{name: c, cluster: {server: "https://127.0.0.1:{{{port}}}"}}]
            users: [{name: u, user: {token: t}}]
            contexts: [{name: x, context: {cluster: c, user: u}}]
            current-context: x
            """);
        var (code, stdout, _) = Run(["-k", Sample("hello-website"), "--kubeconfig", kubeconfig, "--port", "0", "--bind", "127.0.0.1",
            "--connect-timeout", "1s"]);
        code.ShouldBe(1, stdout);
        stdout.ShouldContain($"the API server at https://127.0.0.1:{port}/ did not answer within 1 s");
        stdout.ShouldContain("nothing was started");
    }
}
