using Microsoft.Extensions.Logging;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Runtime.Controllers;
using Orkestra.Runtime.Observability;

namespace Orkestra.Runtime.Tests.Observability;

public class ControllerLogTests
{
    private sealed class ListLogger : ILogger
    {
        public readonly List<(LogLevel Level, EventId Id, string Message, IReadOnlyList<KeyValuePair<string, object?>> State)> Entries = [];
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, eventId, formatter(state, exception), // Copied at once: generated log states may be pooled and reused after Log returns.
            (state as IReadOnlyList<KeyValuePair<string, object?>>)?.ToArray() ?? []));
    }

    [Test]
    public void Logs_a_reconcile_that_wrote_at_info_with_its_writes_a_failure_at_warn_and_a_no_op_at_debug()
    {
        var logger = new ListLogger();
        IControllerObserver log = new ControllerLog("website", logger);
        var wrote = new ReconcileScope(new ObjectKey("default", "hello"), "id-1");
        wrote.Changed("created", "Deployment hello");
        wrote.Changed("wrote", "status");
        log.Reconciled(wrote, ReconcileOutcome.Success, TimeSpan.FromMilliseconds(1.5), null);
        log.Reconciled(new ReconcileScope(new ObjectKey("default", "bad"), "id-2"), ReconcileOutcome.Error, TimeSpan.FromMilliseconds(3),
            new InvalidOperationException("image missing"));
        log.Reconciled(new ReconcileScope(new ObjectKey(null, "quiet"), "id-3"), ReconcileOutcome.Success, TimeSpan.FromMilliseconds(0.2), null);
        log.HealthChanged(new ControllerHealth(ControllerHealthState.Degraded, 5));
        log.HealthChanged(new ControllerHealth(ControllerHealthState.Healthy, 0));

        logger.Entries.Select(e => e.Message).ShouldBe([
            "reconciled website default/hello: success in 1.5 ms: created Deployment hello, wrote status (reconcile id-1)",
            "reconcile website default/bad: error in 3 ms: image missing; changed nothing (reconcile id-2)",
            "reconciled website /quiet: success in 0.2 ms, nothing to change (reconcile id-3)",
            "operator website is degraded after 5 consecutive failures",
            "operator website is healthy again",
        ]);
        logger.Entries.Select(e => e.Id.Id).ShouldBe([100, 101, 102, 200, 201]);
        logger.Entries.Select(e => e.Level).Take(3).ShouldBe([LogLevel.Information, LogLevel.Warning, LogLevel.Debug]);
        var fields = logger.Entries[0].State.Where(kv => kv.Key != "{OriginalFormat}").ToDictionary(kv => kv.Key, kv => kv.Value);
        fields["Crd"].ShouldBe("website");
        fields["Namespace"].ShouldBe("default");
        fields["Name"].ShouldBe("hello");
        fields["ReconcileID"].ShouldBe("id-1");
        fields["Result"].ShouldBe("success");
        fields["DurationMs"].ShouldBe(1.5);
    }
}
