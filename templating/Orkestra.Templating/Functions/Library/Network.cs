using System.Net;
using System.Net.Sockets;
using static Orkestra.Templating.Functions.Library.Args;

namespace Orkestra.Templating.Functions.Library;

/// <summary>IP and CIDR checks. Malformed input gives false, never an error, so they are safe in conditions.</summary>
internal static class Network
{
    private const string C = "network";
    private static readonly IPNetwork[] s_private =
        [IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.168.0.0/16"), IPNetwork.Parse("fc00::/7")];

    public static void Register(FunctionRegistry r)
    {
        r.Add(C, "cidrContains", "cidrContains CIDR IP", "true when IP lies inside CIDR (false for malformed input)", 2, 2, ValueShape.Bool,
            (a, in _) => Bool(IPNetwork.TryParse(Str(a[0]).Trim(), out var net) && TryIp(Str(a[1]), out var ip)
                && net.Contains(Normalize(ip, net))));
        r.Add(C, "ipValid", "ipValid S", "true when S is an IPv4 or IPv6 address", 1, 1, ValueShape.Bool,
            (a, in _) => Bool(TryIp(Str(a[0]), out var _)));
        r.Add(C, "ipIsPrivate", "ipIsPrivate IP", "true when IP is in 10/8, 172.16/12, 192.168/16 or fc00::/7", 1, 1, ValueShape.Bool,
            (a, in _) => Bool(TryIp(Str(a[0]), out var ip) && s_private.Any(n => n.Contains(Normalize(ip, n)))));
    }

    /// <summary>Strict address parse: dotted quads only for IPv4 (IPAddress.TryParse alone accepts "1" or "0x7f").</summary>
    private static bool TryIp(string s, out IPAddress ip)
    {
        s = s.Trim();
        if (!IPAddress.TryParse(s, out ip!)) return false;
        return ip.AddressFamily == AddressFamily.InterNetworkV6 ? s.Contains(':') : s.Split('.').Length == 4
            && s.All(c => char.IsAsciiDigit(c) || c == '.');
    }

    private static IPAddress Normalize(IPAddress ip, IPNetwork net) =>
        ip.IsIPv4MappedToIPv6 && net.BaseAddress.AddressFamily == AddressFamily.InterNetwork ? ip.MapToIPv4() : ip;
}
