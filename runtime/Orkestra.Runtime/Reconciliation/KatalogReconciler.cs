using System.Text.Json;
using Orkestra.ApiMachinery.Meta;
using Orkestra.ApiMachinery.Schema;
using Orkestra.Katalog.Compilation;
using Orkestra.Katalog.Manifests;
using Orkestra.Katalog.Model;
using Orkestra.Katalog.Rendering;
using Orkestra.Katalog.Syntax;
using Orkestra.Kube.Client;
using Orkestra.Runtime.Controllers;
using Orkestra.Templating.Values;

namespace Orkestra.Runtime.Reconciliation;

/// <summary>
/// Reconciles one CR of one compiled operator, from the caches (never an API GET). <see cref="ReconcileAsync"/> is the
/// pipeline of docs/architecture.md, one step per line; each step is its own class:
/// <list type="number">
/// <item>gone → done; being deleted → <see cref="Finalization"/>;</item>
/// <item>namespace protection: a CR in a refused namespace fails (Ready=False, a Warning event) and gets nothing;</item>
/// <item>first sight → <see cref="Adopter"/> (finalizer, managed label, managed-by/managed-since annotations);</item>
/// <item><c>normalize</c> rewrites a copy of the CR that every later step sees (<see cref="Normalizer"/>);</item>
/// <item><c>cross</c> and <c>external</c> inputs (<see cref="RenderInputs"/>), <c>mutation</c>/<c>validation</c>
/// (<see cref="AdmissionStep"/>);</item>
/// <item>render <c>onCreate</c>+<c>onReconcile</c> with the observed children (<see cref="OperatorRenderer"/>); a child
/// in a refused namespace fails the reconcile before anything is written;</item>
/// <item>apply only what differs (<see cref="ChildApplier"/>, <see cref="DriftCheck"/>) — a converged CR costs zero writes;</item>
/// <item>write <c>/status</c> only when it changes (<see cref="StatusWriter"/>);</item>
/// <item>errors: Ready=False with the message, a Warning event, and an exception so the controller retries.</item>
/// </list>
/// Stateless between calls; safe for concurrent use on different keys.
/// </summary>
public sealed class KatalogReconciler : IReconciler, IReconcileFailureReporter
{
    public const string Finalizer = "orkestra.orkspace.io/finalizer";
    public const string ManagedByAnnotation = "orkestra.orkspace.io/managed-by";
    public const string ManagedSinceAnnotation = "orkestra.orkspace.io/managed-since";
    public const string GeneratedAtAnnotation = "orkestra.orkspace.io/generated-at";

    private static readonly IReadOnlySet<HookKind> Apply = new HashSet<HookKind> { HookKind.OnCreate, HookKind.OnReconcile };

    private readonly CompiledOperator _op;
    private readonly IObjectReader _reader;
    private readonly IEventRecorder _events;
    private readonly TimeProvider _time;
    private readonly NamespacePolicy? _namespaces;
    private readonly Action? _namespaceBlocked;
    private readonly StatusWriter _status;
    private readonly RenderInputs _inputs;
    private readonly Adopter _adopter;
    private readonly Finalization _finalization;
    private readonly AdmissionStep _admission;
    private readonly ChildApplier _children;
    private readonly StructuralSchema? _schema;

    public KatalogReconciler(
        CompiledOperator op,
        string katalogName,
        IObjectReader reader,
        IObjectWriter writer,
        IEventRecorder events,
        TimeProvider time,
        ICrossSource? cross = null,
        ExternalCalls? external = null,
        NamespacePolicy? namespaces = null,
        Action? namespaceBlocked = null)
    {
        _op = op;
        _reader = reader;
        _events = events;
        _time = time;
        _namespaces = namespaces;
        _namespaceBlocked = namespaceBlocked;
        _status = new StatusWriter(op, reader, writer, events, time);
        _inputs = new RenderInputs(op, time, cross, external, _status);
        _adopter = new Adopter(op, katalogName, writer, time);
        _finalization = new Finalization(op, writer, events, time, _inputs);
        _admission = new AdmissionStep(op, reader, writer, events, time, _inputs, _status);
        _children = new ChildApplier(op, writer, events, time);
        // The crdFile's schema types the status fields (read once; the file was checked at load).
        _schema = op.Settings.CrdFile is { } crdFile ? CrdSchemas.Read(crdFile, op.ApiTypes.Version).Schema : null;
    }

    public async ValueTask<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellation)
    {
        try
        {
            return await ReconcileCoreAsync(key, cancellation).ConfigureAwait(false);
        }
        catch (KubeApiException e) when (e.IsNotFound && IsThisCr(e, key))
        {
            return ReconcileResult.Done;   // deleted after it was queued: a no-op; its watch event empties the cache
        }
        catch (Exception e) when (e is not (ReportedFailureException or TerminalReconcileException or OperationCanceledException))
        {
            // An API error or a bug: the CR says so (Ready=False, Warning event) before the controller retries it.
            await ReportFailureAsync(key, e.Message, cancellation).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A 404 naming this CR (Status details: name, resource): the CR is gone, not a child or a namespace.</summary>
    private bool IsThisCr(KubeApiException e, ObjectKey key) =>
        e.Details is { ValueKind: JsonValueKind.Object } d
        && d.TryGetProperty("name", out var name) && name.ValueEquals(key.Name)
        && d.TryGetProperty("kind", out var kind) && kind.ValueEquals(_op.ApiTypes.Plural);

    /// <summary>Ready=False with <paramref name="message"/> and a Warning event on the CR (best effort: a failure to
    /// report is swallowed, the controller retries the key anyway).</summary>
    public ValueTask ReportFailureAsync(ObjectKey key, string message, CancellationToken cancellation) =>
        _status.ReportFailureAsync(key, "ReconcileError", message, cancellation);

    private async ValueTask<ReconcileResult> ReconcileCoreAsync(ObjectKey key, CancellationToken cancellation)
    {
        if (_reader.GetCustomResource(key) is not { } stored) return ReconcileResult.Done;
        var self = ObjectRef.Of(stored);
        var uid = ObjectFields.Text(stored, "metadata", "uid");
        var observed = _reader.ListOwnedChildren(self.Name, self.Namespace);

        if (stored.GetProperty("metadata").TryGetProperty("deletionTimestamp", out _))
        {
            await _finalization.FinalizeAsync(key, NormalizedForCleanup(stored), self, uid, observed, cancellation).ConfigureAwait(false);
            return ReconcileResult.Done;
        }
        if (self.Namespace is { } ns && _namespaces?.Check(ns) is { } refusal)
            await RefuseAsync(key, refusal.Reason, $"{refusal.Message}; nothing is created for this {_op.ApiTypes.Kind}", cancellation)
                .ConfigureAwait(false);
        await _adopter.AdoptAsync(stored, self, cancellation).ConfigureAwait(false);
        var cr = await NormalizeAsync(key, stored, self, uid, cancellation).ConfigureAwait(false);

        var crossValue = _inputs.Cross(cr);
        if (await _admission.AdmitAsync(key, cr, self, crossValue, cancellation).ConfigureAwait(false)) return ReconcileResult.Done;
        var calls = RenderInputs.CallsOf(_op.OnCreate, _op.OnReconcile);
        var externalValue = await _inputs.ExternalAsync(key, cr, crossValue, calls, cancellation).ConfigureAwait(false);
        var result = OperatorRenderer.Render(new RenderRequest(_op, cr, observed)
        {
            Hooks = Apply, Time = _time, Cross = crossValue, External = externalValue,
            Peers = AdmissionRules.Peers(_reader.ListCustomResources, key), Schema = _schema,
        });
        if (_namespaces is not null) await GuardChildNamespacesAsync(key, result, cancellation).ConfigureAwait(false);
        var wrote = await _children.ApplyAsync(self, uid, result, observed, cancellation).ConfigureAwait(false);

        // A status-only write is not announced: the status itself shows it, and children's status changes (replicas
        // becoming ready) would otherwise turn into a stream of "Reconciled" events and their count updates.
        await _status.WriteAsync(cr, self, result.Status.Status, cancellation).ConfigureAwait(false);
        var errors = result.Errors.Concat(result.Status.Errors).ToArray();
        if (errors.Length > 0)
        {
            var message = string.Join("; ", errors.Select(e => e.ToString()));
            _events.Record(self, uid, EventType.Warning, "ReconcileError", message);
            // A status value that does not fit its type stays so until the CR or a child changes (both enqueue it):
            // retrying on a timer would only repeat the same failure.
            if (result.Errors.Count == 0) throw new TerminalReconcileException(message);
            throw new ReportedFailureException(message);
        }
        if (wrote) _events.Record(self, uid, EventType.Normal, "Reconciled", "all children converged");
        return Requeue(result);
    }

    /// <summary>The CR a deletion cleans up from: normalized, unless normalize fails — cleanup must not hang on a
    /// normalize error, so <c>onDelete</c> then sees the CR as stored.</summary>
    private JsonElement NormalizedForCleanup(JsonElement stored)
    {
        if (_op.Normalize is not { } n) return stored;
        try { return Normalizer.Apply(n, stored, _time).Object; }
        catch (NormalizeException) { return stored; }
    }

    /// <summary><c>normalize</c>: the copy every later step sees; a failure fails the CR until it changes.</summary>
    private async ValueTask<JsonElement> NormalizeAsync(ObjectKey key, JsonElement cr, ObjectRef self, string? uid,
        CancellationToken cancellation)
    {
        if (_op.Normalize is not { } normalize) return cr;
        NormalizeResult result;
        try
        {
            result = Normalizer.Apply(normalize, cr, _time);
        }
        catch (NormalizeException e)
        {
            await _status.ReportFailureAsync(key, "NormalizeFailed", e.Message, cancellation).ConfigureAwait(false);
            throw new TerminalReconcileException(e.Message, e);
        }
        if (result.Changes.Count > 0)
            _events.Record(self, uid, EventType.Normal, "Normalized", "normalized " + string.Join(", ", result.Changes));
        return result.Object;
    }

    /// <summary>A child in a namespace the policy refuses fails the reconcile before anything is written.</summary>
    private async ValueTask GuardChildNamespacesAsync(ObjectKey key, RenderResult result, CancellationToken cancellation)
    {
        foreach (var child in result.Children)
        {
            if ((string?)child.Manifest["metadata"]?["namespace"] is not { } ns || _namespaces!.Check(ns) is not { } refusal) continue;
            await RefuseAsync(key, refusal.Reason, $"{child.Manifest["kind"]} {child.Name} is not created: {refusal.Message}", cancellation)
                .ConfigureAwait(false);
        }
    }

    /// <summary>Namespace protection refused the CR or one of its children: Ready=False, a Warning event, no retries.</summary>
    private async ValueTask RefuseAsync(ObjectKey key, string reason, string message, CancellationToken cancellation)
    {
        _namespaceBlocked?.Invoke();
        await _status.ReportFailureAsync(key, reason, message, cancellation).ConfigureAwait(false);
        throw new TerminalReconcileException(message);
    }

    /// <summary><c>requeue.after</c>, when its gate holds and it renders to a positive duration.</summary>
    private ReconcileResult Requeue(RenderResult result)
    {
        if (_op.Requeue is not { After: { } after } requeue) return ReconcileResult.Done;
        if (!requeue.Gate.Evaluate(result.Scope)) return ReconcileResult.Done;
        var text = after.Render(result.Scope).Trim();
        return text.Length > 0 && Durations.TryParse(text, false, out var delay, out _) && delay > TimeSpan.Zero
            ? ReconcileResult.After(delay)
            : ReconcileResult.Done;
    }
}
