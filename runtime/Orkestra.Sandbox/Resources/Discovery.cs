using System.Text.Json.Nodes;
using Orkestra.Sandbox.Api;

namespace Orkestra.Sandbox.Resources;

/// <summary>Legacy (unaggregated) discovery documents, computed from the current registry snapshot.</summary>
internal static class Discovery
{
    public static JsonObject ApiVersions(string serverAddress) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = serverAddress }),
    };

    public static JsonObject GroupList(RegistrySnapshot snapshot)
    {
        var groups = new JsonArray();
        foreach (var group in snapshot.Groups.Where(g => g.Name.Length > 0)) groups.Push(Group(group));
        return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups };
    }

    public static JsonObject? SingleGroup(RegistrySnapshot snapshot, string name)
    {
        var group = snapshot.Groups.FirstOrDefault(g => g.Name == name && name.Length > 0);
        if (group is null) return null;
        var doc = Group(group);
        doc["kind"] = "APIGroup";
        doc["apiVersion"] = "v1";
        return doc;
    }

    private static JsonObject Group(GroupInfo group)
    {
        var versions = new JsonArray();
        foreach (var v in group.Versions) versions.Push(new JsonObject { ["groupVersion"] = $"{group.Name}/{v}", ["version"] = v });
        return new JsonObject
        {
            ["name"] = group.Name,
            ["versions"] = versions,
            ["preferredVersion"] =
                new JsonObject { ["groupVersion"] = $"{group.Name}/{group.Versions[0]}", ["version"] = group.Versions[0] },
        };
    }

    public static JsonObject? ResourceList(RegistrySnapshot snapshot, string group, string version)
    {
        if (!snapshot.HasGroupVersion(group, version)) return null;
        var resources = new JsonArray();
        foreach (var t in snapshot.InGroupVersion(group, version))
        {
            var entry = new JsonObject
            {
                ["name"] = t.Resource,
                ["singularName"] = t.Singular,
                ["namespaced"] = t.Namespaced,
                ["kind"] = t.Kind,
                ["verbs"] = Strings(ResourceType.AllVerbs),
            };
            if (t.ShortNames.Length > 0) entry["shortNames"] = Strings(t.ShortNames);
            if (t.Categories.Length > 0) entry["categories"] = Strings(t.Categories);
            resources.Push(entry);
            if (t.HasStatus) resources.Push(Sub(t, "status", null, null, t.Kind, ["get", "patch", "update"]));
            if (t.Scale is not null) resources.Push(Sub(t, "scale", "autoscaling", "v1", "Scale", ["get", "patch", "update"]));
            if (t.HasFinalize) resources.Push(Sub(t, "finalize", null, null, t.Kind, ["update"]));
        }
        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}",
            ["resources"] = resources,
        };
    }

    private static JsonObject Sub(ResourceType t, string name, string? group, string? version, string kind, string[] verbs)
    {
        var entry = new JsonObject { ["name"] = $"{t.Resource}/{name}", ["singularName"] = "", ["namespaced"] = t.Namespaced };
        if (group is not null) entry["group"] = group;
        if (version is not null) entry["version"] = version;
        entry["kind"] = kind;
        entry["verbs"] = Strings(verbs);
        return entry;
    }

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)v).ToArray());
}
