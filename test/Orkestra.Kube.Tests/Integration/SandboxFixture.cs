using Orkestra.Kube.Connection;
using Orkestra.Kube.Tests.Support;
using Orkestra.Sandbox;

namespace Orkestra.Kube.Tests.Integration;

/// <summary>Base for tests against a real sandbox over HTTPS: one sandbox (<see cref="TestSandbox"/>) and one
/// connection per fixture.</summary>
public abstract class SandboxFixture
{
    private TestSandbox? _sandbox;

    protected SandboxServer Sandbox => _sandbox!.Server;

    protected KubeConnection Connection { get; private set; } = null!;

    /// <summary>The connection's request metrics; shared by the fixture's tests (count from a test's own baseline).</summary>
    protected RecordingMetrics Metrics { get; } = new();

    [OneTimeSetUp]
    public async Task StartSandbox()
    {
        _sandbox = await TestSandbox.StartAsync(new SandboxOptions { Port = 0 });
        Connection = KubeConnection.Create(new KubeConnectionOptions
        {
            KubeconfigPath = _sandbox.KubeconfigPath,
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
        if (_sandbox is not null) await _sandbox.DisposeAsync();
    }
}
