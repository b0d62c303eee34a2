using System.Globalization;
using System.Text.Json.Nodes;

namespace Orkestra.ApiMachinery.Schema;

/// <summary>
/// Checks one value against one schema node the way kube-openapi's SchemaValidator does, in its order: type,
/// compositions (anyOf, oneOf, allOf, not), string, format, number, array, enum, object. Messages are kube-openapi's
/// (<c>spec.x in body should be ...</c>) wrapped in the <c>field.Error</c> that apiextensions makes of them.
/// Per call, not thread-safe (it appends to one error list).
/// </summary>
internal sealed class Validator(List<FieldError> errors)
{
    private const string Composite = "<nil>";

    public void Validate(SchemaNode schema, JsonNode? value, string path, IReadOnlyList<object> location)
    {
        var kind = JsonValues.Kind(value, out var integer, out var number);
        CheckType(schema, kind, number, path, location);
        if (kind == ValueKind.Null)
        {
            CheckEnum(schema, value, path, location);
            return;
        }
        if (schema.HasValueChecks) CheckCompositions(schema, value, path, location);
        switch (kind)
        {
            case ValueKind.String:
                CheckString(schema, JsonValues.String(value)!, path, location);
                break;
            case ValueKind.Integer or ValueKind.Number:
                CheckNumber(schema, kind, integer, number, value, path, location);
                break;
            case ValueKind.Array:
                CheckArray(schema, (JsonArray)value!, path, location);
                break;
        }
        CheckEnum(schema, value, path, location);
        if (kind == ValueKind.Object) CheckObject(schema, (JsonObject)value!, path, location);
    }

    private void Add(FieldErrorType type, string field, string? badValue, string detail, IReadOnlyList<object> location) =>
        errors.Add(new FieldError(type, field, badValue, detail, location));

    private void CheckType(SchemaNode schema, ValueKind kind, double number, string path, IReadOnlyList<object> location)
    {
        string[] types = schema.IntOrString ? ["integer", "string"] : schema.Type is { } t ? [t] : [];
        if (types.Length == 0) return;
        var expected = string.Join(",", types);
        if (kind == ValueKind.Null)
        {
            if (!schema.Nullable)
                Add(FieldErrorType.TypeInvalid, path, "\"null\"", $"{InBody(path)} must be of type {expected}: \"null\"", location);
            return;
        }
        var actual = JsonValues.TypeName(kind);
        var ok = types.Contains(actual)
                 // a JSON integer (≤ 2^53)
                 || (kind == ValueKind.Number && types.Contains("integer") && IsWhole(number) && Math.Abs(number) <= 9007199254740992)
                 || (kind == ValueKind.Integer && types.Contains("number"));
        if (!ok) Add(FieldErrorType.TypeInvalid, path, JsonValues.Quote(actual),
            $"{InBody(path)} must be of type {expected}: {JsonValues.Quote(actual)}", location);
    }

    private void CheckCompositions(SchemaNode schema, JsonNode? value, string path, IReadOnlyList<object> location)
    {
        if (schema.AnyOf.Count > 0)
        {
            List<FieldError>? best = null;
            var succeeded = false;
            foreach (var option in schema.AnyOf)
            {
                var result = Sub(option, value, path, location);
                if (result.Count == 0) { succeeded = true; break; }
                if (best is null || result.Count < best.Count) best = result;
            }
            if (!succeeded)
            {
                Add(FieldErrorType.Invalid, Composite, "\"\"", $"\"{path}\" must validate at least one schema (anyOf)", location);
                errors.AddRange(best!);
            }
        }
        if (schema.OneOf.Count > 0)
        {
            List<FieldError>? best = null;
            var validated = 0;
            foreach (var option in schema.OneOf)
            {
                var result = Sub(option, value, path, location);
                if (result.Count == 0) { validated++; continue; }
                if (validated == 0 && (best is null || result.Count < best.Count)) best = result;
            }
            if (validated != 1)
            {
                var why = validated == 0 ? "Found none valid" : $"Found {validated} valid alternatives";
                Add(FieldErrorType.Invalid, Composite, "\"\"",
                    $"\"{path}\" must validate one and only one schema (oneOf). {why}", location);
                if (validated == 0 && best is not null) errors.AddRange(best);
            }
        }
        if (schema.AllOf.Count > 0)
        {
            var validated = 0;
            foreach (var part in schema.AllOf)
            {
                var result = Sub(part, value, path, location);
                if (result.Count == 0) validated++;
                errors.AddRange(result);
            }
            if (validated != schema.AllOf.Count)
                Add(FieldErrorType.Invalid, Composite, "\"\"",
                    $"\"{path}\" must validate all the schemas (allOf){(validated == 0 ? ". None validated" : "")}", location);
        }
        if (schema.Not is { } not && Sub(not, value, path, location).Count == 0)
            Add(FieldErrorType.Invalid, Composite, "\"\"", $"\"{path}\" must not validate the schema (not)", location);
    }

    private static List<FieldError> Sub(SchemaNode schema, JsonNode? value, string path, IReadOnlyList<object> location)
    {
        var result = new List<FieldError>();
        new Validator(result).Validate(schema, value, path, location);
        return result;
    }

    private void CheckString(SchemaNode schema, string text, string path, IReadOnlyList<object> location)
    {
        var length = -1;
        if (schema.MaxLength is { } max && (length = Runes(text)) > max)
        {
            Add(FieldErrorType.TooLong, path, null, $"may not be more than {max} {(max == 1 ? "byte" : "bytes")}", location);
        }
        else if (schema.MinLength is { } min && (length < 0 ? Runes(text) : length) < min)
        {
            Add(FieldErrorType.Invalid, path, JsonValues.Quote(text), $"{InBody(path)} should be at least {min} chars long", location);
        }
        else if (schema.PatternRegex is { } regex && !regex.IsMatch(text))
        {
            Add(FieldErrorType.Invalid, path, JsonValues.Quote(text), $"{InBody(path)} should match '{schema.Pattern}'", location);
        }
        if (schema.Format is { } format && !Formats.IsValid(format, text))
            Add(FieldErrorType.TypeInvalid, path, JsonValues.Quote(text),
                $"{InBody(path)} must be of type {format}: {JsonValues.Quote(text)}", location);
    }

    private static int Runes(string text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes()) count++;
        return count;
    }

    private void CheckNumber(SchemaNode schema, ValueKind kind, long integer, double number, JsonNode? value, string path,
        IReadOnlyList<object> location)
    {
        var rendered = JsonValues.Render(value);
        var isInteger = kind == ValueKind.Integer;
        if (schema.MultipleOf is { } factor && factor > 0)
        {
            var ok = isInteger && IsWhole(factor) && Fits(factor) ? integer % (long)factor == 0 : IsWhole(number / factor);
            if (!ok) Add(FieldErrorType.Invalid, path, rendered,
                $"{InBody(path)} should be a multiple of {Bound(factor, isInteger)}", location);
        }
        if (schema.Minimum is { } minimum)
        {
            var below = isInteger && Fits(minimum)
                ? schema.ExclusiveMinimum ? integer <= (long)minimum : integer < (long)minimum
                : schema.ExclusiveMinimum ? number <= minimum : number < minimum;
            if (below)
            {
                var relation = schema.ExclusiveMinimum ? "greater than" : "greater than or equal to";
                Add(FieldErrorType.Invalid, path, rendered, $"{InBody(path)} should be {relation} {Bound(minimum, isInteger)}", location);
            }
        }
        if (schema.Maximum is { } maximum)
        {
            var above = isInteger && Fits(maximum)
                ? schema.ExclusiveMaximum ? integer >= (long)maximum : integer > (long)maximum
                : schema.ExclusiveMaximum ? number >= maximum : number > maximum;
            if (above)
            {
                var relation = schema.ExclusiveMaximum ? "less than" : "less than or equal to";
                Add(FieldErrorType.Invalid, path, rendered, $"{InBody(path)} should be {relation} {Bound(maximum, isInteger)}", location);
            }
        }
    }

    /// <summary>Bounds print as int64 against integer data (kube-openapi's native-type path) and as float64 otherwise.</summary>
    private static string Bound(double bound, bool integerData) =>
        integerData && Fits(bound) ? ((long)bound).ToString(CultureInfo.InvariantCulture) : JsonValues.GoFloat(bound);

    /// <summary>Whether a schema bound converts to int64 without overflow.</summary>
    private static bool Fits(double bound) => bound is > -9.2e18 and < 9.2e18;

    private static bool IsWhole(double d) =>
        !double.IsNaN(d) && !double.IsInfinity(d) && Math.Abs(d - Math.Round(d)) <= 1e-9 * Math.Max(1, Math.Abs(d));

    private void CheckArray(SchemaNode schema, JsonArray array, string path, IReadOnlyList<object> location)
    {
        if (schema.Items is { } items)
        {
            for (var i = 0; i < array.Count; i++) Validate(items, array[i], $"{path}[{i}]", [.. location, i]);
        }
        if (schema.MinItems is { } min && array.Count < min)
            Add(FieldErrorType.Invalid, path, array.Count.ToString(CultureInfo.InvariantCulture),
                $"{InBody(path)} should have at least {min} items", location);
        if (schema.MaxItems is { } max && array.Count > max)
            Add(FieldErrorType.TooMany, path, array.Count.ToString(CultureInfo.InvariantCulture),
                $"must have at most {max} {(max == 1 ? "item" : "items")}", location);
    }

    private void CheckEnum(SchemaNode schema, JsonNode? value, string path, IReadOnlyList<object> location)
    {
        if (schema.Enum is not { Count: > 0 } values) return;
        foreach (var allowed in values)
        {
            if (JsonValues.Equal(allowed, value)) return;
        }
        Add(FieldErrorType.NotSupported, path, JsonValues.Render(value),
            "supported values: " + string.Join(", ", values.Select(v => JsonValues.Quote(JsonValues.EnumText(v)))), location);
    }

    private void CheckObject(SchemaNode schema, JsonObject obj, string path, IReadOnlyList<object> location)
    {
        if (schema.MinProperties is { } min && obj.Count < min)
        {
            Add(FieldErrorType.Invalid, path, obj.Count.ToString(CultureInfo.InvariantCulture),
                $"{InBody(path)} should have at least {min} properties", location);
            return;
        }
        if (schema.MaxProperties is { } max && obj.Count > max)
        {
            Add(FieldErrorType.TooMany, path, obj.Count.ToString(CultureInfo.InvariantCulture),
                $"must have at most {max} {(max == 1 ? "item" : "items")}", location);
            return;
        }
        if (schema.AdditionalProperties is { } additional)
        {
            foreach (var (key, value) in obj)
            {
                if (!schema.PropertyMap.ContainsKey(key)) Validate(additional, value, Child(path, key), [.. location, key]);
            }
        }
        foreach (var (name, property) in schema.Properties)
        {
            if (obj.TryGetPropertyValue(name, out var value)) Validate(property, value, Child(path, name), [.. location, name]);
        }
        foreach (var name in schema.Required)
        {
            if (!obj.ContainsKey(name)) Add(FieldErrorType.Required, Child(path, name), null, "", location);
        }
    }

    /// <summary>kube-openapi's "&lt;name&gt; in body" (a default validated on its own has an empty name).</summary>
    private static string InBody(string path) => path.Length == 0 ? "in body" : $"{path} in body";

    internal static string Child(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";
}

/// <summary>
/// Objects marked <c>x-kubernetes-embedded-resource</c> must name their type: <c>apiVersion</c> and <c>kind</c> present,
/// non-empty strings (checked after the OpenAPI validation, as the API server's schemaobjectmeta does).
/// </summary>
internal static class EmbeddedResources
{
    public static void Check(SchemaNode? schema, JsonNode? value, string path, IReadOnlyList<object> location, List<FieldError> errors)
    {
        if (schema is null) return;
        switch (value)
        {
            case JsonObject obj:
                if (schema.EmbeddedResource)
                {
                    foreach (var key in (ReadOnlySpan<string>)["apiVersion", "kind"])
                    {
                        var field = Validator.Child(path, key);
                        if (!obj.TryGetPropertyValue(key, out var v))
                            errors.Add(new FieldError(FieldErrorType.Required, field, null, "must not be empty", location));
                        else if (JsonValues.String(v) is not { } text)
                            errors.Add(new FieldError(FieldErrorType.Invalid, field, JsonValues.Render(v),
                                "must be a string", [.. location, key]));
                        else if (text.Length == 0)
                            errors.Add(new FieldError(FieldErrorType.Invalid, field, "\"\"", "must not be empty", [.. location, key]));
                    }
                }
                foreach (var (key, child) in obj)
                {
                    if (schema.EmbeddedResource && key is "apiVersion" or "kind" or "metadata") continue;
                    Check(schema.PropertyMap.GetValueOrDefault(key) ?? schema.AdditionalProperties, child, Validator.Child(path, key),
                        [.. location, key], errors);
                }
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++) Check(schema.Items, array[i], $"{path}[{i}]", [.. location, i], errors);
                break;
        }
    }
}

/// <summary>
/// <c>x-kubernetes-list-type: set</c> (no two equal items) and <c>map</c> (no two items with equal
/// <c>x-kubernetes-list-map-keys</c> values), checked after the OpenAPI validation as the API server does.
/// </summary>
internal static class ListTypes
{
    public static void Check(SchemaNode? schema, JsonNode? value, string path, IReadOnlyList<object> location, List<FieldError> errors)
    {
        if (schema is null) return;
        switch (value)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    var childSchema = schema.PropertyMap.GetValueOrDefault(key) ?? schema.AdditionalProperties;
                    Check(childSchema, child, Validator.Child(path, key), [.. location, key], errors);
                }
                break;
            case JsonArray array:
                if (schema.ListType == "set") Duplicates(array, item => item, path, location, errors);
                else if (schema.ListType == "map" && schema.ListMapKeys.Count > 0)
                    Duplicates(array, item => Keys(item, schema.ListMapKeys), path, location, errors);
                for (var i = 0; i < array.Count; i++) Check(schema.Items, array[i], $"{path}[{i}]", [.. location, i], errors);
                break;
        }
    }

    private static JsonNode Keys(JsonNode? item, IReadOnlyList<string> keys)
    {
        var tuple = new JsonObject();
        foreach (var key in keys)
        {
            if (item is JsonObject o && o.TryGetPropertyValue(key, out var v)) tuple[key] = v?.DeepClone();
        }
        return tuple;
    }

    private static void Duplicates(JsonArray array, Func<JsonNode?, JsonNode?> identity, string path, IReadOnlyList<object> location,
        List<FieldError> errors)
    {
        var seen = new List<JsonNode?>(array.Count);
        for (var i = 0; i < array.Count; i++)
        {
            var id = identity(array[i]);
            if (seen.Any(s => JsonValues.Equal(s, id)))
                errors.Add(new FieldError(FieldErrorType.Duplicate, $"{path}[{i}]", JsonValues.Render(id), "", [.. location, i]));
            seen.Add(id);
        }
    }
}
