using Fluid.Values;
using Orkestra.Templating.Values;
using static Orkestra.Templating.Functions.Library.Args;

namespace Orkestra.Templating.Functions.Library;

internal static class Collections
{
    private const string C = "collections";
    private const string S = "safe access";
    private const int V = FunctionDescriptor.Variadic;

    public static void Register(FunctionRegistry r)
    {
        r.Add(C, "asList", "asList VALUE", "VALUE as a list: a list as is, a JSON array or YAML list string parsed; [] for anything else",
            1, 1, ValueShape.List, (a, in _) =>
        {
            var v = a[0];
            switch (GoValues.Kind(v))
            {
                case GoKind.List: return v;
                case GoKind.String when FlatYaml.Parse(v.ToStringValue()) is { } parsed
                    && GoValues.Kind(parsed) == GoKind.List: return parsed;
                default: return ListValue.Empty;
            }
        });
        r.Add(C, "asMap", "asMap VALUE",
            "VALUE as a map: a map as is, a JSON object or YAML map string parsed, nil as an empty map; an error otherwise", 1, 1,
            ValueShape.Map, (a, in _) =>
        {
            var v = a[0];
            switch (GoValues.Kind(v))
            {
                case GoKind.Map: return v;
                case GoKind.Nil: return MapValue.Empty;
                case GoKind.String when FlatYaml.Parse(v.ToStringValue()) is { } parsed
                    && GoValues.Kind(parsed) == GoKind.Map: return parsed;
                default: throw new TemplateFunctionException($"asMap: cannot convert {Describe(v)} to a map");
            }
        });
        r.Add(C, "asString", "asString VALUE", "maps and lists as JSON, anything else printed", 1, 1, ValueShape.String,
            (a, in _) => Str(GoValues.Kind(a[0]) is GoKind.Map or GoKind.List ? Types.Json(a[0]) : Str(a[0])));
        r.Add(C, "listGet", "listGet LIST INDEX", "item INDEX of LIST, or nil when out of range", 2, 2, ValueShape.Any,
            (a, in _) => GoValues.ListItem(a[0], (int)Math.Clamp(Int("listGet", a[1]), -1, int.MaxValue)));
        r.Add(C, "listHas", "listHas LIST VALUE", "true when LIST contains VALUE (Go ==: same kind and value)", 2, 2, ValueShape.Bool,
            (a, in _) =>
            {
                var wanted = a[1];
                return Bool(GoValues.EnumerateList(a[0]).Any(x => GoValues.DeepEqual(x, wanted)));
            });
        r.Add(C, "listLen", "listLen LIST", "number of items in LIST (0 for non-lists)", 1, 1, ValueShape.Number,
            (a, in _) => Num(GoValues.Kind(a[0]) == GoKind.List ? GoValues.Count(a[0]) : 0));
        r.Add(C, "mapGet", "mapGet MAP KEY", "the value at KEY, or nil", 2, 2, ValueShape.Any,
            (a, in _) => GoValues.TryGetMember(a[0], Str(a[1]), out var v) ? v : NilValue.Instance);
        r.Add(C, "mapKeys", "mapKeys MAP", "the keys of MAP, sorted", 1, 1, ValueShape.List,
            (a, in _) => StrList(GoValues.EnumerateMap(a[0]).Select(e => e.Key)));
        r.Add(C, "mapValues", "mapValues MAP", "the values of MAP, in key order", 1, 1, ValueShape.List,
            (a, in _) => List(GoValues.EnumerateMap(a[0]).Select(e => e.Value)));
        r.Add(C, "mapPick", "mapPick MAP KEY...", "a map with only the given keys", 2, V, ValueShape.Map, (a, in _) =>
        {
            var keys = a[1..].ToArray().Select(Str).ToHashSet(StringComparer.Ordinal);
            return Map(GoValues.EnumerateMap(a[0]).Where(e => keys.Contains(e.Key)));
        });
        r.Add(C, "mapOmit", "mapOmit MAP KEY...", "a map without the given keys", 2, V, ValueShape.Map, (a, in _) =>
        {
            var keys = a[1..].ToArray().Select(Str).ToHashSet(StringComparer.Ordinal);
            return Map(GoValues.EnumerateMap(a[0]).Where(e => !keys.Contains(e.Key)));
        });
        r.Add(C, "hasKey", "hasKey MAP KEY", "true when MAP has KEY", 2, 2, ValueShape.Bool,
            (a, in _) => Bool(GoValues.TryGetMember(a[0], Str(a[1]), out var unused)));

        r.Add(S, "getOr", "getOr VALUE DEFAULT", "VALUE unless it is empty (as for default), else DEFAULT", 2, 2, ValueShape.Any,
            (a, in _) => GoValues.IsEmpty(a[0]) ? a[1] : a[0]);
        r.Add(S, "getStringOr", "getStringOr VALUE DEFAULT", "VALUE when it is a non-empty string, else DEFAULT", 2, 2, ValueShape.Any,
            (a, in _) => GoValues.Kind(a[0]) == GoKind.String && a[0].ToStringValue().Length > 0 ? a[0] : a[1]);
        r.Add(S, "getIntOr", "getIntOr VALUE DEFAULT",
            "VALUE as an integer (truncated) when it is a number, else DEFAULT (numeric strings are not accepted)", 2, 2, ValueShape.Any,
            (a, in _) => GoValues.Kind(a[0]) == GoKind.Number ? Num(decimal.Truncate(a[0].ToNumberValue())) : a[1]);
        r.Add(S, "getBoolOr", "getBoolOr VALUE DEFAULT", "VALUE when it is a boolean, else DEFAULT", 2, 2, ValueShape.Any,
            (a, in _) => GoValues.Kind(a[0]) == GoKind.Bool ? a[0] : a[1]);
    }
}
