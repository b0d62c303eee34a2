using System.Text;

namespace Orkestra.Kube.Client;

/// <summary>Builds request URLs (relative to the server's base URL, so a path prefix on the server survives).</summary>
internal static class ResourcePaths
{
    /// <summary><c>api/v1[/namespaces/NS]/RESOURCE[/NAME[/SUB]]</c> or <c>apis/G/V[/namespaces/NS]/RESOURCE[/NAME[/SUB]]</c>.</summary>
    public static StringBuilder For(GroupVersionResource resource, string? @namespace, string? name = null, string? subresource = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(resource.Version, nameof(resource));
        ArgumentException.ThrowIfNullOrEmpty(resource.Resource, nameof(resource));
        var path = new StringBuilder(96);
        if (resource.Group.Length == 0) path.Append("api/").Append(resource.Version);
        else path.Append("apis/").Append(resource.Group).Append('/').Append(resource.Version);
        if (!string.IsNullOrEmpty(@namespace)) path.Append("/namespaces/").Append(Uri.EscapeDataString(@namespace));
        path.Append('/').Append(resource.Resource);
        if (name is not null)
        {
            if (name.Length == 0) throw new ArgumentException("name must not be empty", nameof(name));
            path.Append('/').Append(Uri.EscapeDataString(name));
        }
        if (subresource is not null) path.Append('/').Append(subresource);
        return path;
    }

    /// <summary>The discovery document of one group version: <c>api/v1</c> or <c>apis/G/V</c>.</summary>
    public static string Discovery(string group, string version) => group.Length == 0 ? $"api/{version}" : $"apis/{group}/{version}";

    /// <summary>Appends <c>?name=value</c> / <c>&amp;name=value</c> when <paramref name="value"/> is not null.</summary>
    public static StringBuilder Query(this StringBuilder url, string name, string? value)
    {
        if (value is null) return url;
        var separator = url.ToString().Contains('?', StringComparison.Ordinal) ? '&' : '?';
        return url.Append(separator).Append(name).Append('=').Append(Uri.EscapeDataString(value));
    }

    public static StringBuilder Query(this StringBuilder url, string name, bool value) => value ? url.Query(name, "true") : url;
}
