using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Kube.Client;
using Orkestra.Kube.Connection;
using Orkestra.Sandbox;

namespace Orkestra.Kube.Tests.Integration;

/// <summary>
/// An API server that stops answering (the sandbox's Pause fault) cannot hold a caller past
/// <see cref="KubeConnectionOptions.RequestTimeout"/>: every non-watch verb ends with a TimeoutException naming it.
/// </summary>
public sealed class RequestDeadlineTests
{
    private static readonly GroupVersionResource ConfigMaps = new("", "v1", "configmaps");

    [Test, CancelAfter(60_000)]
    public async Task Every_request_to_a_server_that_never_answers_ends_at_the_request_timeout()
    {
        await using var sandbox = await TestSandbox.StartAsync(new SandboxOptions { Port = 0 });
        using var connection = KubeConnection.Create(new KubeConnectionOptions
        {
            KubeconfigPath = sandbox.KubeconfigPath,
            RequestTimeout = TimeSpan.FromMilliseconds(500),
            MaxRetries = 0,
        });
        var client = connection.CreateClient();
        var body = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["metadata"] = new JsonObject { ["name"] = "c" } };
        await client.CreateAsync(ConfigMaps, "default", body, null, default).Within();

        sandbox.Server.Faults.Pause();
        try
        {
            var calls = new (string Verb, Func<Task> Call)[]
            {
                ("get", () => client.GetAsync(ConfigMaps, "default", "c", default)),
                ("list", () => client.ListAsync(ConfigMaps, "default", new ListOptions(), default)),
                ("patch", () => client.PatchAsync(ConfigMaps, "default", "c", PatchType.Merge, new JsonObject(), null, default)),
                ("delete", () => client.DeleteAsync(ConfigMaps, "default", "c", null, default)),
            };
            foreach (var (verb, call) in calls)
            {
                var error = await Should.ThrowAsync<TimeoutException>(() => call().Within());
                error.Message.ShouldStartWith(verb + " ");
            }
        }
        finally
        {
            sandbox.Server.Faults.Resume();
        }
    }
}
