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
    public void Logs_one_structured_line_per_reconcile_outcome_and_each_health_change()
    {
        var logger = new ListLogger();
        IControllerObserver log = new ControllerLog("website", logger);
        log.Reconciled(new ObjectKey("default", "hello"), ReconcileOutcome.Success, TimeSpan.FromMilliseconds(1.5), null);
        log.Reconciled(new ObjectKey("default", "bad"), ReconcileOutcome.Error, TimeSpan.FromMilliseconds(3), new InvalidOperationException("image missing"));
        log.HealthChanged(new ControllerHealth(ControllerHealthState.Degraded, 5));
        log.HealthChanged(new ControllerHealth(ControllerHealthState.Healthy, 0));

        logger.Entries.Select(e => e.Message).ShouldBe([
            "reconciled website default/hello: success in 1.5 ms",
            "reconcile website default/bad: error in 3 ms: image missing",
            "operator website is degraded after 5 consecutive failures",
            "operator website is healthy again",
        ]);
        logger.Entries.Select(e => e.Id.Id).ShouldBe([100, 101, 200, 201]);
        logger.Entries[0].State.ShouldContain(kv => kv.Key == "Crd" && (string?)kv.Value == "website");
        logger.Entries[0].State.ShouldContain(kv => kv.Key == "Key" && (string?)kv.Value == "default/hello");
        logger.Entries[1].Level.ShouldBe(LogLevel.Warning);
    }
}
