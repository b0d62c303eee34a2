using Orkestra.Katalog.Diagnostics;

namespace Orkestra.Katalog.Model;

/// <summary>Where an imported Katalog came from.</summary>
public enum KatalogSourceKind { File, Registry }

/// <summary>
/// One Katalog a Komposer imported, as resolved once at load: the reference as resolved (a file path, or the OCI
/// reference with its digest), the digest of what was read (<c>sha256:</c> of the file, or the manifest digest),
/// the imported Katalog's name, where the import is declared, and whether the registry was asked. Shared, immutable.
/// </summary>
public sealed record KatalogSource(
    KatalogSourceKind Kind,
    string Reference,
    string Digest,
    string KatalogName,
    SourceLocation DeclaredAt,
    bool FromCache);
