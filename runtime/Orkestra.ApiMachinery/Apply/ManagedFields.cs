using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.FieldSets;

namespace Orkestra.ApiMachinery.Apply;

/// <summary>
/// One <c>metadata.managedFields</c> entry: who (manager, operation <c>Apply</c>|<c>Update</c>, subresource) owns
/// which fields, at which API version, since when. Immutable.
/// </summary>
public sealed record ManagedFieldsEntry(string Manager, string Operation, string ApiVersion, string? Time, string Subresource,
    FieldSet Fields)
{
    public const string ApplyOperation = "Apply";
    public const string UpdateOperation = "Update";

    public bool IsApply => Operation == ApplyOperation;

    /// <summary>
    /// Kube's manager identifier (<c>BuildManagerIdentifier</c>): the entry without fields and time, and without the
    /// API version for appliers, so an applier keeps one entry across versions while updaters have one per version.
    /// </summary>
    public string Identity
    {
        get
        {
            var id = new JsonObject { ["manager"] = Manager, ["operation"] = Operation };
            if (!IsApply) id["apiVersion"] = ApiVersion;
            if (Subresource.Length > 0) id["subresource"] = Subresource;
            return PathElement.ToJson(id);
        }
    }

    /// <summary>How kube names the manager in conflict messages: <c>"name"[ with subresource "s"][ using apiVersion]</c>.</summary>
    public string Display
    {
        get
        {
            var text = PathElement.ToJson(Manager);
            if (Subresource.Length > 0) text += " with subresource " + PathElement.ToJson(Subresource);
            return IsApply ? text : $"{text} using {ApiVersion}";
        }
    }

    public JsonObject ToJson()
    {
        var entry = new JsonObject { ["manager"] = Manager, ["operation"] = Operation, ["apiVersion"] = ApiVersion };
        if (Time is not null) entry["time"] = Time;
        entry["fieldsType"] = "FieldsV1";
        entry["fieldsV1"] = Fields.ToFieldsV1();
        if (Subresource.Length > 0) entry["subresource"] = Subresource;
        return entry;
    }
}

/// <summary>Decoding and encoding of <c>metadata.managedFields</c>. Pure.</summary>
public static class ManagedFieldsCodec
{
    /// <summary>Decodes a managedFields list; false with a reason when any entry is malformed.</summary>
    public static bool TryDecode(JsonNode? managedFields, out List<ManagedFieldsEntry> entries, out string? error)
    {
        entries = new List<ManagedFieldsEntry>();
        error = null;
        if (managedFields is null) return true;
        if (managedFields is not JsonArray array)
        {
            error = "managedFields must be a list";
            return false;
        }
        var identities = new HashSet<string>();
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonObject entry)
            {
                error = $"managedFields[{i}] must be an object";
                return false;
            }
            var manager = Text(entry, "manager") ?? "";
            var operation = Text(entry, "operation") ?? "";
            if (operation is not (ManagedFieldsEntry.ApplyOperation or ManagedFieldsEntry.UpdateOperation))
            {
                error = $"managedFields[{i}].operation: must be Apply or Update, got \"{operation}\"";
                return false;
            }
            if ((Text(entry, "fieldsType") ?? "FieldsV1") != "FieldsV1")
            {
                error = $"managedFields[{i}].fieldsType: must be FieldsV1";
                return false;
            }
            if (!FieldSet.TryParseFieldsV1(entry["fieldsV1"] ?? new JsonObject(), out var fields, out var fieldsError))
            {
                error = $"managedFields[{i}].fieldsV1: {fieldsError}";
                return false;
            }
            var decoded = new ManagedFieldsEntry(manager, operation, Text(entry, "apiVersion") ?? "", Text(entry, "time"),
                Text(entry, "subresource") ?? "", fields);
            if (!identities.Add(decoded.Identity))
            {
                error = $"managedFields[{i}]: duplicate entry for manager {decoded.Display}";
                return false;
            }
            entries.Add(decoded);
        }
        return true;
    }

    /// <summary>
    /// True for the two ways a client asks to clear managed fields: an empty list, or a list holding one empty entry.
    /// </summary>
    public static bool IsReset(JsonNode? managedFields) =>
        managedFields is JsonArray array && (array.Count == 0 || (array.Count == 1 && array[0] is JsonObject { Count: 0 }));

    /// <summary>Encodes entries in kube's order: Apply before Update, then by time, manager, API version, subresource.</summary>
    public static JsonArray Encode(IEnumerable<ManagedFieldsEntry> entries)
    {
        var array = new JsonArray();
        foreach (var entry in entries
                     .OrderBy(e => e.Operation, StringComparer.Ordinal)
                     .ThenBy(e => e.Time ?? "", StringComparer.Ordinal)
                     .ThenBy(e => e.Manager, StringComparer.Ordinal)
                     .ThenBy(e => e.ApiVersion, StringComparer.Ordinal)
                     .ThenBy(e => e.Subresource, StringComparer.Ordinal))
        {
            array.Add((JsonNode)entry.ToJson());
        }
        return array;
    }

    private static string? Text(JsonObject obj, string key) =>
        obj[key] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
