using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Fluid.Values;

namespace Orkestra.Templating.Values;

/// <summary>The kinds of value the template language distinguishes (Go's reflect kinds, collapsed).</summary>
public enum GoKind { Nil, Bool, Number, String, Map, List }

/// <summary>
/// Go text/template semantics over Fluid values: truthiness, printing (<c>%v</c>), equality, ordering,
/// and access to maps and lists regardless of whether they are built values or wrapped JSON.
/// Every template node and every function uses these so the language behaves one way everywhere.
/// Stateless and thread-safe.
/// </summary>
public static class GoValues
{
    public static FluidValue Nil => NilValue.Instance;
    public static FluidValue Bool(bool value) => value ? BooleanValue.True : BooleanValue.False;
    public static FluidValue Number(long value) => NumberValue.Create(value);
    public static FluidValue Number(decimal value) => NumberValue.Create(value);
    public static FluidValue Number(double value) => NumberValue.Create(
        double.IsFinite(value) ? (value >= (double)decimal.MaxValue ? decimal.MaxValue : value <= (double)decimal.MinValue
            ? decimal.MinValue : (decimal)value) : 0m);
    public static FluidValue String(string value) => value.Length == 0 ? StringValue.Empty : StringValue.Create(value);

    public static GoKind Kind(FluidValue value) => value switch
    {
        MapValue or JsonObjectValue => GoKind.Map,
        ListValue or JsonArrayValue => GoKind.List,
        _ => value.Type switch
        {
            FluidValues.Boolean => GoKind.Bool,
            FluidValues.Number => GoKind.Number,
            FluidValues.String => GoKind.String,
            FluidValues.Dictionary => GoKind.Map,
            FluidValues.Array => GoKind.List,
            _ => GoKind.Nil,
        },
    };

    public static bool IsNil(FluidValue value) => Kind(value) == GoKind.Nil;

    /// <summary>Go truthiness (text/template <c>if</c>): false, 0, nil, "" and empty collections are false.</summary>
    public static bool IsTrue(FluidValue value) => Kind(value) switch
    {
        GoKind.Nil => false,
        GoKind.Bool => value.ToBooleanValue(),
        GoKind.Number => value.ToNumberValue() != 0,
        GoKind.String => value.ToStringValue().Length > 0,
        GoKind.Map or GoKind.List => Count(value) > 0,
        _ => false,
    };

    /// <summary>Orkestra's "empty" (used by default, coalesce, empty): Go-false values and the text "&lt;no value&gt;".</summary>
    public static bool IsEmpty(FluidValue value) =>
        !IsTrue(value) || (Kind(value) == GoKind.String && value.ToStringValue() == "<no value>");

    /// <summary>Whether a number value holds an integer (Go int64) rather than a fraction.</summary>
    public static bool IsInteger(FluidValue value) => Kind(value) == GoKind.Number
        && decimal.Truncate(value.ToNumberValue()) == value.ToNumberValue();

    /// <summary>Go-like type name: nil, bool, int, float64, string, map, slice.</summary>
    public static string TypeName(FluidValue value) => Kind(value) switch
    {
        GoKind.Nil => "nil",
        GoKind.Bool => "bool",
        GoKind.Number => IsInteger(value) ? "int" : "float64",
        GoKind.String => "string",
        GoKind.Map => "map",
        GoKind.List => "slice",
        _ => "nil",
    };

    /// <summary>Number of entries of a map, items of a list, or bytes of a string; 0 for anything else.</summary>
    public static int Count(FluidValue value) => value switch
    {
        MapValue m => m.Count,
        JsonObjectValue o => o.Count,
        ListValue l => l.Count,
        JsonArrayValue a => a.Count,
        _ when Kind(value) == GoKind.String => Encoding.UTF8.GetByteCount(value.ToStringValue()),
        _ => 0,
    };

    /// <summary>Looks up a key in a map value; false (and nil) for a missing key or a non-map.</summary>
    public static bool TryGetMember(FluidValue value, string key, out FluidValue member)
    {
        switch (value)
        {
            case MapValue m: return m.TryGet(key, out member);
            case JsonObjectValue o: return o.TryGet(key, out member);
            default: member = NilValue.Instance; return false;
        }
    }

    /// <summary>Map entries in ordinal key order (Go's range order). Empty for non-maps.</summary>
    public static IEnumerable<KeyValuePair<string, FluidValue>> EnumerateMap(FluidValue value)
    {
        switch (value)
        {
            case MapValue m:
                foreach (var k in m.SortedKeys) yield return new(k, m.Entries[k]);
                break;
            case JsonObjectValue o:
                foreach (var k in o.SortedKeys) yield return new(k, JsonValues.From(o.Element.GetProperty(k)));
                break;
        }
    }

    /// <summary>List items in order. Empty for non-lists.</summary>
    public static IEnumerable<FluidValue> EnumerateList(FluidValue value)
    {
        switch (value)
        {
            case ListValue l:
                foreach (var item in l.Items) yield return item;
                break;
            case JsonArrayValue a:
                foreach (var e in a.Element.EnumerateArray()) yield return JsonValues.From(e);
                break;
        }
    }

    /// <summary>Item i of a list, or nil when out of range or not a list.</summary>
    public static FluidValue ListItem(FluidValue value, int index) => value switch
    {
        ListValue l => index >= 0 && index < l.Count ? l.Items[index] : NilValue.Instance,
        JsonArrayValue a => a[index],
        _ => NilValue.Instance,
    };

    /// <summary>Prints a value as Go's <c>fmt %v</c> does, except that nil prints as "" (missingkey=zero).</summary>
    public static string Format(FluidValue value)
    {
        switch (Kind(value))
        {
            case GoKind.Nil: return "";
            case GoKind.String: return value.ToStringValue();
            case GoKind.Bool: return value.ToBooleanValue() ? "true" : "false";
            case GoKind.Number: return FormatNumber(value.ToNumberValue());
        }
        var sb = new StringBuilder();
        AppendFormatted(sb, value, nested: false);
        return sb.ToString();
    }

    public static string FormatNumber(decimal number)
    {
        if (decimal.Truncate(number) == number) return decimal.Truncate(number).ToString("0", CultureInfo.InvariantCulture);
        // Drop trailing zeros of the scale (1.50 → 1.5), as Go prints float64 in shortest form.
        return (number / 1.000000000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);
    }

    private static void AppendFormatted(StringBuilder sb, FluidValue value, bool nested)
    {
        switch (Kind(value))
        {
            case GoKind.Map:
                sb.Append("map[");
                var first = true;
                foreach (var (k, v) in EnumerateMap(value))
                {
                    if (!first) sb.Append(' ');
                    first = false;
                    sb.Append(k).Append(':');
                    AppendFormatted(sb, v, nested: true);
                }
                sb.Append(']');
                break;
            case GoKind.List:
                sb.Append('[');
                var firstItem = true;
                foreach (var item in EnumerateList(value))
                {
                    if (!firstItem) sb.Append(' ');
                    firstItem = false;
                    AppendFormatted(sb, item, nested: true);
                }
                sb.Append(']');
                break;
            case GoKind.Nil:
                // Inside a collection Go prints a nil interface as <nil>.
                if (nested) sb.Append("<nil>");
                break;
            default:
                sb.Append(Format(value));
                break;
        }
    }

    /// <summary>Deep equality: numbers by value, strings ordinally, maps and lists element-wise.</summary>
    public static bool DeepEqual(FluidValue a, FluidValue b)
    {
        var ka = Kind(a);
        var kb = Kind(b);
        if (ka != kb) return false;
        switch (ka)
        {
            case GoKind.Nil: return true;
            case GoKind.Bool: return a.ToBooleanValue() == b.ToBooleanValue();
            case GoKind.Number: return a.ToNumberValue() == b.ToNumberValue();
            case GoKind.String: return string.Equals(a.ToStringValue(), b.ToStringValue(), StringComparison.Ordinal);
            case GoKind.List:
            {
                if (Count(a) != Count(b)) return false;
                using var eb = EnumerateList(b).GetEnumerator();
                foreach (var item in EnumerateList(a))
                {
                    eb.MoveNext();
                    if (!DeepEqual(item, eb.Current)) return false;
                }
                return true;
            }
            case GoKind.Map:
            {
                if (Count(a) != Count(b)) return false;
                foreach (var (k, v) in EnumerateMap(a))
                {
                    if (!TryGetMember(b, k, out var other) || !DeepEqual(v, other)) return false;
                }
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Orders two basic values as Go's lt/le/gt/ge do: numbers with numbers, strings with strings, bools only
    /// for equality. Returns false (with a message) when the kinds cannot be ordered.
    /// </summary>
    public static bool TryCompare(FluidValue a, FluidValue b, out int result, out string? error)
    {
        var ka = Kind(a);
        var kb = Kind(b);
        result = 0;
        error = null;
        if (ka == GoKind.Number && kb == GoKind.Number)
        {
            result = a.ToNumberValue().CompareTo(b.ToNumberValue());
            return true;
        }
        if (ka == GoKind.String && kb == GoKind.String)
        {
            result = Math.Sign(string.CompareOrdinal(a.ToStringValue(), b.ToStringValue()));
            return true;
        }
        error = ka == kb
            ? $"invalid type for comparison: {TypeName(a)}"
            : $"incompatible types for comparison: {TypeName(a)} and {TypeName(b)}";
        return false;
    }

    /// <summary>Converts a template value into JSON for a manifest: integers stay integers, maps keep key order.</summary>
    public static JsonNode? ToJsonNode(FluidValue value)
    {
        switch (Kind(value))
        {
            case GoKind.Nil: return null;
            case GoKind.Bool: return JsonValue.Create(value.ToBooleanValue());
            case GoKind.String: return JsonValue.Create(value.ToStringValue());
            case GoKind.Number:
            {
                var d = value.ToNumberValue();
                if (decimal.Truncate(d) == d && d >= long.MinValue && d <= long.MaxValue) return JsonValue.Create((long)d);
                return JsonValue.Create((double)d);
            }
            case GoKind.List:
            {
                var arr = new JsonArray();
                foreach (var item in EnumerateList(value)) arr.Add(ToJsonNode(item));
                return arr;
            }
            case GoKind.Map:
            {
                if (value is JsonObjectValue o) return JsonObject.Create(o.Element.Clone());
                var obj = new JsonObject();
                foreach (var (k, v) in EnumerateMap(value)) obj[k] = ToJsonNode(v);
                return obj;
            }
        }
        return null;
    }
}
