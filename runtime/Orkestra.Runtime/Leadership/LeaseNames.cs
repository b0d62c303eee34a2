using Orkestra.Runtime.Sharding;

namespace Orkestra.Runtime.Leadership;

/// <summary>Lease names ork derives from Katalog and CRD names. Pure.</summary>
public static class LeaseNames
{
    /// <summary><paramref name="text"/> as a valid Lease name (a DNS subdomain of at most 63 characters): lower case, every
    /// character but a letter or digit becomes <c>-</c>, and a longer result keeps its first 54 characters followed by
    /// <c>-</c> and the 8 hex digits of its FNV-1a hash (<see cref="ShardHash"/>); leading and trailing <c>-</c> dropped.</summary>
    public static string Valid(string text)
    {
        var chars = text.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray();
        var name = new string(chars);
        if (name.Length > 63) name = name[..54] + "-" + ShardHash.Fnv1a(name).ToString("x8");
        return name.Trim('-');
    }
}
