using Orkestra.Operators.Tests.Support;

namespace Orkestra.Operators.Tests;

/// <summary>
/// Status fields are written as the types the CRD's structural status schema declares: a templated "3" into an integer
/// field is 3 (the API server would refuse the string with 422 on every reconcile), and a field declared a string stays
/// a string even with <c>type: int</c>. A value that cannot be coerced fails the CR once: Ready=False naming the field
/// (reason StatusFieldInvalid), the other fields written, no retries on a timer.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class StatusSchemaTypesTests
{
    [Test]
    public async Task Templated_values_are_written_as_the_schema_types_and_a_bad_one_is_a_reason_naming_the_field()
    {
        await using var ork = await RunningOperators.StartAsync(["test/Orkestra.Operators.Tests/Katalogs/statustypes/katalog.yaml"]);
        await ork.WaitReadyAsync();
        await ork.OkAsync("apply -f -", """
            apiVersion: test.orkestra.io/v1
            kind: Gauge
            metadata: {name: good, namespace: default}
            spec: {count: "3", ratio: "0.5", enabled: "true"}
            ---
            apiVersion: test.orkestra.io/v1
            kind: Gauge
            metadata: {name: bad, namespace: default}
            spec: {count: "4", ratio: "half", enabled: "false"}
            """);

        await ork.EventuallyAsync(async () => (string?)(await ork.ReadyAsync("gauges", "good"))?["status"] == "True", "good Ready");
        var status = (await ork.GetAsync("gauges", "good"))!["status"]!;
        status["count"]!.GetValueKind().ShouldBe(System.Text.Json.JsonValueKind.Number);
        ((long)status["count"]!).ShouldBe(3);
        ((double)status["ratio"]!).ShouldBe(0.5);
        ((bool)status["enabled"]!).ShouldBeTrue();
        ((string?)status["label"]).ShouldBe("3", "the schema declares label a string");

        await ork.EventuallyAsync(async () => (string?)(await ork.ReadyAsync("gauges", "bad"))?["status"] == "False", "bad Ready=False");
        var ready = (await ork.ReadyAsync("gauges", "bad"))!;
        ((string?)ready["reason"]).ShouldBe("StatusFieldInvalid");
        ((string?)ready["message"] ?? "").ShouldContain("status.fields ratio: \"half\" is not a number");
        var bad = (await ork.GetAsync("gauges", "bad"))!["status"]!;
        ((long)bad["count"]!).ShouldBe(4, "the fields that fit are written");
        bad["ratio"].ShouldBeNull();
    }
}
