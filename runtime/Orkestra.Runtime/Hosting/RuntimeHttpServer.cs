using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orkestra.Runtime.Observability;

namespace Orkestra.Runtime.Hosting;

/// <summary>Kestrel serving <see cref="HttpEndpoints"/> on one port (0 = any free port). Start once, dispose to stop.</summary>
public sealed class RuntimeHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RuntimeHttpServer(WebApplication app) => _app = app;

    /// <summary>A URL a local client reaches the listener at (loopback when it listens on every interface).</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>What the listener is bound to, as Kestrel reports it (<c>http://0.0.0.0:8080</c>,
    /// <c>http://127.0.0.1:8080</c>): the address ork run prints.</summary>
    public string Bound { get; private set; } = "";

    public static async Task<RuntimeHttpServer> StartAsync(IPAddress address, int port, RuntimeState state, RuntimeMetrics metrics,
        CancellationToken cancellation = default)
    {
        // The empty builder: Kestrel and nothing else — no configuration files (and no file watcher thread), no
        // logging providers, no routing (HttpEndpoints routes by hand).
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(k => k.Listen(address, port));
        var app = builder.Build();
        app.Run(context => HttpEndpoints.HandleAsync(context, state, metrics));
        var server = new RuntimeHttpServer(app);
        await app.StartAsync(cancellation).ConfigureAwait(false);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Bound = new Uri(bound).ToString();
        server.Address = new Uri(bound.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)
            .Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
