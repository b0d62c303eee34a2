using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Orkestra.Runtime.Observability;

namespace Orkestra.Runtime.Tests.Observability;

public sealed class LineLoggerTests
{
    private static readonly ManualTimeProvider Clock = new(new DateTimeOffset(2026, 1, 2, 15, 4, 5, 123, TimeSpan.Zero));

    [Test]
    public void Json_lines_carry_the_structured_fields_of_a_log_event()
    {
        var output = new StringWriter();
        using (var provider = new LineLoggerProvider(output, LogFormat.Json, LogLevel.Information, Clock))
            Log.Reconciled(provider.CreateLogger("orkestra.website"), "website", "default", "hello", "success", 1.5, "wrote status", "id-1");
        var line = JsonNode.Parse(output.ToString().Trim())!;
        ((string)line["time"]!).ShouldBe("2026-01-02T15:04:05.123Z");
        ((string)line["level"]!).ShouldBe("info");
        ((string)line["logger"]!).ShouldBe("orkestra.website");
        ((int)line["event"]!).ShouldBe(100);
        ((string)line["msg"]!).ShouldBe("reconciled website default/hello: success in 1.5 ms: wrote status (reconcile id-1)");
        ((string)line["crd"]!).ShouldBe("website");
        ((string)line["namespace"]!).ShouldBe("default");
        ((string)line["name"]!).ShouldBe("hello");
        ((string)line["result"]!).ShouldBe("success");
        ((string)line["reconcileID"]!).ShouldBe("id-1");
        ((double)line["durationMs"]!).ShouldBe(1.5);
        // One casing: every key is lowerCamel.
        line.AsObject().Select(kv => kv.Key).ShouldAllBe(key => char.IsLower(key[0]));
    }

    [Test]
    public void Text_lines_are_one_per_event_and_levels_below_the_minimum_are_dropped()
    {
        var output = new StringWriter();
        using (var provider = new LineLoggerProvider(output, LogFormat.Text, LogLevel.Warning, Clock))
        {
            var logger = provider.CreateLogger("orkestra.runtime");
            Log.Reconciled(logger, "website", "default", "hello", "success", 1, "wrote status", "id-1");
            Log.Degraded(logger, "website", 5);
        }
        output.ToString().ShouldBe("2026-01-02T15:04:05.123Z WARN  orkestra.runtime[200] operator website is degraded after 5 consecutive failures" + Environment.NewLine);
    }

    [TestCase("warn", LogLevel.Warning)]
    [TestCase("INFO", LogLevel.Information)]
    [TestCase("debug", LogLevel.Debug)]
    public void Levels_parse_case_insensitively(string text, LogLevel level)
    {
        LineLoggerProvider.TryParseLevel(text, out var parsed).ShouldBeTrue();
        parsed.ShouldBe(level);
        LineLoggerProvider.TryParseLevel("loud", out _).ShouldBeFalse();
    }
}
