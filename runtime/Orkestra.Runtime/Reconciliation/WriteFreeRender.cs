using System.Text.Json;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Katalog.Compilation;
using Orkestra.Katalog.Model;
using Orkestra.Katalog.Rendering;
using Orkestra.Templating.Values;

namespace Orkestra.Runtime.Reconciliation;

/// <summary>
/// A reconcile's render without its writes and calls — <c>normalize</c>, <c>cross</c> reads, <c>onCreate</c> +
/// <c>onReconcile</c> through <see cref="OperatorRenderer"/> (the code <c>ork render</c> runs) — for the views that ask
/// what the operator would apply now: the <c>/katalog</c> CR detail and <c>ork plan</c>. An operator whose hooks make
/// <c>external</c> calls, or whose <c>normalize</c> fails on the CR, cannot be rendered without a reconcile: the result
/// is null with the reason. Pure given its inputs; safe to call concurrently.
/// </summary>
internal static class WriteFreeRender
{
    private static readonly IReadOnlySet<HookKind> Applied = new HashSet<HookKind> { HookKind.OnCreate, HookKind.OnReconcile };

    public const string ExternalCalls = "the operator makes external calls; drift is computed only by a reconcile";

    public static (RenderResult? Result, string? Unknown) Render(CompiledOperator op, JsonElement cr, IReadOnlyList<JsonElement> observed,
        ICrossSource? cross, TimeProvider time, Func<IReadOnlyList<JsonElement>>? peers = null)
    {
        if (RenderInputs.CallsOf(op.OnCreate, op.OnReconcile).Any()) return (null, ExternalCalls);
        try
        {
            if (op.Normalize is { } normalize) cr = Normalizer.Apply(normalize, cr, time).Object;
            TemplateValue? crossValue = op.Cross.Count == 0 || cross is null ? null : CrossView.Build(op, cr, cross, time, Random.Shared);
            var request = new RenderRequest(op, cr, observed)
            {
                Hooks = Applied, Time = time, Cross = crossValue,
                Peers = peers is null ? null : AdmissionRules.Peers(peers, KeyOf(cr)),
            };
            return (OperatorRenderer.Render(request), null);
        }
        catch (NormalizeException e)
        {
            return (null, $"normalize fails on this CR: {e.Message}");
        }
    }

    private static ObjectKey KeyOf(JsonElement cr)
    {
        var self = ObjectRef.Of(cr);
        return new ObjectKey(self.Namespace, self.Name);
    }
}
