using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Orkestra.ApiMachinery.Selectors;
using Orkestra.Sandbox.Api;
using Orkestra.Sandbox.Resources;
using Orkestra.Sandbox.Storage;

namespace Orkestra.Sandbox.Handlers;

/// <summary>
/// Which objects a list, watch or deletecollection selects: namespace, <c>labelSelector</c> and
/// <c>fieldSelector</c> (metadata.name, metadata.namespace and the kind's own fields). Immutable.
/// </summary>
internal sealed class ListFilter
{
    private readonly string? _namespace;
    private readonly Selector _labels;
    private readonly Selector _fields;
    private readonly ResourceType _type;

    private ListFilter(ResourceType type, string? ns, Selector labels, Selector fields)
    {
        _type = type;
        _namespace = ns;
        _labels = labels;
        _fields = fields;
    }

    public static ListFilter From(ResourceType type, string? ns, IQueryCollection query)
    {
        var labelText = query["labelSelector"].FirstOrDefault();
        var fieldText = query["fieldSelector"].FirstOrDefault();
        if (!Selector.TryParseLabels(labelText, out var labels, out var labelError))
            throw ApiError.BadRequest($"unable to parse requirement: {labelError}");
        if (!Selector.TryParseFields(fieldText, out var fields, out var fieldError))
            throw ApiError.BadRequest(fieldError!);
        foreach (var key in fields.Keys)
        {
            if (key is "metadata.name" or "metadata.namespace") continue;
            if (!type.FieldSelectors.ContainsKey(key)) throw ApiError.BadRequest($"field label not supported: {key}");
        }
        return new ListFilter(type, ns, labels, fields);
    }

    public bool Matches(StoredObject obj)
    {
        if (_namespace is not null && obj.Namespace != _namespace) return false;
        return _labels.Matches(key => obj.Labels?[key] is { } v ? Json.ScalarText(v) : null)
               && _fields.Matches(field => Field(obj, field));
    }

    private string? Field(StoredObject obj, string field) => field switch
    {
        "metadata.name" => obj.Name,
        "metadata.namespace" => obj.Namespace,
        _ => _type.FieldSelectors.TryGetValue(field, out var path) ? Json.ScalarText(Json.Path(obj.Object, path)) ?? "" : null,
    };
}
