using System.Security.Cryptography;
using System.Text;

namespace Orkestra.ApiMachinery.Meta;

/// <summary>
/// Labels with one meaning across ork: what the Katalog's child builders stamp on every object they build and what
/// the runtime selects and indexes children by (the Orkestra schema's labels section). Constants only.
/// </summary>
public static class WellKnownLabels
{
    /// <summary><c>"true"</c> on every object an operator built (children and the CRs it adopted); child informers select it.</summary>
    public const string Managed = "orkestra.orkspace.io/managed";

    /// <summary>The CR that owns a child, as <see cref="OwnerValue"/> of its name; the runtime's label index finds a CR's
    /// children by it.</summary>
    public const string Owner = "orkestra-owner";

    /// <summary>Characters of the hash that ends a shortened <see cref="OwnerValue"/>.</summary>
    public const int OwnerHashLength = 10;

    /// <summary>
    /// The <see cref="Owner"/> label value for a CR named <paramref name="ownerName"/>: the name itself when it is a valid
    /// label value (every name of at most 63 characters is), else its first 52 characters (trailing <c>-</c>/<c>.</c>
    /// dropped), <c>-</c> and the first 10 hex digits of the SHA-256 of the whole name — at most 63 characters, stable
    /// across restarts and versions, distinct for names that share their first 52 characters. The one function every
    /// builder and every lookup of the label uses.
    /// </summary>
    public static string OwnerValue(string ownerName)
    {
        if (LabelSyntax.IsValue(ownerName)) return ownerName;
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ownerName)))[..OwnerHashLength];
        var head = ownerName[..Math.Min(ownerName.Length, LabelSyntax.MaxLength - OwnerHashLength - 1)];
        head = new string(head.Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.').ToArray()).TrimEnd('-', '.', '_');
        return head.Length == 0 ? hash : head + "-" + hash;
    }

    /// <summary>Pod selector label of workloads built from a Katalog: the workload's name.</summary>
    public const string App = "app";
}
