using System.Globalization;
using System.Security.Cryptography;
using Orkestra.Katalog.Compilation;
using Orkestra.Katalog.Model;

namespace Orkestra.Katalog.Planning;

/// <summary>
/// The settings of a compiled operator (and of a Katalog's <c>security</c>) as <c>key → printed value</c> pairs, one
/// per setting, in a fixed order: what <see cref="KatalogDiff"/> compares. Defaults are printed as the runtime resolves
/// them (<c>default</c> where the runtime's environment decides). Files are named relative to their Katalog with the
/// first 12 hex digits of their content's SHA-256, so the same file in another folder (a ConfigMap, a pulled artifact)
/// is the same setting.
/// </summary>
public static class PlanSettings
{
    public static IReadOnlyList<(string Key, string Value)> Of(CompiledKatalog katalog, CompiledOperator op)
    {
        var s = op.Settings;
        var r = op.Reconciler;
        var api = op.ApiTypes;
        var dir = katalog.Source.Directory;
        return
        [
            ("apiTypes", $"{api.ApiVersion} {api.Kind} ({api.Plural})"),
            ("enabled", Bool(s.Enabled)),
            ("namespaced", Bool(s.Namespaced)),
            ("namespace", s.Namespace ?? "(all)"),
            ("crdFile", s.CrdFile is null ? "(none)" : File(dir, s.CrdFile)),
            ("crFiles", List(s.CrFiles.Select(f => File(dir, f)))),
            ("setup", List(s.Setup.Select(f => File(dir, f)))),
            ("dependsOn", List(s.Dependencies.Select(d => $"{d.Target} ({d.Condition.ToString().ToLowerInvariant()})"))),
            ("labelSelector", Map(s.LabelSelector)),
            ("fieldSelector", Map(s.FieldSelector)),
            ("forceConflict", Bool(s.ForceConflict)),
            ("crossAccess", Bool(s.CrossAccess)),
            ("ignoreStatusPatch", Bool(s.IgnoreStatusPatch)),
            ("ignoreObservedGeneration", Bool(s.IgnoreObservedGeneration)),
            ("removeFinalizers", Bool(s.RemoveFinalizers)),
            ("restrictedNamespaces", List(s.RestrictedNamespaces)),
            ("allowedNamespaces", List(s.AllowedNamespaces)),
            ("webhooks.validation", Bool(s.ValidationWebhook)),
            ("webhooks.mutation", Bool(s.MutationWebhook)),
            ("webhooks.operations", List(s.WebhookOperations)),
            ("reconciler.workers", r.Workers?.ToString(CultureInfo.InvariantCulture) ?? "default"),
            ("reconciler.resync", r.Resync is { } resync ? Duration(resync) : "default"),
            ("queue.type", r.Queue.Type == QueueType.Delayed ? "delayed" : "ratelimited"),
            ("queue.maxDepth", r.Queue.MaxDepth == 0 ? "unlimited" : r.Queue.MaxDepth.ToString(CultureInfo.InvariantCulture)),
            ("queue.failureThreshold", r.Queue.FailureThreshold?.ToString(CultureInfo.InvariantCulture) ?? "default"),
            ("queue.retryBackoff", r.Queue.RetryBackoff is { } b ? Backoff(b) : "default"),
            ("finalizers", List(op.Finalizers)),
        ];
    }

    /// <summary>The Katalog-wide settings: <c>security</c> (absent = none) and the CRDs' shared <c>spec.finalizers</c>.</summary>
    public static IReadOnlyList<(string Key, string Value)> Of(CompiledKatalog katalog)
    {
        var doc = katalog.Source;
        var list = new List<(string, string)> { ("crossAccess", Bool(doc.CrossAccess)), ("spec.finalizers", List(doc.Finalizers)) };
        if (doc.Security is not { } sec) { list.Add(("security", "(none)")); return list; }
        var dp = sec.DeletionProtection;
        list.AddRange(
        [
            ("security.serviceName", sec.ServiceName ?? "(none)"),
            ("security.gatewayEndpoint", sec.GatewayEndpoint ?? "(none)"),
            ("security.deletionProtection", $"enabled={Bool(dp.Enabled)} failurePolicy={dp.FailurePolicy} "
                                            + $"cleanupOnShutdown={Bool(dp.CleanupOnShutdown)} strictMode={Bool(dp.StrictMode)}"),
            ("security.namespaceProtection", sec.NamespaceProtection is { } np
                ? $"enabled={Bool(np.Enabled)} restricted={List(np.RestrictedNamespaces)} allowed={List(np.AllowedNamespaces)} "
                  + $"failurePolicy={np.FailurePolicy} cleanupOnShutdown={Bool(np.CleanupOnShutdown)}"
                : "(none)"),
            ("security.webhooks", $"admission={Bool(sec.Webhooks.AdmissionEnabled)} failurePolicy={sec.Webhooks.FailurePolicy} "
                                  + $"serviceName={sec.Webhooks.ServiceName ?? "(none)"} "
                                  + $"cleanupOnShutdown={Bool(sec.Webhooks.CleanupOnShutdown)}"),
            ("security.conversion", $"enabled={Bool(sec.Conversion.Enabled)}"),
        ]);
        return list;
    }

    private static string Bool(bool value) => value ? "true" : "false";

    private static string List(IEnumerable<string> items)
    {
        var text = string.Join(", ", items);
        return text.Length == 0 ? "[]" : $"[{text}]";
    }

    private static string Map(IReadOnlyDictionary<string, string> map) =>
        map.Count == 0
            ? "(none)"
            : string.Join(",", map.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));

    private static string Backoff(RetryBackoff b)
    {
        var text = $"initial={Duration(b.Initial)}";
        if (b.Max is { } max) text += $" max={Duration(max)}";
        if (b.Multiplier is { } m) text += $" multiplier={m.ToString(CultureInfo.InvariantCulture)}";
        if (b.MaxAttempts is { } n) text += $" maxAttempts={n.ToString(CultureInfo.InvariantCulture)}";
        return text;
    }

    /// <summary>Go's duration form for whole seconds and up (<c>1h30m</c>, <c>45s</c>), milliseconds otherwise.</summary>
    internal static string Duration(TimeSpan value)
    {
        if (value.Ticks % TimeSpan.TicksPerSecond != 0) return $"{value.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms";
        if (value == TimeSpan.Zero) return "0s";
        var text = "";
        if ((int)value.TotalHours > 0) text += $"{(int)value.TotalHours}h";
        if (value.Minutes > 0) text += $"{value.Minutes}m";
        if (value.Seconds > 0) text += $"{value.Seconds}s";
        return text;
    }

    /// <summary><c>crd.yaml (sha256:0123456789ab)</c>; a file that cannot be read says so.</summary>
    private static string File(string directory, string path)
    {
        var name = Path.GetRelativePath(directory, path).Replace('\\', '/');
        try
        {
            using var stream = System.IO.File.OpenRead(path);
            return $"{name} (sha256:{Convert.ToHexStringLower(SHA256.HashData(stream))[..12]})";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{name} (unreadable: {e.Message})";
        }
    }
}
