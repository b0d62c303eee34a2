using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Orkestra.ApiMachinery.Schema;

/// <summary>
/// The string formats the API server enforces on custom resources (APIEXT <c>validation/formats.go</c>); every other
/// format is documentation only. Checks follow go-openapi strfmt's definitions closely but not byte for byte
/// (email and hostname are RFC-shaped approximations). Pure functions.
/// </summary>
internal static partial class Formats
{
    private static readonly HashSet<string> Enforced = new(StringComparer.Ordinal)
    {
        "bsonobjectid", "uri", "email", "hostname", "ipv4", "ipv6", "cidr", "mac", "uuid", "uuid3", "uuid4", "uuid5",
        "isbn", "isbn10", "isbn13", "creditcard", "ssn", "hexcolor", "rgbcolor", "byte", "password", "date", "duration", "datetime",
    };

    public static bool IsEnforced(string format) => Enforced.Contains(format);

    public static bool IsValid(string format, string value) => format switch
    {
        "bsonobjectid" => value.Length == 24 && value.All(char.IsAsciiHexDigit),
        "uri" => IsUri(value),
        "email" => Email().IsMatch(value),
        "hostname" => IsHostname(value),
        "ipv4" => IPAddress.TryParse(value, out var v4) && v4.AddressFamily == AddressFamily.InterNetwork && value.Contains('.')
            && Ipv4Text().IsMatch(value),
        "ipv6" => value.Contains(':') && IPAddress.TryParse(value, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6,
        "cidr" => IsCidr(value),
        "mac" => Mac().IsMatch(value),
        "uuid" => Uuid().IsMatch(value),
        "uuid3" => Uuid3().IsMatch(value),
        "uuid4" => Uuid4().IsMatch(value),
        "uuid5" => Uuid5().IsMatch(value),
        "isbn" => IsIsbn10(value) || IsIsbn13(value),
        "isbn10" => IsIsbn10(value),
        "isbn13" => IsIsbn13(value),
        "creditcard" => CreditCard().IsMatch(value.Replace("-", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal)),
        "ssn" => Ssn().IsMatch(value),
        "hexcolor" => HexColor().IsMatch(value),
        "rgbcolor" => RgbColor().IsMatch(value),
        "byte" => IsBase64(value),
        "date" => DateTime.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
        "duration" => IsDuration(value),
        "datetime" => IsDateTime(value),
        _ => true, // password and anything not enforced
    };

    private static bool IsUri(string value)
    {
        // Go's url.ParseRequestURI: an absolute URI, or an absolute path.
        if (value.StartsWith('/')) return !value.Contains(' ');
        return Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme.Length > 0 && !value.Contains(' ');
    }

    private static bool IsHostname(string value)
    {
        if (value.Length == 0 || value.Length > 255) return false;
        return Hostname().IsMatch(value);
    }

    private static bool IsCidr(string value)
    {
        var slash = value.IndexOf('/');
        if (slash < 0) return false;
        if (!IPAddress.TryParse(value[..slash], out var ip)) return false;
        var max = ip.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var bits = value[(slash + 1)..];
        return bits.Length is > 0 and <= 3 && bits.All(char.IsAsciiDigit) && int.Parse(bits, CultureInfo.InvariantCulture) <= max;
    }

    private static bool IsIsbn10(string value)
    {
        var s = value.Replace("-", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
        if (s.Length != 10) return false;
        var sum = 0;
        for (var i = 0; i < 9; i++)
        {
            if (!char.IsAsciiDigit(s[i])) return false;
            sum += (i + 1) * (s[i] - '0');
        }
        var last = s[9];
        if (last is 'X' or 'x') sum += 100;
        else if (char.IsAsciiDigit(last)) sum += 10 * (last - '0');
        else return false;
        return sum % 11 == 0;
    }

    private static bool IsIsbn13(string value)
    {
        var s = value.Replace("-", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
        if (s.Length != 13 || !s.All(char.IsAsciiDigit)) return false;
        var sum = 0;
        for (var i = 0; i < 12; i++) sum += (s[i] - '0') * (i % 2 == 0 ? 1 : 3);
        return (10 - sum % 10) % 10 == s[12] - '0';
    }

    private static bool IsBase64(string value)
    {
        var buffer = new byte[value.Length];
        return Convert.TryFromBase64String(value, buffer, out _);
    }

    private static bool IsDuration(string value)
    {
        // strfmt.ParseDuration: Go durations ("1h30m") or "<n> <unit>" with long unit names.
        if (GoDuration().IsMatch(value)) return true;
        return HumanDuration().IsMatch(value);
    }

    private static bool IsDateTime(string value) =>
        DateTimeOffset.TryParseExact(value, DateTimeLayouts, CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    private static readonly string[] DateTimeLayouts =
    [
        "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
        "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd HH:mm:ssK", "yyyy-MM-dd HH:mm:ss.FFFFFFFK",
    ];

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+$")]
    private static partial Regex Email();

    [GeneratedRegex(@"^([a-zA-Z0-9\p{L}\p{S}]([a-zA-Z0-9\p{L}\p{S}-]{0,61}[a-zA-Z0-9\p{L}\p{S}])?)" +
        @"(\.([a-zA-Z0-9\p{L}\p{S}]([a-zA-Z0-9\p{L}\p{S}-]{0,61}[a-zA-Z0-9\p{L}\p{S}])?))*\.?$")]
    private static partial Regex Hostname();

    [GeneratedRegex(@"^[0-9]{1,3}(\.[0-9]{1,3}){3}$")]
    private static partial Regex Ipv4Text();

    [GeneratedRegex(@"^([0-9A-Fa-f]{2}[:-]){5}([0-9A-Fa-f]{2})$|^([0-9A-Fa-f]{2}[:-]){7}([0-9A-Fa-f]{2})$|" +
        @"^([0-9A-Fa-f]{2}[:-]){19}([0-9A-Fa-f]{2})$|^([0-9A-Fa-f]{4}\.){2}([0-9A-Fa-f]{4})$")]
    private static partial Regex Mac();

    [GeneratedRegex(@"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$")]
    private static partial Regex Uuid();

    [GeneratedRegex(@"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?3[0-9a-fA-F]{3}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$")]
    private static partial Regex Uuid3();

    [GeneratedRegex(@"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?4[0-9a-fA-F]{3}-?[89abAB][0-9a-fA-F]{3}-?[0-9a-fA-F]{12}$")]
    private static partial Regex Uuid4();

    [GeneratedRegex(@"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?5[0-9a-fA-F]{3}-?[89abAB][0-9a-fA-F]{3}-?[0-9a-fA-F]{12}$")]
    private static partial Regex Uuid5();

    [GeneratedRegex(@"^(?:4[0-9]{12}(?:[0-9]{3})?|5[1-5][0-9]{14}|6(?:011|5[0-9][0-9])[0-9]{12}|3[47][0-9]{13}|3(?:0[0-5]|" +
        @"[68][0-9])[0-9]{11}|(?:2131|1800|35[0-9]{3})[0-9]{11})$")]
    private static partial Regex CreditCard();

    [GeneratedRegex(@"^[0-9]{3}[- ]?[0-9]{2}[- ]?[0-9]{4}$")]
    private static partial Regex Ssn();

    [GeneratedRegex(@"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")]
    private static partial Regex HexColor();

    [GeneratedRegex(@"^rgb\(\s*(0|[1-9][0-9]?|1[0-9][0-9]|2[0-4][0-9]|25[0-5])\s*,\s*(0|[1-9][0-9]?|1[0-9][0-9]|2[0-4][0-9]|" +
        @"25[0-5])\s*,\s*(0|[1-9][0-9]?|1[0-9][0-9]|2[0-4][0-9]|25[0-5])\s*\)$")]
    private static partial Regex RgbColor();

    [GeneratedRegex(@"^[-+]?(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+$|^0$")]
    private static partial Regex GoDuration();

    [GeneratedRegex(@"^[0-9]+\s*(ns|us|µs|ms|s|m|h|d|w|nanoseconds?|microseconds?|milliseconds?|seconds?|minutes?|hours?|days?|weeks?|" +
        @"sec|secs|min|mins|hr|hrs)$")]
    private static partial Regex HumanDuration();
}
