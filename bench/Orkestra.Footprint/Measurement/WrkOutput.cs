using System.Globalization;
using System.Text.RegularExpressions;

namespace Orkestra.Footprint.Measurement;

/// <summary>What <c>wrk --latency</c> printed: the latency percentiles (in milliseconds), requests/s, and every kind of
/// failure it reports (non-2xx answers, socket errors). A run with any failure is not a measurement.</summary>
internal sealed record WrkFigures(double P50Ms, double P75Ms, double P90Ms, double P99Ms, double RequestsPerSecond, long Requests,
    long Non2xx, long SocketErrors);

/// <summary>Parser of wrk 4's text output (<c>wrk -t1 -cN -dDs --latency</c>). Pure.</summary>
internal static partial class WrkOutput
{
    public static WrkFigures Parse(string text)
    {
        double Percentile(string p) =>
            PercentileLine().Matches(text).FirstOrDefault(m => m.Groups["p"].Value == p) is { } m
                ? Milliseconds(m.Groups["v"].Value, m.Groups["u"].Value)
                : throw new FormatException($"wrk printed no {p}% latency (was --latency given?):\n{text}");
        var rps = RequestsPerSecondLine().Match(text);
        if (!rps.Success) throw new FormatException($"wrk printed no Requests/sec line:\n{text}");
        var total = TotalLine().Match(text);
        var non2xx = Non2xxLine().Match(text);
        var socket = SocketErrorsLine().Match(text);
        long socketErrors = 0;
        if (socket.Success)
        {
            foreach (var g in new[] { "connect", "read", "write", "timeout" })
                socketErrors += long.Parse(socket.Groups[g].Value, CultureInfo.InvariantCulture);
        }
        return new WrkFigures(Percentile("50"), Percentile("75"), Percentile("90"), Percentile("99"),
            double.Parse(rps.Groups["v"].Value, CultureInfo.InvariantCulture),
            total.Success ? long.Parse(total.Groups["n"].Value, CultureInfo.InvariantCulture) : 0,
            non2xx.Success ? long.Parse(non2xx.Groups["n"].Value, CultureInfo.InvariantCulture) : 0,
            socketErrors);
    }

    static double Milliseconds(string value, string unit)
    {
        var v = double.Parse(value, CultureInfo.InvariantCulture);
        return unit switch
        {
            "us" => v / 1000,
            "ms" => v,
            "s" => v * 1000,
            "m" => v * 60_000,
            _ => throw new FormatException($"unknown wrk latency unit '{unit}'"),
        };
    }

    [GeneratedRegex(@"^\s+(?<p>50|75|90|99)%\s+(?<v>[0-9.]+)(?<u>us|ms|s|m)\s*$", RegexOptions.Multiline)]
    private static partial Regex PercentileLine();

    [GeneratedRegex(@"^Requests/sec:\s+(?<v>[0-9.]+)", RegexOptions.Multiline)]
    private static partial Regex RequestsPerSecondLine();

    [GeneratedRegex(@"^\s+(?<n>[0-9]+) requests in ", RegexOptions.Multiline)]
    private static partial Regex TotalLine();

    [GeneratedRegex(@"^\s+Non-2xx or 3xx responses:\s+(?<n>[0-9]+)", RegexOptions.Multiline)]
    private static partial Regex Non2xxLine();

    [GeneratedRegex(@"Socket errors: connect (?<connect>[0-9]+), read (?<read>[0-9]+), write (?<write>[0-9]+), timeout (?<timeout>[0-9]+)")]
    private static partial Regex SocketErrorsLine();
}
