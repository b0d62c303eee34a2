using System.Text.Json;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Katalog.Compilation;
using Orkestra.Templating.Values;
using Orkestra.Katalog.Rendering;

namespace Orkestra.Runtime.Reconciliation;

/// <summary>
/// What a render or a rule set reads besides the CR: <c>.cross</c> (other operators' CRs, from their caches) and
/// <c>.external</c> (HTTP calls, run before what uses them). A failed call without <c>continueOnError</c> fails the
/// reconcile, reported on the CR. Stateless; safe for concurrent use.
/// </summary>
internal sealed class RenderInputs(
    CompiledOperator op, TimeProvider time, ICrossSource? cross, ExternalCalls? external, StatusWriter status)
{
    /// <summary><c>.cross</c> from the other operators' caches (null when the box declares no cross reads).</summary>
    public TemplateValue? Cross(JsonElement cr) =>
        cross is null || op.Cross.Count == 0 ? null : CrossView.Build(op, cr, cross, time, Random.Shared);

    /// <summary><c>.external</c> from <paramref name="calls"/> (null when there are none); a failure is reported on the
    /// CR and thrown as <see cref="ReportedFailureException"/>.</summary>
    public async ValueTask<TemplateValue?> ExternalAsync(ObjectKey key, JsonElement cr, TemplateValue? crossValue,
        IEnumerable<CompiledExternal> calls, CancellationToken cancellation)
    {
        var list = calls as IReadOnlyCollection<CompiledExternal> ?? calls.ToArray();
        if (external is null || list.Count == 0) return null;
        var outcome = await external.RunAsync(list, cr, crossValue, cancellation).ConfigureAwait(false);
        if (outcome.Failure is not { } failure) return outcome.Results;
        await status.ReportFailureAsync(key, "ReconcileError", failure, cancellation).ConfigureAwait(false);
        throw new ReportedFailureException(failure);
    }

    /// <summary>The external calls of <paramref name="hooks"/> (absent hooks skipped).</summary>
    public static IEnumerable<CompiledExternal> CallsOf(params CompiledHook?[] hooks) =>
        hooks.OfType<CompiledHook>().SelectMany(h => h.External);
}
