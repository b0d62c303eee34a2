namespace Orkestra.Katalog.Composition;

/// <summary>
/// The port through which a Komposer's <c>imports.registry</c> (and a CRD's OCI Motif imports) reach an OCI registry.
/// The Katalog layer has no networking: the host implements this (over <c>Orkestra.Registry</c>'s
/// <c>KatalogTransfer.PullAsync</c>) and the loader calls it once per import while it loads. Implementations must be
/// safe to call from the loading thread and must verify what they return.
/// </summary>
public interface IKatalogRegistry
{
    /// <summary>Resolves <paramref name="reference"/> (as written, after <c>$ENV</c> expansion: <c>host/repo:tag</c>,
    /// <c>…@sha256:…</c>, or a short <c>name:version</c>) and makes its files readable on disk.</summary>
    /// <exception cref="KatalogSourceException">anything that went wrong; the message names the reference.</exception>
    PulledKatalog Pull(string reference);
}

/// <summary>
/// A pulled artifact: <paramref name="Reference"/> resolved to its digest (<c>host/repo:tag@sha256:…</c>),
/// <paramref name="Digest"/> the manifest digest, <paramref name="Directory"/> the folder holding its files under their
/// recorded paths, <paramref name="KatalogFile"/> the Katalog's (or Motif's) path inside it, and whether the local cache
/// served it without asking the registry.
/// </summary>
public sealed record PulledKatalog(string Reference, string Digest, string Directory, string KatalogFile, bool FromCache);

/// <summary>A registry import could not be resolved; the message names the reference (and digest when known).</summary>
public sealed class KatalogSourceException : Exception
{
    public KatalogSourceException(string message) : base(message) { }

    public KatalogSourceException(string message, Exception inner) : base(message, inner) { }

    public KatalogSourceException() { }
}

/// <summary>What a load may use beyond the files: the registry port and the environment (<c>$ENV</c> in import
/// references). Without a registry, a registry import is a located error.</summary>
public sealed record KatalogLoadOptions
{
    public static readonly KatalogLoadOptions Default = new();

    public IKatalogRegistry? Registry { get; init; }

    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;
}
