using System.Text;
using System.Text.Json;
using Orkestra.Kube;
using Orkestra.Kube.Client;
using Orkestra.Registry.Diagnostics;

namespace Orkestra.Host.Commands;

/// <summary>
/// Where <c>ork plan</c> finds the configuration it compares against, materialised as files in a folder so that both
/// sides compile the same way (<c>KatalogCompiler.CompileFiles</c>): a local file or folder as it is, an OCI artifact
/// pulled through <c>KatalogTransfer</c> (verified, cached), or the ConfigMap a deployed runtime mounts
/// (<see cref="ConfigMapLayout"/>). A source that cannot be read throws <see cref="PlanSourceException"/> naming it.
/// </summary>
internal static class PlanSources
{
    private static readonly GroupVersionResource ConfigMaps = new("", "v1", "configmaps");

    /// <summary>A file, a folder (its <c>katalog.yaml</c>), or else an OCI reference pulled into <paramref name="scratch"/>.</summary>
    public static string Against(string source, CommandLine line, Func<string, string?> environment, string scratch,
        CancellationToken cancellation)
    {
        if (File.Exists(source)) return source;
        if (Directory.Exists(source))
        {
            var inside = Path.Combine(source, "katalog.yaml");
            return File.Exists(inside) ? inside : throw new PlanSourceException($"--against {source}: the folder has no katalog.yaml");
        }
        if (!source.Contains('/', StringComparison.Ordinal) && !source.Contains(':', StringComparison.Ordinal))
            throw new PlanSourceException($"--against {source}: no such file, and not an OCI reference (host/repository:tag)");
        try
        {
            var reference = RegistryFlags.ParseReference(source, environment);
            var transfer = RegistryFlags.Transfer(line, reference, environment);
            var pulled = transfer.PullAsync(reference, line.Has("--offline"), cancellation).GetAwaiter().GetResult();
            foreach (var file in pulled.Files) Write(scratch, file.Path, file.Content, $"{pulled.Reference}: file");
            return Path.Combine(scratch, pulled.Config.Katalog);
        }
        catch (Exception e) when (e is RegistryException or FormatException or IOException or UnauthorizedAccessException
                                       or HttpRequestException)
        {
            throw new PlanSourceException($"--against {source}: {e.Message}");
        }
    }

    /// <summary>The Katalog of ConfigMap <paramref name="ns"/>/<paramref name="name"/>, written into <paramref name="scratch"/>.</summary>
    public static async Task<string> ConfigMapAsync(IKubeReader api, string ns, string name, string scratch, CancellationToken cancellation)
    {
        var where = $"ConfigMap {ns}/{name}";
        JsonElement cm;
        try
        {
            cm = await api.GetAsync(ConfigMaps, ns, name, cancellation).ConfigureAwait(false);
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            throw new PlanSourceException($"{where}: not found");
        }
        var files = new List<(string Key, byte[] Content)>();
        if (cm.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object)
        {
            foreach (var entry in data.EnumerateObject()) files.Add((entry.Name, Encoding.UTF8.GetBytes(entry.Value.GetString() ?? "")));
        }
        if (cm.TryGetProperty("binaryData", out var binary) && binary.ValueKind == JsonValueKind.Object)
        {
            foreach (var entry in binary.EnumerateObject())
            {
                try { files.Add((entry.Name, Convert.FromBase64String(entry.Value.GetString() ?? ""))); }
                catch (FormatException) { throw new PlanSourceException($"{where}: binaryData key \"{entry.Name}\" is not base64"); }
            }
        }
        if (!files.Any(f => f.Key == ConfigMapLayout.KatalogKey))
        {
            var keys = files.Count == 0 ? "none" : string.Join(", ", files.Select(f => f.Key));
            throw new PlanSourceException($"{where}: no data key \"{ConfigMapLayout.KatalogKey}\" (keys: {keys})");
        }
        foreach (var (key, content) in files) Write(scratch, ConfigMapLayout.PathOf(key), content, $"{where}: key \"{key}\"");
        return Path.Combine(scratch, ConfigMapLayout.KatalogKey);
    }

    /// <summary>Writes one file under <paramref name="root"/>; a path that would leave it is refused.</summary>
    private static void Write(string root, string relative, byte[] content, string what)
    {
        var full = Path.GetFullPath(Path.Combine(root, relative));
        var inside = Path.GetFullPath(root) + Path.DirectorySeparatorChar;
        if (Path.IsPathRooted(relative) || !full.StartsWith(inside, StringComparison.Ordinal))
            throw new PlanSourceException($"{what}: path \"{relative}\" is outside the Katalog's folder");
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, content);
    }
}

/// <summary>
/// The ConfigMap that carries a deployed runtime's Katalog (what <c>ork generate bundle</c> writes and <c>ork plan --cm</c>
/// reads): data key <c>katalog.yaml</c> is the Katalog; every file it references (<c>crdFile</c>, <c>crFiles</c>,
/// <c>setup</c>, <c>include</c>s) is another key named by its path relative to the Katalog. A ConfigMap key cannot hold
/// <c>/</c>, so a file in a subfolder is keyed with each <c>/</c> written as <c>__</c> (<c>crds/web.yaml</c> →
/// <c>crds__web.yaml</c>; the Deployment's volume maps it back with <c>items[].path</c>). <c>binaryData</c> keys are
/// read the same way.
/// </summary>
internal static class ConfigMapLayout
{
    public const string KatalogKey = "katalog.yaml";

    public const string Separator = "__";

    /// <summary>The ConfigMap key of a path relative to the Katalog.</summary>
    public static string KeyOf(string relativePath) => relativePath.Replace("/", Separator, StringComparison.Ordinal);

    /// <summary>The relative path a key stands for.</summary>
    public static string PathOf(string key) => key.Replace(Separator, "/", StringComparison.Ordinal);
}

/// <summary>A plan source that cannot be read; the message names it.</summary>
internal sealed class PlanSourceException(string message) : Exception(message);
