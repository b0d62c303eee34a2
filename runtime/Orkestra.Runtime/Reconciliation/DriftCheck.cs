using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orkestra.Runtime.Reconciliation;

/// <summary>Whether an observed child already holds a desired manifest: the test that lets a converged CR cost zero
/// writes. Fields the server added (defaults, status, managedFields) do not count; only the desired ones do.</summary>
internal static class DriftCheck
{
    /// <summary>True when <paramref name="observed"/> already holds every field of <paramref name="desired"/> with the
    /// same value (arrays: same length, element by element; numbers compared by value).</summary>
    public static bool Contains(JsonNode? desired, JsonElement observed)
    {
        switch (desired)
        {
            case null:
                return observed.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined;
            case JsonObject obj:
                if (observed.ValueKind != JsonValueKind.Object) return false;
                foreach (var (key, value) in obj)
                {
                    if (!observed.TryGetProperty(key, out var field))
                    {
                        if (value is null) continue;   // a desired null is met by an absent field; the other keys still count
                        return false;
                    }
                    if (!Contains(value, field)) return false;
                }
                return true;
            case JsonArray arr:
                if (observed.ValueKind != JsonValueKind.Array || observed.GetArrayLength() != arr.Count) return false;
                var i = 0;
                foreach (var item in observed.EnumerateArray())
                {
                    if (!Contains(arr[i++], item)) return false;
                }
                return true;
            default:
                var scalar = desired.AsValue();
                return scalar.GetValueKind() switch
                {
                    JsonValueKind.String => observed.ValueKind == JsonValueKind.String && observed.GetString() == scalar.GetValue<string>(),
                    JsonValueKind.Number => observed.ValueKind == JsonValueKind.Number
                                            && observed.GetDecimal() == decimal.Parse(scalar.ToJsonString(), NumberStyles.Float,
                                                CultureInfo.InvariantCulture),
                    JsonValueKind.True => observed.ValueKind == JsonValueKind.True,
                    JsonValueKind.False => observed.ValueKind == JsonValueKind.False,
                    _ => observed.ValueKind == JsonValueKind.Null,
                };
        }
    }
}
