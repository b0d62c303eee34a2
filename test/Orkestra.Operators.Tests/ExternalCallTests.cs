using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orkestra.Operators.Tests.Support;

namespace Orkestra.Operators.Tests;

/// <summary>The seed's <c>external</c> example against a real HTTP service on loopback: a health check gates the
/// Deployment, feature flags fill a ConfigMap, and a failing health check fails the reconcile on the CR.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class ExternalCallTests
{
    [Test]
    public async Task Health_checks_gate_children_flags_fill_them_and_a_failing_check_shows_on_the_CR()
    {
        var healthy = true;
        await using var service = await StartServiceAsync(context => context.Request.Path.Value switch
        {
            "/health" => Respond(context, Volatile.Read(ref healthy) ? 200 : 503, "ok"),
            "/flags/shop" => Respond(context, 200, "checkout-v2=on"),
            _ => Respond(context, 404, "no"),
        });
        await using var ork = await RunningOperators.StartAsync(["test/Orkestra.Operators.Tests/Katalogs/external/katalog.yaml"]);
        await ork.WaitReadyAsync();
        await ork.OkAsync("apply -f -", $$"""
            apiVersion: test.orkestra.io/v1
            kind: Shop
            metadata: {name: shop, namespace: default}
            spec: {serviceUrl: "{{service.Url.TrimEnd('/')}}"}
            """);
        await ork.OkAsync("wait --for=condition=Ready shop/shop --timeout=60s");
        (await ork.GetAsync("deployment", "shop")).ShouldNotBeNull();
        ((string?)(await ork.GetAsync("configmap", "shop-flags"))!["data"]!["flags"]).ShouldBe("checkout-v2=on");

        Volatile.Write(ref healthy, false);
        await ork.OkAsync("annotate shop shop poke=1");   // any change triggers a reconcile
        await ork.EventuallyAsync(async () => (string?)(await ork.ReadyAsync("shop", "shop"))?["status"] == "False", "Ready=False after the health check fails");
        ((string?)(await ork.ReadyAsync("shop", "shop"))!["message"]).ShouldBe("external call healthCheck: HTTP 503, expected 200");
    }

    /// <summary>The external gate seen closed, then opening: the flag service answers 503, a failure the call may
    /// survive (continueOnError), so the Shop becomes Ready with its Deployment but without the flags ConfigMap, whose
    /// gate needs the call to have succeeded. Once the service answers, the next reconcile creates it.</summary>
    [Test]
    public async Task A_closed_external_gate_creates_nothing_until_the_call_succeeds()
    {
        var flagsUp = false;
        await using var service = await StartServiceAsync(context => context.Request.Path.Value switch
        {
            "/health" => Respond(context, 200, "ok"),
            "/flags/shop" => Volatile.Read(ref flagsUp) ? Respond(context, 200, "checkout-v2=on") : Respond(context, 503, "flags down"),
            _ => Respond(context, 404, "no"),
        });
        await using var ork = await RunningOperators.StartAsync(["test/Orkestra.Operators.Tests/Katalogs/external/katalog.yaml"]);
        await ork.WaitReadyAsync();
        await ork.OkAsync("apply -f -", $$"""
            apiVersion: test.orkestra.io/v1
            kind: Shop
            metadata: {name: shop, namespace: default}
            spec: {serviceUrl: "{{service.Url.TrimEnd('/')}}"}
            """);
        await ork.OkAsync("wait --for=condition=Ready shop/shop --timeout=60s");
        (await ork.GetAsync("deployment", "shop")).ShouldNotBeNull("the reconcile ran: the health-gated Deployment is there");
        (await ork.GetAsync("configmap", "shop-flags")).ShouldBeNull("the flags call failed: its gate is closed");

        Volatile.Write(ref flagsUp, true);
        await ork.OkAsync("annotate shop shop poke=1");   // any change triggers a reconcile
        await ork.EventuallyAsync(async () => await ork.GetAsync("configmap", "shop-flags") is not null,
            "the flags ConfigMap once the call succeeds");
        ((string?)(await ork.GetAsync("configmap", "shop-flags"))!["data"]!["flags"]).ShouldBe("checkout-v2=on");
    }

    internal static Task Respond(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsync(body);
    }

    /// <summary>A plain HTTP service on a random loopback port.</summary>
    internal static async Task<TestService> StartServiceAsync(RequestDelegate handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestService(app, url);
    }

    internal sealed record TestService(WebApplication App, string Url) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }
}
