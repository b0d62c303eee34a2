namespace Orkestra.ApiMachinery.Meta;

/// <summary>The <c>type</c> of a watch event (<c>meta.k8s.io/v1 WatchEvent</c>).</summary>
public enum WatchEventType { Added, Modified, Deleted, Bookmark, Error }

/// <summary>The wire names of <see cref="WatchEventType"/> (<c>ADDED</c>, <c>MODIFIED</c>, …). Pure; thread-safe.</summary>
public static class WatchEventTypes
{
    /// <summary>The text of the event's <c>type</c> field.</summary>
    public static string WireName(this WatchEventType type) => type switch
    {
        WatchEventType.Added => "ADDED",
        WatchEventType.Modified => "MODIFIED",
        WatchEventType.Deleted => "DELETED",
        WatchEventType.Bookmark => "BOOKMARK",
        WatchEventType.Error => "ERROR",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a watch event type"),
    };

    /// <summary>Reads a <c>type</c> field; false for anything else (the names are case-sensitive, as kube's are).</summary>
    public static bool TryParse(string? text, out WatchEventType type)
    {
        (var known, type) = text switch
        {
            "ADDED" => (true, WatchEventType.Added),
            "MODIFIED" => (true, WatchEventType.Modified),
            "DELETED" => (true, WatchEventType.Deleted),
            "BOOKMARK" => (true, WatchEventType.Bookmark),
            "ERROR" => (true, WatchEventType.Error),
            _ => (false, default),
        };
        return known;
    }
}
