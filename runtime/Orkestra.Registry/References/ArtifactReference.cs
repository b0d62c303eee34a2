using System.Net;
using System.Text.RegularExpressions;

namespace Orkestra.Registry.References;

/// <summary>
/// An OCI reference: <c>host[:port]/repository</c> with a <c>:tag</c>, an <c>@sha256:…</c> digest, or both (the digest
/// wins). A short <c>name:version</c> (no registry host in front) is resolved against a default registry (the value of
/// <c>ORK_REGISTRY</c>, which may carry a path prefix: <c>registry.example.com/katalogs</c>). Immutable.
/// </summary>
public sealed partial record ArtifactReference(string Registry, string Repository, string? Tag, string? Digest)
{
    /// <summary>The name of the environment variable holding the default registry of short references.</summary>
    public const string DefaultRegistryVariable = "ORK_REGISTRY";

    /// <summary>What goes after <c>/manifests/</c>: the digest when there is one, otherwise the tag.</summary>
    public string ManifestReference => Digest ?? Tag!;

    /// <summary>True when the host is localhost or a loopback address (plain HTTP is allowed there).</summary>
    public bool IsLoopback
    {
        get
        {
            var host = HostName;
            if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return true;
            return IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address);
        }
    }

    /// <summary>The host without its port (and without the brackets of an IPv6 literal).</summary>
    public string HostName
    {
        get
        {
            if (Registry.StartsWith('['))
            {
                var end = Registry.IndexOf(']');
                return end > 0 ? Registry[1..end] : Registry;
            }
            var colon = Registry.LastIndexOf(':');
            return colon > 0 ? Registry[..colon] : Registry;
        }
    }

    /// <summary>The same repository at <paramref name="digest"/>, keeping the tag for display.</summary>
    public ArtifactReference AtDigest(string digest) => this with { Digest = digest };

    public override string ToString() =>
        $"{Registry}/{Repository}{(Tag is null ? "" : ":" + Tag)}{(Digest is null ? "" : "@" + Digest)}";

    /// <summary>Parses <paramref name="text"/>; <paramref name="defaultRegistry"/> resolves short references.</summary>
    /// <exception cref="FormatException">the text is not a reference; the message says which part is wrong.</exception>
    public static ArtifactReference Parse(string text, string? defaultRegistry)
    {
        var original = text;
        text = text.Trim();
        if (text.Length == 0) throw new FormatException("empty reference");
        if (text.Contains("://", StringComparison.Ordinal))
            throw new FormatException($"'{original}': a reference has no scheme (write host/repository:tag)");
        string? digest = null;
        var at = text.IndexOf('@');
        if (at >= 0)
        {
            digest = text[(at + 1)..];
            text = text[..at];
            if (!DigestPattern().IsMatch(digest))
                throw new FormatException($"'{original}': digest '{digest}' is not sha256: followed by 64 lowercase hex digits");
        }
        string? tag = null;
        var colon = text.LastIndexOf(':');
        if (colon > text.LastIndexOf('/'))
        {
            tag = text[(colon + 1)..];
            text = text[..colon];
            if (!TagPattern().IsMatch(tag))
                throw new FormatException($"'{original}': tag '{tag}' is not [A-Za-z0-9_][A-Za-z0-9._-]{{0,127}}");
        }
        if (tag is null && digest is null)
            throw new FormatException($"'{original}' names no :tag and no @sha256: digest");

        string registry, repository;
        var slash = text.IndexOf('/');
        var first = slash < 0 ? text : text[..slash];
        if (slash > 0 && (first.Contains('.') || first.Contains(':') || first.StartsWith('[') || first == "localhost"))
        {
            registry = first;
            repository = text[(slash + 1)..];
        }
        else
        {
            if (string.IsNullOrWhiteSpace(defaultRegistry))
                throw new FormatException(
                    $"'{original}' names no registry host and {DefaultRegistryVariable} is not set (write host/repository:tag)");
            var prefix = defaultRegistry.Trim().TrimEnd('/');
            var split = prefix.IndexOf('/');
            registry = split < 0 ? prefix : prefix[..split];
            repository = split < 0 ? text : $"{prefix[(split + 1)..]}/{text}";
        }
        if (!HostPattern().IsMatch(registry))
            throw new FormatException($"'{original}': registry host '{registry}' is not host[:port]");
        if (!RepositoryPattern().IsMatch(repository) || repository.Length > 255)
            throw new FormatException(
                $"'{original}': repository '{repository}' must be lowercase path components of [a-z0-9] joined by . _ __ or -");
        return new ArtifactReference(registry, repository, tag, digest);
    }

    [GeneratedRegex("^sha256:[a-f0-9]{64}$")]
    internal static partial Regex DigestPattern();

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex TagPattern();

    private const string Label = "[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?";

    [GeneratedRegex(@"^(" + Label + @"(\." + Label + @")*|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?$")]
    private static partial Regex HostPattern();

    [GeneratedRegex(@"^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*$")]
    private static partial Regex RepositoryPattern();
}
