using Orkestra.Sandbox.Tests.Support;

namespace Orkestra.Sandbox.Tests.Features;

/// <summary>Watch bookmarks (spec §4.4) on the injected clock and streaming lists with sendInitialEvents (§4.5).</summary>
[Parallelizable(ParallelScope.All)]
public sealed class WatchFeatureTests
{
    const string ConfigMaps = "/api/v1/namespaces/default/configmaps";

    static async Task<string> CreateAsync(TestSandbox sb, string name, string ns = "default")
    {
        var (code, body, _) = await sb.PostAsync($"/api/v1/namespaces/{ns}/configmaps", $$$"""{"metadata":{"name":"{{{name}}}"}}""");
        code.ShouldBe(201, body?.ToJsonString());
        return body!["metadata"]!["resourceVersion"]!.GetValue<string>();
    }

    static string Rv(System.Text.Json.Nodes.JsonObject obj) => obj["metadata"]!["resourceVersion"]!.GetValue<string>();

    [Test]
    public async Task Bookmarks_arrive_every_minute_and_at_the_timeout_only_when_asked()
    {
        var clock = new ManualTimeProvider();
        await using var sb = await TestSandbox.StartAsync(new SandboxOptions { TimeProvider = clock });
        var rv = await CreateAsync(sb, "a");
        await using var watch = await WatchReader.OpenAsync(sb, $"{ConfigMaps}?watch=true&allowWatchBookmarks=true&timeoutSeconds=150&resourceVersion={rv}");
        await using var plain = await WatchReader.OpenAsync(sb, $"{ConfigMaps}?watch=true&timeoutSeconds=150&resourceVersion={rv}");
        await TestSandbox.EventuallyAsync(() => Task.FromResult(clock.Requested.Contains(TimeSpan.FromMinutes(1))), "the bookmark timer");

        var later = await CreateAsync(sb, "b");
        var added = (await watch.NextAsync())!.Value;
        added.Type.ShouldBe("ADDED");
        (await plain.NextAsync())!.Value.Type.ShouldBe("ADDED");

        // the stream re-arms its bookmark timer after each event; advance only once it has
        await TestSandbox.EventuallyAsync(() => Task.FromResult(clock.Requested.Count(t => t == TimeSpan.FromMinutes(1)) >= 2), "the re-armed bookmark timer");
        clock.Advance(TimeSpan.FromMinutes(1));
        var bookmark = (await watch.NextAsync())!.Value;
        bookmark.Type.ShouldBe("BOOKMARK");
        bookmark.Object.ToJsonString().ShouldBe($$$"""{"kind":"ConfigMap","apiVersion":"v1","metadata":{"resourceVersion":"{{{later}}}"}}""");

        clock.Advance(TimeSpan.FromSeconds(90)); // another tick at 2 min, then the 150 s deadline
        var events = new List<(string Type, System.Text.Json.Nodes.JsonObject Object)>();
        while (await watch.NextAsync() is { } e) events.Add(e);
        events.ShouldNotBeEmpty();
        events.ShouldAllBe(e => e.Type == "BOOKMARK");
        Rv(events[^1].Object).ShouldBe(later);
        (await plain.NextAsync()).ShouldBeNull(); // no bookmarks asked: the stream just ends
    }

    [Test]
    public async Task Send_initial_events_streams_the_state_then_the_end_bookmark_then_changes()
    {
        await using var sb = await TestSandbox.StartAsync();
        (await sb.SendAsync(HttpMethod.Post, "/api/v1/namespaces", """{"metadata":{"name":"other"}}""")).Code.ShouldBe(201);
        await CreateAsync(sb, "one");
        await CreateAsync(sb, "elsewhere", "other");
        var last = await CreateAsync(sb, "two");

        await using var watch = await WatchReader.OpenAsync(sb, $"{ConfigMaps}?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan");
        watch.Code.ShouldBe(200);
        var names = new List<string>();
        while (true)
        {
            var e = (await watch.NextAsync())!.Value;
            if (e.Type == "BOOKMARK")
            {
                e.Object["metadata"]!["annotations"]!["k8s.io/initial-events-end"]!.GetValue<string>().ShouldBe("true");
                long.Parse(Rv(e.Object), System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThanOrEqualTo(long.Parse(last, System.Globalization.CultureInfo.InvariantCulture));
                break;
            }
            e.Type.ShouldBe("ADDED");
            names.Add(e.Object["metadata"]!["name"]!.GetValue<string>());
        }
        names.ShouldContain("one");
        names.ShouldContain("two");
        names.ShouldNotContain("elsewhere");

        await CreateAsync(sb, "three");
        var live = (await watch.NextAsync())!.Value;
        live.Type.ShouldBe("ADDED");
        live.Object["metadata"]!["name"]!.GetValue<string>().ShouldBe("three");
    }

    [Test]
    public async Task Send_initial_events_is_rejected_without_its_companions_and_on_lists()
    {
        await using var sb = await TestSandbox.StartAsync();
        var (code, body, _) = await sb.GetAsync($"{ConfigMaps}?watch=true&sendInitialEvents=true");
        code.ShouldBe(422);
        body!["message"]!.GetValue<string>().ShouldBe("ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan and allowWatchBookmarks=true");
        (code, body, _) = await sb.GetAsync($"{ConfigMaps}?sendInitialEvents=true");
        code.ShouldBe(422);
        body!["message"]!.GetValue<string>().ShouldBe("ListOptions.meta.k8s.io \"\" is invalid: sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list");
    }
}
