using System.Text.Json;
using Orkestra.Kube.Client;

namespace Orkestra.Kube.Tests.Client;

/// <summary>CompactJson reuses a per-thread scratch buffer: every copy must still own its bytes.</summary>
public sealed class CompactJsonTests
{
    static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();

    static string Object(string name, string data) =>
        """{"kind":"ConfigMap","metadata":{"name":"NAME","managedFields":[{"manager":"m"}],"labels":{"a":"b"}},"data":{"k":"DATA"}}"""
            .Replace("NAME", name, StringComparison.Ordinal).Replace("DATA", data, StringComparison.Ordinal);

    [Test]
    public void Consecutive_copies_on_one_thread_are_independent_and_stripped()
    {
        var first = CompactJson.Copy(Parse(Object("one", "x")), stripManagedFields: true);
        var second = CompactJson.Copy(Parse(Object("two", new string('y', 200_000))), stripManagedFields: true); // grows past the kept size
        var third = CompactJson.Copy(Parse(Object("three", "z")), stripManagedFields: true);

        first.GetRawText().ShouldBe("""{"kind":"ConfigMap","metadata":{"name":"one","labels":{"a":"b"}},"data":{"k":"x"}}""");
        second.GetProperty("data").GetProperty("k").GetString()!.Length.ShouldBe(200_000);
        third.GetProperty("metadata").GetProperty("name").GetString().ShouldBe("three");
        third.GetProperty("metadata").TryGetProperty("managedFields", out _).ShouldBeFalse();
    }

    [Test]
    public void Without_managed_fields_or_when_not_stripping_the_copy_is_a_clone()
    {
        CompactJson.Copy(Parse("""{"metadata":{"name":"a"}}"""), stripManagedFields: true).GetRawText().ShouldBe("""{"metadata":{"name":"a"}}""");
        CompactJson.Copy(Parse(Object("a", "x")), stripManagedFields: false).GetProperty("metadata").TryGetProperty("managedFields", out _).ShouldBeTrue();
    }
}
