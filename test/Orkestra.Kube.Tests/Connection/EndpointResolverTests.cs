using Orkestra.Kube.Connection;
using Orkestra.Kube.Tests.Support;

namespace Orkestra.Kube.Tests.Connection;

public sealed class EndpointResolverTests
{
    TempDirectory _temp = null!;
    string _dir = "";

    [SetUp]
    public void CreateDirectory()
    {
        _temp = new TempDirectory("ork-kube-");
        _dir = _temp.Path;
    }

    [TearDown]
    public void DeleteDirectory() => _temp.Dispose();

    static string Kubeconfig(string context, string server, string token, string ns = "team") => $"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: {context}
          cluster:
            server: {server}
            insecure-skip-tls-verify: true
        users:
        - name: {context}
          user:
            token: {token}
        contexts:
        - name: {context}
          context:
            cluster: {context}
            user: {context}
            namespace: {ns}
        current-context: {context}
        """;

    string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    KubeConnectionOptions Options(string? kubeconfig = null, string? context = null, Dictionary<string, string>? env = null, string? home = null) => new()
    {
        KubeconfigPath = kubeconfig,
        Context = context,
        Environment = name => env is not null && env.TryGetValue(name, out var v) ? v : null,
        HomeDirectory = home ?? Path.Combine(_dir, "no-home"),
        ServiceAccountDirectory = Path.Combine(_dir, "no-sa"),
    };

    [Test]
    public async Task Explicit_kubeconfig_gives_server_namespace_and_token()
    {
        var path = Write("a.yaml", Kubeconfig("one", "https://one.example:6443", "tok-1"));

        var endpoint = EndpointResolver.Resolve(Options(path));

        endpoint.Server.ShouldBe(new Uri("https://one.example:6443/"));
        endpoint.Namespace.ShouldBe("team");
        endpoint.SkipTlsVerify.ShouldBeTrue();
        endpoint.InCluster.ShouldBeFalse();
        (await endpoint.Credentials.GetAsync(Fakes.Timeout()))!.ToString().ShouldBe("Bearer tok-1");
        endpoint.Source.ShouldContain(path);
    }

    [Test]
    public async Task KUBECONFIG_lists_are_merged_first_file_wins_and_context_selects()
    {
        var first = Write("a.yaml", Kubeconfig("one", "https://one.example", "tok-1"));
        var second = Write("b.yaml", Kubeconfig("two", "https://two.example", "tok-2"));
        var env = new Dictionary<string, string> { ["KUBECONFIG"] = $"{first}:{Path.Combine(_dir, "missing.yaml")}:{second}" };

        EndpointResolver.Resolve(Options(env: env)).Server.Host.ShouldBe("one.example");
        var two = EndpointResolver.Resolve(Options(context: "two", env: env));
        two.Server.Host.ShouldBe("two.example");
        (await two.Credentials.GetAsync(Fakes.Timeout()))!.Parameter.ShouldBe("tok-2");
    }

    [Test]
    public void Home_kubeconfig_is_used_when_nothing_else_is_set()
    {
        var home = Path.Combine(_dir, "home");
        Directory.CreateDirectory(Path.Combine(home, ".kube"));
        File.WriteAllText(Path.Combine(home, ".kube", "config"), Kubeconfig("h", "https://home.example", "t"));

        EndpointResolver.Resolve(Options(home: home)).Server.Host.ShouldBe("home.example");
    }

    [Test]
    public void Errors_name_the_file_and_the_problem()
    {
        Should.Throw<KubeConnectionException>(() => EndpointResolver.Resolve(Options(Path.Combine(_dir, "nope.yaml"))))
            .Message.ShouldContain("nope.yaml does not exist");

        var path = Write("a.yaml", Kubeconfig("one", "https://one.example", "t"));
        Should.Throw<KubeConnectionException>(() => EndpointResolver.Resolve(Options(path, context: "other")))
            .Message.ShouldBe($"kubeconfig {path}: context \"other\" not found");

        var broken = Write("broken.yaml", "apiVersion: v1\nclusters: [\n");
        Should.Throw<KubeConnectionException>(() => EndpointResolver.Resolve(Options(broken))).Message.ShouldStartWith($"kubeconfig {broken}: ");

        Should.Throw<KubeConnectionException>(() => EndpointResolver.Resolve(Options())).Message.ShouldContain("no Kubernetes configuration found");
    }

    [Test]
    public async Task In_cluster_reads_the_service_account_and_picks_up_a_rotated_token()
    {
        var sa = Path.Combine(_dir, "sa");
        Directory.CreateDirectory(sa);
        File.WriteAllText(Path.Combine(sa, "token"), "first\n");
        File.WriteAllText(Path.Combine(sa, "namespace"), "operators");
        var certificate = TinyTlsServer.IssueServerCertificate(out var ca, ["kubernetes.default.svc"], []);
        certificate.Dispose();
        File.WriteAllText(Path.Combine(sa, "ca.crt"), ca.ExportCertificatePem());
        var time = new ManualTimeProvider();
        var options = new KubeConnectionOptions
        {
            Environment = name => name switch { "KUBERNETES_SERVICE_HOST" => "10.96.0.1", "KUBERNETES_SERVICE_PORT" => "443", _ => null },
            HomeDirectory = Path.Combine(_dir, "no-home"),
            ServiceAccountDirectory = sa,
            TimeProvider = time,
        };

        var endpoint = EndpointResolver.Resolve(options);

        endpoint.InCluster.ShouldBeTrue();
        endpoint.Server.ShouldBe(new Uri("https://10.96.0.1:443/"));
        endpoint.Namespace.ShouldBe("operators");
        endpoint.TrustedCertificates.Count.ShouldBe(1);
        (await endpoint.Credentials.GetAsync(Fakes.Timeout()))!.Parameter.ShouldBe("first");

        File.WriteAllText(Path.Combine(sa, "token"), "second");
        (await endpoint.Credentials.GetAsync(Fakes.Timeout()))!.Parameter.ShouldBe("first");   // cached within a minute
        time.Advance(FileTokenCredentials.RefreshAfter);
        (await endpoint.Credentials.GetAsync(Fakes.Timeout()))!.Parameter.ShouldBe("second");

        File.Delete(Path.Combine(sa, "token"));
        time.Advance(FileTokenCredentials.RefreshAfter);
        (await endpoint.Credentials.GetAsync(Fakes.Timeout()))!.Parameter.ShouldBe("second");   // a failed re-read keeps the last good token
    }
}
