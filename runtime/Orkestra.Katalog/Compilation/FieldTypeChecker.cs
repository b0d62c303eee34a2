using Orkestra.ApiMachinery.Yaml;
using Orkestra.Katalog.Children;
using Orkestra.Katalog.Model;
using Orkestra.Katalog.Syntax;
using Orkestra.Templating.Functions;
using Orkestra.Templating;

namespace Orkestra.Katalog.Compilation;

/// <summary>
/// Load-time type checks of a child entry's fields against <see cref="IChildKind.Fields"/>: numbers and
/// booleans given as literals must be numbers/booleans (or such strings); a template whose static shape can
/// never be one is rejected; maps and lists must be where maps and lists belong. Templates with an unknown
/// shape pass (the builder checks the rendered value). Stateless.
/// </summary>
internal static class FieldTypeChecker
{
    public static void Check(ChildEntry entry, string path, TemplateSet templates)
    {
        foreach (var (key, node) in entry.Body.Entries)
        {
            if (!entry.Kind.Fields.TryGetValue(key.Value, out var field)) continue;
            if (node is YamlScalar { IsNull: true }) continue;
            var where = $"{path}.{key.Value}";
            var problem = node is YamlScalar s ? CheckScalar(field.Type, s, templates, where) : CheckStructure(field.Type, node);
            if (problem is not null) templates.Diagnostics.Error(node.Location, $"{where} {problem}");
        }
    }

    private static string? CheckScalar(FieldType type, YamlScalar scalar, TemplateSet templates, string where)
    {
        if (scalar.IsTemplate)
        {
            var template = templates.Compile(scalar, where);
            if (template is null || !template.IsSingleAction) return null; // text with actions renders to a string the builder parses
            var shape = template.StaticShape;
            return type switch
            {
                FieldType.Int when shape is ValueShape.String or ValueShape.Bool or ValueShape.Map or ValueShape.List =>
                    $"must be a number, but {TemplateText.Quote(scalar.Value)} always yields {Describe(shape)}",
                FieldType.Bool when shape is ValueShape.String or ValueShape.Number or ValueShape.Map or ValueShape.List =>
                    $"must be true or false, but {TemplateText.Quote(scalar.Value)} always yields {Describe(shape)}",
                FieldType.String or FieldType.IntOrString when shape is ValueShape.Map or ValueShape.List =>
                    $"must be a single value, but {TemplateText.Quote(scalar.Value)} always yields {Describe(shape)}",
                FieldType.StringMap or FieldType.Object when shape is not (ValueShape.Map or ValueShape.Any) =>
                    $"must be a map, but {TemplateText.Quote(scalar.Value)} always yields {Describe(shape)}",
                FieldType.StringList or FieldType.List when shape is not (ValueShape.List or ValueShape.Any) =>
                    $"must be a list, but {TemplateText.Quote(scalar.Value)} always yields {Describe(shape)}",
                _ => null,
            };
        }
        var text = scalar.Value.Trim();
        var isBool = scalar.Kind == YamlScalarKind.Bool || text is "true" or "false" or "True" or "False" or "TRUE" or "FALSE";
        return type switch
        {
            FieldType.Int when !YamlScalars.TryInt(text, out _) => $"must be a whole number, not '{scalar.Value}'",
            FieldType.Bool when !isBool => $"must be true or false, not '{scalar.Value}'",
            FieldType.StringMap or FieldType.Object => $"must be a map, not {scalar.Describe()}",
            FieldType.StringList or FieldType.List => $"must be a list, not {scalar.Describe()}",
            _ => null,
        };
    }

    private static string? CheckStructure(FieldType type, YamlNode node) => (type, node) switch
    {
        (FieldType.Any, _) => null,
        (FieldType.StringMap, YamlMap map) => map.Entries.FirstOrDefault(e => e.Value is not YamlScalar) is { } bad
            ? $"must map names to plain values; '{bad.Key.Value}' is {bad.Value.Describe()}" : null,
        (FieldType.Object, YamlMap) => null,
        (FieldType.StringList, YamlList list) => list.Items.FirstOrDefault(i => i is not YamlScalar) is { } bad
            ? $"must be a list of plain values, not a list holding {bad.Describe()}" : null,
        (FieldType.List, YamlList) => null,
        (FieldType.StringMap or FieldType.Object, _) => $"must be a map, not {node.Describe()}",
        (FieldType.StringList or FieldType.List, _) => $"must be a list, not {node.Describe()}",
        (FieldType.Int, _) => $"must be a number, not {node.Describe()}",
        (FieldType.Bool, _) => $"must be true or false, not {node.Describe()}",
        _ => $"must be a single value, not {node.Describe()}",
    };

    private static string Describe(ValueShape shape) => shape switch
    {
        ValueShape.String => "a string",
        ValueShape.Number => "a number",
        ValueShape.Bool => "a boolean",
        ValueShape.Map => "a map",
        ValueShape.List => "a list",
        _ => "any value",
    };
}
