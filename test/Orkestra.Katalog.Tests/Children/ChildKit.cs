using System.Text.Json.Nodes;
using Orkestra.Katalog.Children;

namespace Orkestra.Katalog.Tests.Children;

/// <summary>Builds entries with a fixed namespaced owner and compares manifests structurally.</summary>
internal static class ChildKit
{
    public static readonly ChildOwner Owner = new("demo.orkestra.io/v1alpha1", "Website", "hello", "default", "uid-1");

    /// <summary>Placeholders usable in expected JSON: the owner reference list and the managed label map.</summary>
    public const string OwnerRef = """[{"apiVersion":"demo.orkestra.io/v1alpha1","kind":"Website","name":"hello","uid":"uid-1","controller":true,"blockOwnerDeletion":true}]""";
    public const string Managed = """{"orkestra.orkspace.io/managed":"true","orkestra-owner":"hello"}""";

    public static JsonObject Build(string yamlKey, string entryJson, ChildOwner? owner = null, TimeProvider? time = null)
    {
        ChildKinds.TryGet(yamlKey, out var kind).ShouldBeTrue(yamlKey);
        return kind.Build(JsonNode.Parse(entryJson)!.AsObject(), new ChildBuildContext(owner ?? Owner, time ?? TimeProvider.System));
    }

    public static void ShouldEqualJson(JsonNode? actual, string expected)
    {
        actual.ShouldNotBeNull();
        var want = JsonNode.Parse(expected.Replace("OWNERREF", OwnerRef).Replace("MANAGED", Managed));
        JsonNode.DeepEquals(actual, want).ShouldBeTrue($"actual: {actual.ToJsonString()}");
    }
}
