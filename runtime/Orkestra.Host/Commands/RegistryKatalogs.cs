using Orkestra.Katalog.Composition;
using Orkestra.Registry.Artifacts;
using Orkestra.Registry.Auth;
using Orkestra.Registry.Cache;
using Orkestra.Registry.Diagnostics;
using Orkestra.Registry.Distribution;
using Orkestra.Registry.References;
using Orkestra.Registry.Transfer;

namespace Orkestra.Host.Commands;

/// <summary>
/// The host's <see cref="IKatalogRegistry"/>: a Komposer's <c>imports.registry</c> pulled with
/// <see cref="KatalogTransfer.PullAsync"/> (every byte verified, through the local cache: a digest the cache holds is
/// never fetched again; a tag asks the registry unless <paramref name="offline"/>), its files written once into
/// <c>CACHE/katalogs/HEX/</c> (by atomic rename) so the Katalog's relative paths resolve. References: <c>host/repo:tag</c>,
/// <c>…@sha256:…</c>, a short <c>name:version</c> against <c>ORK_REGISTRY</c>, and Orkestra's <c>repo@v1.0</c> (a tag).
/// Credentials and the CA file come from the environment as for <c>ork pull</c>. Used by <c>ork run</c> and
/// <c>ork validate</c> alike, once per import at start.
/// </summary>
internal sealed class RegistryKatalogs(Func<string, string?> environment, bool offline = false, bool insecure = false) : IKatalogRegistry
{
    private static readonly TimeSpan PullTimeout = TimeSpan.FromMinutes(2);

    public PulledKatalog Pull(string reference)
    {
        try
        {
            var parsed = ArtifactReference.Parse(TagForm(reference), environment(ArtifactReference.DefaultRegistryVariable));
            var caFile = environment(RegistryFlags.CaFileVariable);
            if (caFile is not null && !File.Exists(caFile))
                throw new FormatException($"{RegistryFlags.CaFileVariable}={caFile}: no such file");
            var options = new RegistryClientOptions
            {
                Insecure = insecure,
                CaFile = caFile,
                Credential = RegistryCredentials.Find(parsed.Registry, environment),
                UserAgent = $"ork/{Cli.Version}",
            };
            var transfer = new KatalogTransfer(options, new ArtifactCache(ArtifactCache.DefaultRoot(environment)));
            using var timeout = new CancellationTokenSource(PullTimeout);
            var pulled = transfer.PullAsync(parsed, offline, timeout.Token).GetAwaiter().GetResult();
            var folder = Materialize(transfer.Cache.Root, pulled);
            return new PulledKatalog(pulled.Reference.ToString(), pulled.Digest, folder, pulled.Config.Katalog, pulled.FromCache);
        }
        catch (OperationCanceledException e)
        {
            throw new KatalogSourceException($"{reference}: no answer within {PullTimeout.TotalSeconds:0}s", e);
        }
        catch (Exception e) when (e is RegistryException or FormatException or IOException or UnauthorizedAccessException)
        {
            throw new KatalogSourceException(e.Message, e);
        }
    }

    /// <summary>Orkestra writes a version after <c>@</c> (<c>ghcr.io/x/postgres@v14</c>); anything but a digest there is a tag.</summary>
    internal static string TagForm(string reference)
    {
        var at = reference.LastIndexOf('@');
        if (at <= 0 || reference.AsSpan(at + 1).StartsWith("sha256:", StringComparison.Ordinal)) return reference;
        var name = reference[..at];
        return name[(name.LastIndexOf('/') + 1)..].Contains(':', StringComparison.Ordinal) ? reference : $"{name}:{reference[(at + 1)..]}";
    }

    /// <summary>The artifact's files under <c>ROOT/katalogs/HEX/</c>: written to a temporary folder and renamed into place, so
    /// a folder that exists is complete; one whose files differ from the verified blobs is replaced.</summary>
    private static string Materialize(string root, PulledArtifact pulled)
    {
        var folder = Path.Combine(root, "katalogs", Digest.Hex(pulled.Digest));
        if (Directory.Exists(folder) && pulled.Files.All(f => Same(Path.Combine(folder, f.Path), f.Content))) return folder;
        var temporary = $"{folder}.{Guid.NewGuid():N}.tmp";
        foreach (var file in pulled.Files)
        {
            var target = Path.GetFullPath(Path.Combine(temporary, file.Path));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllBytes(target, file.Content);
        }
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        try { Directory.Move(temporary, folder); }
        catch (IOException) when (Directory.Exists(folder))
        {
            Directory.Delete(temporary, recursive: true); // another process put the same verified content in place first
        }
        return folder;
    }

    private static bool Same(string path, byte[] content)
    {
        try { return File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(content); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }
}
