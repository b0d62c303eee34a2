using System.Globalization;
using System.Text;
using System.Text.Json;
using Fluid.Values;
using Orkestra.Templating.Values;
using static Orkestra.Templating.Functions.Library.Args;

namespace Orkestra.Templating.Functions.Library;

internal static class Types
{
    private const string C = "types";

    public static void Register(FunctionRegistry r)
    {
        r.Add(C, "toInt", "toInt VALUE", "an integer: floats truncate, bools are 1/0, numeric strings parse, \"\" and nil are 0", 1, 1,
            ValueShape.Number,
            (a, in _) => Num(decimal.Truncate(Convert("toInt", a[0], "int"))));
        r.Add(C, "toFloat", "toFloat VALUE", "a number: numeric strings parse, bools are 1/0, \"\" and nil are 0", 1, 1, ValueShape.Number,
            (a, in _) => Num(Convert("toFloat", a[0], "float64")));
        r.Add(C, "toBool", "toBool VALUE", "true for true/1/yes/on, false for false/0/no/off/\"\"; anything else is an error", 1, 1,
            ValueShape.Bool, (a, in _) =>
        {
            var v = a[0];
            if (GoValues.Kind(v) == GoKind.Bool) return v;
            if (GoValues.IsNil(v)) return BooleanValue.False;
            if (GoValues.Kind(v) == GoKind.Number) return Bool(v.ToNumberValue() != 0);
            return Str(v).Trim().ToLowerInvariant() switch
            {
                "true" or "1" or "yes" or "on" or "y" => BooleanValue.True,
                "false" or "0" or "no" or "off" or "n" or "" => BooleanValue.False,
                _ => throw new TemplateFunctionException($"toBool: cannot convert {Describe(v)} to bool"),
            };
        });
        r.Add(C, "toString", "toString VALUE", "the value printed as Go's %v (nil as \"\")", 1, 1, ValueShape.String,
            (a, in _) => Str(Str(a[0])));
        TemplateFunction toJson = (a, in _) => Str(Json(a[0]));
        r.Add(C, "toJson", "toJson VALUE", "the value as compact JSON", 1, 1, ValueShape.String, toJson);
        r.Add("data", "toJSON", "toJSON VALUE", "the value as compact JSON (same as toJson)", 1, 1, ValueShape.String, toJson);
        r.Add(C, "toList", "toList CSV", "the comma-separated items of CSV, trimmed; \"\" gives an empty list (a list is returned as is)",
            1, 1, ValueShape.List, (a, in _) =>
        {
            if (GoValues.Kind(a[0]) == GoKind.List) return a[0];
            var s = Str(a[0]);
            return s.Trim().Length == 0 ? ListValue.Empty : StrList(s.Split(',').Select(x => x.Trim()));
        });
        r.Add(C, "typeOf", "typeOf VALUE", "the value's type: nil, bool, int, float64, string, map or slice", 1, 1, ValueShape.String,
            (a, in _) => Str(GoValues.TypeName(a[0])));
        Predicate(r, "typeMap", "true when VALUE is a map", GoKind.Map);
        Predicate(r, "typeList", "true when VALUE is a list", GoKind.List);
        Predicate(r, "typeString", "true when VALUE is a string", GoKind.String);
        Predicate(r, "typeNumber", "true when VALUE is a number", GoKind.Number);
        Predicate(r, "typeBool", "true when VALUE is a boolean", GoKind.Bool);
        Predicate(r, "typeNull", "true when VALUE is nil", GoKind.Nil);
        r.Add(C, "isScalar", "isScalar VALUE", "true for strings, numbers and booleans", 1, 1, ValueShape.Bool,
            (a, in _) => Bool(GoValues.Kind(a[0]) is GoKind.String or GoKind.Number or GoKind.Bool));
        r.Add(C, "isComposite", "isComposite VALUE", "true for maps and lists", 1, 1, ValueShape.Bool,
            (a, in _) => Bool(GoValues.Kind(a[0]) is GoKind.Map or GoKind.List));
    }

    private static decimal Convert(string fn, FluidValue v, string type)
    {
        if (GoValues.IsNil(v) || (GoValues.Kind(v) == GoKind.String && v.ToStringValue().Trim().Length == 0)) return 0;
        return TryNumber(v, out var n) ? n : throw new TemplateFunctionException($"{fn}: cannot convert {Describe(v)} to {type}");
    }

    private static void Predicate(FunctionRegistry r, string name, string description, GoKind kind) =>
        r.Add(C, name, $"{name} VALUE", description, 1, 1, ValueShape.Bool, (a, in _) => Bool(GoValues.Kind(a[0]) == kind));

    // Go's encoder writes \" rather than \u0022; relaxed escaping keeps JSON readable in ConfigMaps and annotations.
    private static readonly JsonWriterOptions s_options =
        new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Compact JSON of a template value (maps with sorted keys, like Go's encoding/json).</summary>
    public static string Json(FluidValue value)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, s_options)) Write(writer, value);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Write(Utf8JsonWriter w, FluidValue v)
    {
        switch (GoValues.Kind(v))
        {
            case GoKind.Nil: w.WriteNullValue(); break;
            case GoKind.Bool: w.WriteBooleanValue(v.ToBooleanValue()); break;
            case GoKind.Number:
                var d = v.ToNumberValue();
                if (decimal.Truncate(d) == d && d >= long.MinValue && d <= long.MaxValue) w.WriteNumberValue((long)d);
                else w.WriteRawValue(GoValues.FormatNumber(d));
                break;
            case GoKind.String: w.WriteStringValue(v.ToStringValue()); break;
            case GoKind.List:
                w.WriteStartArray();
                foreach (var item in GoValues.EnumerateList(v)) Write(w, item);
                w.WriteEndArray();
                break;
            case GoKind.Map:
                w.WriteStartObject();
                foreach (var (k, item) in GoValues.EnumerateMap(v))
                {
                    w.WritePropertyName(k);
                    Write(w, item);
                }
                w.WriteEndObject();
                break;
        }
    }

    /// <summary>Parses JSON (or a YAML flow value that is JSON) into template values; null when it is not JSON.</summary>
    public static FluidValue? ParseJson(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            return JsonValues.From(doc.RootElement.Clone());
        }
        catch (JsonException)
        {
            return null;
        }
    }

    internal static string Invariant(decimal d) => d.ToString(CultureInfo.InvariantCulture);
}
