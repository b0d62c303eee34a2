using System.Security.Cryptography;

namespace Orkestra.Registry.Artifacts;

/// <summary>Content digests as the OCI specifications write them: <c>sha256:</c> + 64 lowercase hex digits. Pure.</summary>
public static class Digest
{
    public static string Of(ReadOnlySpan<byte> content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>The 64 hex digits of a <c>sha256:</c> digest (the caller has validated it).</summary>
    public static string Hex(string digest) => digest["sha256:".Length..];

    public static bool IsValid(string? digest) => digest is not null && References.ArtifactReference.DigestPattern().IsMatch(digest);
}
