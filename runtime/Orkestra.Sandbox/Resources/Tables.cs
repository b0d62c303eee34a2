using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Sandbox.Api;
using Orkestra.Sandbox.Storage;

namespace Orkestra.Sandbox.Resources;

/// <summary>
/// <c>meta.k8s.io/v1 Table</c> responses for <c>kubectl get</c>: Name, the kind's columns (CRD
/// additionalPrinterColumns or the built-in set) and Age, rendered server-side as kube does.
/// </summary>
internal static class Tables
{
    public static bool Wanted(string? accept) => accept is not null && accept.Contains("as=Table", StringComparison.Ordinal);

    public static JsonObject Build(ResourceType type, IEnumerable<JsonObject> objects, string includeObject, DateTimeOffset now,
        JsonObject? listMetadata, bool withColumns = true)
    {
        var columns = Columns(type);
        var table = new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = listMetadata ?? new JsonObject(),
        };
        if (withColumns)
        {
            var definitions = new JsonArray();
            foreach (var c in columns)
            {
                definitions.Push(new JsonObject { ["name"] = c.Name, ["type"] = c.Type, ["format"] = c.Format,
                    ["description"] = c.Description, ["priority"] = c.Priority });
            }
            table["columnDefinitions"] = definitions;
        }
        var rows = new JsonArray();
        foreach (var obj in objects)
        {
            var cells = new JsonArray();
            foreach (var c in columns) cells.Add(Cell(c, obj, now));
            var row = new JsonObject { ["cells"] = cells };
            row["object"] = includeObject switch
            {
                "None" => null,
                "Object" => obj.DeepClone(),
                _ => new JsonObject
                {
                    ["kind"] = "PartialObjectMetadata",
                    ["apiVersion"] = "meta.k8s.io/v1",
                    ["metadata"] = obj["metadata"]?.DeepClone(),
                },
            };
            rows.Push(row);
        }
        table["rows"] = rows;
        return table;
    }

    private static JsonNode? Cell(TableColumn column, JsonObject obj, DateTimeOffset now)
    {
        var value = column.Cell(obj);
        if (column.Type == "date" && value is JsonValue v && v.TryGetValue<string>(out var text) &&
            KubeTime.TryParse(text, out var at))
        {
            return HumanDuration(now - at);
        }
        return value is null || value.Parent is null ? value : value.DeepClone();
    }

    private static List<TableColumn> Columns(ResourceType type)
    {
        var list = new List<TableColumn>
        {
            new("Name", "string", "name",
                "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a " +
                "client to request the generation of an appropriate name automatically. Name is primarily intended for creation " +
                "idempotence and configuration definition. Cannot be updated. More info: " +
                "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
                0, o => Json.Path(o, "metadata.name")?.DeepClone()),
        };
        list.AddRange(type.Columns);
        if (!type.IsCustom || type.Columns.Count == 0)
            list.Add(new TableColumn("Age", "date", "",
                "CreationTimestamp is a timestamp representing the server time when this object was created.", 0,
                o => Json.Path(o, "metadata.creationTimestamp")?.DeepClone()));
        return list;
    }

    /// <summary>kube's duration.HumanDuration (apimachinery util/duration).</summary>
    public static string HumanDuration(TimeSpan d)
    {
        if (d < TimeSpan.FromSeconds(-1)) return "<invalid>";
        if (d < TimeSpan.Zero) return "0s";
        var seconds = (long)d.TotalSeconds;
        if (seconds < 60 * 2) return $"{seconds}s";
        var minutes = (long)d.TotalMinutes;
        if (minutes < 10)
        {
            var s = seconds % 60;
            return s == 0 ? $"{minutes}m" : $"{minutes}m{s}s";
        }
        if (minutes < 60 * 3) return $"{minutes}m";
        var hours = (long)d.TotalHours;
        if (hours < 8)
        {
            var m = minutes % 60;
            return m == 0 ? $"{hours}h" : $"{hours}h{m}m";
        }
        if (hours < 48) return $"{hours}h";
        if (hours < 24 * 8)
        {
            var h = hours % 24;
            return h == 0 ? $"{hours / 24}d" : $"{hours / 24}d{h}h";
        }
        if (hours < 24 * 365 * 2) return $"{hours / 24}d";
        if (hours < 24 * 365 * 8)
        {
            var days = hours / 24 % 365;
            return days == 0 ? $"{hours / 24 / 365}y" : $"{hours / 24 / 365}y{days}d";
        }
        return $"{hours / 24 / 365}y";
    }
}
