using Orkestra.Kube.Connection;
using Orkestra.Kube.Tests.Support;
using Orkestra.Sandbox;

namespace Orkestra.Kube.Tests.Integration;

/// <summary>Base for tests against a real sandbox over HTTPS: one sandbox, kubeconfig and connection per fixture.</summary>
public abstract class SandboxFixture
{
    protected SandboxServer Sandbox { get; private set; } = null!;
    protected KubeConnection Connection { get; private set; } = null!;
    protected RecordingMetrics Metrics { get; } = new();
    string _dir = "";

    [OneTimeSetUp]
    public async Task StartSandbox()
    {
        Sandbox = await SandboxServer.StartAsync(new SandboxOptions { Port = 0 }, Fakes.Timeout(60));
        _dir = Directory.CreateTempSubdirectory("ork-kube-it-").FullName;
        var kubeconfig = Path.Combine(_dir, "kubeconfig");
        Sandbox.WriteKubeconfig(kubeconfig);
        Connection = KubeConnection.Create(new KubeConnectionOptions
        {
            KubeconfigPath = kubeconfig,
            Qps = 200,
            Burst = 400,
            RetryBaseDelay = TimeSpan.FromMilliseconds(20),
            MaxRetryDelay = TimeSpan.FromSeconds(2),
            Metrics = Metrics,
        });
    }

    [OneTimeTearDown]
    public async Task StopSandbox()
    {
        Connection?.Dispose();
        if (Sandbox is not null) await Sandbox.DisposeAsync();
        if (_dir.Length > 0) Directory.Delete(_dir, recursive: true);
    }
}
