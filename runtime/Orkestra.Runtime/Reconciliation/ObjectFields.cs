using System.Text.Json;

namespace Orkestra.Runtime.Reconciliation;

/// <summary>Reads of fields of a stored object (a CR, a child, an admission request's object).</summary>
internal static class ObjectFields
{
    /// <summary>The string at <paramref name="path"/>; null when a step is missing or the value is not a string.</summary>
    public static string? Text(JsonElement e, params string[] path)
    {
        foreach (var p in path)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(p, out e)) return null;
        }
        return e.ValueKind == JsonValueKind.String ? e.GetString() : null;
    }

    /// <summary>The strings of the array <paramref name="name"/> (non-strings skipped); empty when absent.</summary>
    public static List<string> StringList(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToList()
            : [];
}
