using System.Globalization;

namespace Orkestra.Kube.Informers;

/// <summary>
/// Orders resourceVersions only where that is safe: as unsigned integers when both parse (what etcd-backed servers and
/// the sandbox produce). The API calls them opaque, so a version that does not parse is never ordered.
/// </summary>
internal static class ResourceVersions
{
    public static bool TryParse(string? resourceVersion, out ulong value) =>
        ulong.TryParse(resourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    /// <summary>True when both parse and <paramref name="candidate"/> is the greater.</summary>
    public static bool IsNewer(string? candidate, string? than) =>
        TryParse(candidate, out var a) && TryParse(than, out var b) && a > b;
}
