using Orkestra.Registry.Artifacts;
using Orkestra.Registry.References;

namespace Orkestra.Registry.Cache;

/// <summary>
/// The local content-addressed store of pulled artifacts: <c>blobs/sha256/&lt;hex&gt;</c> holds every manifest, config
/// and layer by digest, and <c>tags/&lt;registry&gt;/&lt;repository&gt;/&lt;tag&gt;</c> the digest a tag last resolved to
/// (only <c>--offline</c> reads it). Writes go to a temporary file renamed into place, so a reader never sees half a
/// blob; every read is re-verified against its digest and a corrupted entry is deleted and reported as missing.
/// Safe for concurrent processes (content is immutable; a tag file is replaced atomically).
/// </summary>
public sealed class ArtifactCache(string root)
{
    public string Root { get; } = root;

    /// <summary><c>$XDG_CACHE_HOME/ork</c>, else <c>~/.cache/ork</c>.</summary>
    public static string DefaultRoot(Func<string, string?> environment)
    {
        var xdg = environment("XDG_CACHE_HOME");
        if (!string.IsNullOrEmpty(xdg)) return Path.Combine(xdg, "ork");
        var home = environment("HOME");
        return Path.Combine(string.IsNullOrEmpty(home) ? Path.GetTempPath() : home, ".cache", "ork");
    }

    public string BlobPath(string digest) => Path.Combine(Root, "blobs", "sha256", Digest.Hex(digest));

    /// <summary>The blob's bytes, or null when it is absent or was corrupted (then it is removed).</summary>
    public byte[]? ReadBlob(string digest, long maxBytes)
    {
        var path = BlobPath(digest);
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists) return null;
            if (info.Length > maxBytes) return null;
            var bytes = File.ReadAllBytes(path);
            if (Digest.Of(bytes) == digest) return bytes;
            File.Delete(path);
            return null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void WriteBlob(string digest, byte[] content)
    {
        if (Digest.Of(content) != digest) throw new ArgumentException($"content does not have digest {digest}");
        var path = BlobPath(digest);
        if (File.Exists(path)) return;
        WriteAtomically(path, content);
    }

    /// <summary>The digest <paramref name="reference"/>'s tag last resolved to, or null.</summary>
    public string? ReadTag(ArtifactReference reference)
    {
        var path = TagPath(reference);
        try
        {
            if (!File.Exists(path)) return null;
            var digest = File.ReadAllText(path).Trim();
            return Digest.IsValid(digest) ? digest : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void WriteTag(ArtifactReference reference, string digest) =>
        WriteAtomically(TagPath(reference), System.Text.Encoding.ASCII.GetBytes(digest + "\n"));

    private string TagPath(ArtifactReference reference) =>
        Path.Combine(Root, "tags", reference.Registry.Replace(':', '_').Replace('[', '_').Replace(']', '_'),
            Path.Combine(reference.Repository.Split('/')), reference.Tag!);

    private static void WriteAtomically(string path, byte[] content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        File.WriteAllBytes(temp, content);
        File.Move(temp, path, overwrite: true);
    }
}
