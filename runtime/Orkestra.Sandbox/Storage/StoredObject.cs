using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Sandbox.Api;

namespace Orkestra.Sandbox.Storage;

/// <summary>
/// One committed version of an object: the node (fully materialised, never mutated again, so any thread may read
/// it) and its compact JSON bytes (what GET writes). Callers that want to change an object work on <see cref="Clone"/>.
/// </summary>
internal sealed class StoredObject
{
    public StoredObject(JsonObject frozen, long resourceVersion)
    {
        Materialise(frozen);
        Object = frozen;
        ResourceVersion = resourceVersion;
        var metadata = frozen["metadata"] as JsonObject;
        Name = Json.Str(metadata, "name") ?? "";
        Namespace = Json.Str(metadata, "namespace") ?? "";
        Uid = Json.Str(metadata, "uid") ?? "";
        Bytes = Json.ToBytes(frozen);
    }

    public JsonObject Object { get; }
    public byte[] Bytes { get; }
    public long ResourceVersion { get; }
    public string Name { get; }
    public string Namespace { get; }
    public string Uid { get; }
    public ObjectKey Key => new(Namespace, Name);

    public JsonObject Metadata => (JsonObject)Object["metadata"]!;
    public JsonObject? Labels => Metadata["labels"] as JsonObject;
    public bool IsDeleting => Metadata["deletionTimestamp"] is not null;
    public IEnumerable<string> Finalizers => (Metadata["finalizers"] as JsonArray ?? []).Select(f => Json.ScalarText(f) ?? "");

    public JsonObject Clone() => (JsonObject)Object.DeepClone();

    /// <summary>JsonNode trees parsed from text fill their children lazily; touching every container once makes
    /// later concurrent reads safe (after this, reads only look at built dictionaries and lists).</summary>
    private static void Materialise(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (_, child) in o) Materialise(child);
                break;
            case JsonArray a:
                foreach (var child in a) Materialise(child);
                break;
        }
    }
}
