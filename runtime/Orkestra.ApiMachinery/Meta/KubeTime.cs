using System.Globalization;

namespace Orkestra.ApiMachinery.Meta;

/// <summary>
/// Kubernetes' two timestamp forms. <c>metav1.Time</c> (creationTimestamp, deletionTimestamp, condition times,
/// managedFields times, Event lastTimestamp): RFC 3339 in UTC, whole seconds — <c>2026-01-02T15:04:05Z</c>.
/// <c>metav1.MicroTime</c> (Lease acquireTime/renewTime, events.k8s.io eventTime): RFC 3339 in UTC with exactly six
/// fractional digits — <c>2026-01-02T15:04:05.123456Z</c>. Formatting truncates to the form's precision; parsing
/// accepts RFC 3339 with any precision and offset, as Go's <c>time.Parse(time.RFC3339, …)</c> does. Pure; thread-safe.
/// </summary>
public static class KubeTime
{
    /// <summary>The .NET format of <c>metav1.Time</c>.</summary>
    public const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    /// <summary>The .NET format of <c>metav1.MicroTime</c>.</summary>
    public const string MicroTimeFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    private static readonly string[] s_rfc3339 = ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"];

    /// <summary><paramref name="time"/> as a <c>metav1.Time</c> (UTC, whole seconds).</summary>
    public static string Format(DateTimeOffset time) => time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    /// <summary><paramref name="time"/> as a <c>metav1.MicroTime</c> (UTC, six fractional digits).</summary>
    public static string FormatMicro(DateTimeOffset time) => time.UtcDateTime.ToString(MicroTimeFormat, CultureInfo.InvariantCulture);

    /// <summary>Reads an RFC 3339 timestamp (<c>Z</c> or an offset; fractional seconds of any length, beyond 100 ns
    /// truncated). False for anything else, a date without a time or a missing offset included.</summary>
    public static bool TryParse(string? text, out DateTimeOffset time)
    {
        time = default;
        if (string.IsNullOrEmpty(text) || text.Length > 64) return false;
        var hasOffset = text[^1] == 'Z' || (text.Length > 6 && text[^6] is '+' or '-' && text[^3] == ':');
        if (!hasOffset) return false;
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0)
        {
            var end = dot + 1;
            while (end < text.Length && char.IsAsciiDigit(text[end])) end++;
            if (end - dot - 1 > 7) text = string.Concat(text.AsSpan(0, dot + 8), text.AsSpan(end));
        }
        if (!DateTimeOffset.TryParseExact(text, s_rfc3339, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)) return false;
        time = parsed.ToUniversalTime();
        return true;
    }
}
