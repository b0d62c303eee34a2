namespace Orkestra.Registry.Diagnostics;

/// <summary>What went wrong talking to a registry or reading an artifact; the CLI maps each to its own message.</summary>
public enum RegistryErrorKind
{
    /// <summary>No connection (DNS, refused, TLS handshake, timeout).</summary>
    Unreachable,
    /// <summary>401: no credentials, or the registry rejected them.</summary>
    Unauthorized,
    /// <summary>403: the credentials may not do this.</summary>
    Forbidden,
    /// <summary>The repository, tag, manifest or blob does not exist (or is not in the cache when offline).</summary>
    NotFound,
    /// <summary>Content whose digest is not the one it was asked for or announced with.</summary>
    DigestMismatch,
    /// <summary>A manifest, blob or artifact over its size bound.</summary>
    TooLarge,
    /// <summary>A well-formed OCI artifact that is not a Katalog artifact.</summary>
    NotAKatalog,
    /// <summary>A malformed answer or document (bad JSON, a layer without a title, an unexpected status).</summary>
    Invalid,
}

/// <summary>A registry or artifact error; the message names the reference it concerns.</summary>
public sealed class RegistryException(RegistryErrorKind kind, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public RegistryErrorKind Kind { get; } = kind;
}
