using Orkestra.Katalog.Syntax;

namespace Orkestra.Katalog.Binding;

/// <summary>
/// The envelope every tool file (<c>kind: Simulate</c>, <c>kind: E2E</c>) shares: a map with <c>apiVersion</c> (the
/// Katalog's), <c>kind</c>, <c>metadata</c> (<c>name</c>, labels, annotations) and a <c>spec</c> map. Reports each problem at
/// its location; returns the name and the spec map, or null when there is no spec to read. Stateless.
/// </summary>
internal static class ToolFileHeader
{
    /// <param name="kind">the expected kind (<c>E2E</c>)</param>
    /// <param name="what">the file in messages (<c>an E2E file</c>)</param>
    /// <param name="notKind">what a file of another kind is not (<c>an end-to-end test</c>)</param>
    /// <param name="specHint">what a spec names, for the "missing spec" error</param>
    public static (string Name, YamlMap Spec)? Read(LoadContext ctx, YamlNode root, string kind, string what, string notKind,
        string defaultName, string specHint)
    {
        if (root is not YamlMap map)
        {
            ctx.Error(root, $"{what} must be a map with apiVersion, kind, metadata and spec, not {root.Describe()}");
            return null;
        }
        var r = new MapReader(ctx, map, $"the {kind} file");
        var apiVersion = r.Scalar("apiVersion");
        if (apiVersion is not null && apiVersion.Value != KatalogBinder.ApiVersion)
            ctx.Error(apiVersion, $"unsupported apiVersion '{apiVersion.Value}'; expected '{KatalogBinder.ApiVersion}'");
        var kindScalar = r.Scalar("kind");
        if (kindScalar is null) ctx.Diagnostics.Error(map.Location, $"missing kind; expected 'kind: {kind}'");
        else if (kindScalar.Value != kind) ctx.Error(kindScalar, $"kind '{kindScalar.Value}' is not {notKind}; expected 'kind: {kind}'");
        var name = defaultName;
        if (r.MapNode("metadata") is { } metadata)
        {
            var m = new MapReader(ctx, metadata, "metadata");
            name = m.String("name") ?? name;
            m.Known("labels", "annotations");
            m.Finish();
        }
        var spec = r.MapNode("spec");
        r.Finish();
        if (spec is null)
        {
            ctx.Diagnostics.Error(map.Location, $"missing spec; {specHint}");
            return null;
        }
        return (name, spec);
    }
}
