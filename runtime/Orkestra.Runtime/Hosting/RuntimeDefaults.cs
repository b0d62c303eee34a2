using Orkestra.Katalog.Compilation;
using Orkestra.Katalog.Model;
using Orkestra.Katalog.Syntax;
using Orkestra.Runtime.Controllers;
using Orkestra.Runtime.Queues;

namespace Orkestra.Runtime.Hosting;

/// <summary>
/// The runtime defaults for what a Katalog leaves unset (Orkestra's environment variables:
/// <c>DEFAULT_WORKERS</c> 3, <c>DEFAULT_RESYNC</c> 15s, <c>FAILURE_THRESHOLD</c> 5), and the one place that turns an
/// operator's <c>reconciler</c> block into controller and queue settings. Immutable.
/// </summary>
public sealed record RuntimeDefaults
{
    public int Workers { get; init; } = 3;
    public TimeSpan Resync { get; init; } = TimeSpan.FromSeconds(15);
    public int FailureThreshold { get; init; } = 5;
    public TimeSpan ReconcileTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Reads DEFAULT_WORKERS, DEFAULT_RESYNC (Go duration) and FAILURE_THRESHOLD; invalid values are reported.</summary>
    public static RuntimeDefaults FromEnvironment(Func<string, string?> env, out IReadOnlyList<string> errors)
    {
        var problems = new List<string>();
        var defaults = new RuntimeDefaults();
        if (env("DEFAULT_WORKERS") is { Length: > 0 } w)
        {
            if (int.TryParse(w, out var n) && n is >= 1 and <= 50) defaults = defaults with { Workers = n };
            else problems.Add($"DEFAULT_WORKERS must be a whole number from 1 to 50, got \"{w}\"");
        }
        if (env("DEFAULT_RESYNC") is { Length: > 0 } r)
        {
            if (Durations.TryParse(r, false, out var d, out _) && d >= TimeSpan.Zero)
                defaults = defaults with { Resync = d };
            else problems.Add($"DEFAULT_RESYNC must be a duration such as 30s, got \"{r}\"");
        }
        if (env("FAILURE_THRESHOLD") is { Length: > 0 } f)
        {
            if (int.TryParse(f, out var n) && n >= 0) defaults = defaults with { FailureThreshold = n };
            else problems.Add($"FAILURE_THRESHOLD must be a whole number, got \"{f}\"");
        }
        errors = problems;
        return defaults;
    }

    public ControllerOptions ControllerFor(CompiledOperator op) => new()
    {
        Workers = op.Reconciler.Workers ?? Workers,
        FailureThreshold = op.Reconciler.Queue.FailureThreshold ?? FailureThreshold,
        ReconcileTimeout = ReconcileTimeout,
    };

    public TimeSpan ResyncFor(CompiledOperator op) => op.Reconciler.Resync ?? Resync;

    public static RetryPolicy RetryFor(CompiledOperator op) => op.Reconciler.Queue.RetryBackoff is { } b
        ? new RetryPolicy(b.Initial, b.Max ?? TimeSpan.FromSeconds(1000), b.Multiplier ?? 2.0, b.MaxAttempts ?? 0)
        : RetryPolicy.Default;

    /// <summary>Ring size: <c>queue.maxDepth</c> when set (the ring never drops keys beyond it), else 1024.</summary>
    public static int QueueCapacity(CompiledOperator op) => op.Reconciler.Queue.MaxDepth > 0 ? op.Reconciler.Queue.MaxDepth : 1024;
}
