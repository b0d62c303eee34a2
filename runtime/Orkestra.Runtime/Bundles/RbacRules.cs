using Orkestra.ApiMachinery.Kinds;
using Orkestra.Katalog.Children;
using Orkestra.Katalog.Compilation;
using Orkestra.Katalog.Diagnostics;
using Orkestra.Katalog.Model;
using Orkestra.Katalog.Syntax;
using Orkestra.Runtime.Hosting;
using Orkestra.Runtime.Webhooks;

namespace Orkestra.Runtime.Bundles;

/// <summary>One RBAC rule and the runtime operation that needs it (<see cref="Needed"/>, e.g. "watch deployments.apps,
/// children of Website"). Verbs and resources sorted; <see cref="ResourceNames"/> empty = every name.</summary>
public sealed record BundleRule(string ApiGroup, string Resource, IReadOnlyList<string> Verbs, IReadOnlyList<string> ResourceNames,
    string Needed)
{
    /// <summary><c>resource.group</c> (just the resource for the core group).</summary>
    public string Describe() => ApiGroup.Length == 0 ? Resource : $"{Resource}.{ApiGroup}";
}

/// <summary>What <c>ork run</c> does in a cluster, as far as RBAC is concerned: the cluster-wide rules (informers list and
/// watch in every namespace) and the rules in the runtime's own namespace (the leader Lease).</summary>
public sealed record RbacPlan(IReadOnlyList<BundleRule> ClusterRules, IReadOnlyList<BundleRule> NamespaceRules);

/// <summary>
/// The least RBAC the runtime needs for compiled Katalogs, derived from the compiled model and the requests the runtime
/// makes (<see cref="OperatorHost"/> and what it starts), never from a hand list:
/// <list type="bullet">
/// <item>each CR: <c>list</c>/<c>watch</c> (its informer), <c>patch</c> (adoption: finalizer and labels; mutation;
/// finalizer release), <c>patch</c> on <c>/status</c> unless <c>ignoreStatusPatch</c>, and <c>update</c> on
/// <c>/finalizers</c> when it owns children (they carry <c>blockOwnerDeletion</c>, which the OwnerReferencesPermissionEnforcement
/// admission plugin checks against that subresource);</item>
/// <item>each child kind of onCreate/onReconcile: <c>list</c>/<c>watch</c> (the shared child informer; not for <c>custom</c>,
/// which has none), <c>create</c>/<c>patch</c> (server-side apply creates), <c>delete</c> when an entry of it can be
/// switched off (a <c>when</c> gate on it or its hook) or it is cluster-scoped (removed at finalization); onDelete kinds:
/// <c>delete</c>;</item>
/// <item>cross reads: <c>list</c>/<c>watch</c> of the CRD read; Events: <c>create</c>/<c>patch</c> (aggregation) and
/// <c>list</c> (<c>/katalog</c>'s CR detail);</item>
/// <item>webhooks, only when the Katalogs declare some (<see cref="WebhookPlan"/>): the Validating- and
/// MutatingWebhookConfigurations (<c>get list create update delete</c>), CRDs <c>list</c> (stale registrations),
/// <c>get</c>/<c>patch</c> when conversion or deletion protection patches them;</item>
/// <item>RBAC children: <c>escalate</c> on the role kinds created, <c>bind</c> on roles and clusterroles when bindings are;</item>
/// <item>the Lease with leader election: <c>create</c>, and <c>get update delete</c> on its name only (namespace rules);</item>
/// <item>with <c>--apply always</c> only: CRDs <c>get create patch</c> and <c>create patch</c> of each setup/crFiles kind.</item>
/// </list>
/// A kind whose REST resource cannot be known offline (a <c>custom</c> child of a kind that is neither built in nor one of
/// the Katalogs' CRDs, or a templated apiVersion/kind) is a located error.
/// </summary>
public static class RbacRules
{
    private const string Rbac = "rbac.authorization.k8s.io";

    /// <summary>Derives the rules; errors are added to <paramref name="diagnostics"/>.</summary>
    /// <param name="leaseName">The Lease name with leader election, null without.</param>
    /// <param name="applied">Kinds <c>--apply always</c> applies from setup/crFiles (apiVersion, kind, where), or null when
    /// nothing is applied.</param>
    public static RbacPlan For(IReadOnlyList<CompiledKatalog> katalogs, string? leaseName,
        IReadOnlyList<(string ApiVersion, string Kind, SourceLocation At)>? applied, DiagnosticBag diagnostics)
    {
        var cluster = new RuleSet();
        var operators = katalogs.SelectMany(k => k.Operators).Where(o => o.Settings.Enabled).ToArray();
        var crds = katalogs.SelectMany(k => k.Operators).Select(o => (o.ApiTypes, o.Settings.Namespaced)).ToArray();
        var roleKinds = new HashSet<string>(StringComparer.Ordinal);
        var bindings = false;
        foreach (var op in operators)
        {
            var api = op.ApiTypes;
            var kind = api.Kind;
            cluster.Add(api.Group, api.Plural, ["list", "watch"], $"list and watch {kind} (its informer)");
            cluster.Add(api.Group, api.Plural, ["patch"], $"patch {kind} (finalizer, labels, mutation)");
            if (!op.Settings.IgnoreStatusPatch)
                cluster.Add(api.Group, api.Plural + "/status", ["patch"], $"patch {kind} status");
            var owns = false;
            foreach (var hook in new[] { op.OnCreate, op.OnReconcile }.OfType<CompiledHook>())
            {
                foreach (var child in hook.Children)
                {
                    if (Resolve(child, crds, diagnostics) is not { } target) continue;
                    var what = $"{target.Kind} children of {kind}";
                    if (child.Kind.ApiVersion.Length > 0)
                        cluster.Add(target.Group, target.Plural, ["list", "watch"], $"list and watch {what}");
                    cluster.Add(target.Group, target.Plural, ["create", "patch"], $"apply {what}");
                    var deletable = !child.Gate.IsEmpty || !hook.Gate.IsEmpty || !target.Namespaced;
                    if (deletable) cluster.Add(target.Group, target.Plural, ["delete"], $"delete {what} (switched off or cluster-scoped)");
                    owns |= target.Namespaced && op.Settings.Namespaced;
                    if (target.Group == Rbac && target.Plural is "roles" or "clusterroles") roleKinds.Add(target.Plural);
                    if (target.Group == Rbac && target.Plural is "rolebindings" or "clusterrolebindings") bindings = true;
                }
            }
            if (owns)
                cluster.Add(api.Group, api.Plural + "/finalizers", ["update"], $"own children of {kind} (blockOwnerDeletion)");
            foreach (var child in op.OnDelete?.Children ?? [])
            {
                if (Resolve(child, crds, diagnostics) is not { } target) continue;
                cluster.Add(target.Group, target.Plural, ["delete"], $"delete {target.Kind} (onDelete of {kind})");
            }
            foreach (var cross in op.Cross)
            {
                var read = operators.FirstOrDefault(o => o.Name == cross.Source.Crd);
                if (read is not null)
                {
                    var api2 = read.ApiTypes;
                    cluster.Add(api2.Group, api2.Plural, ["list", "watch"], $"cross read of {api2.Kind} by {kind}");
                }
            }
        }
        if (operators.Length > 0)
        {
            cluster.Add("", "events", ["create", "patch"], "record Events");
            cluster.Add("", "events", ["list"], "list Events for /katalog");
        }
        foreach (var role in roleKinds.Order(StringComparer.Ordinal))
            cluster.Add(Rbac, role, ["escalate"], $"create {role} granting what the runtime does not hold");
        if (bindings)
        {
            cluster.Add(Rbac, "roles", ["bind"], "create bindings to roles");
            cluster.Add(Rbac, "clusterroles", ["bind"], "create bindings to clusterroles");
        }

        var plan = WebhookPlan.For(katalogs, new WebhookOptions());
        if (!plan.IsEmpty)
        {
            foreach (var resource in new[] { "validatingwebhookconfigurations", "mutatingwebhookconfigurations" })
                cluster.Add("admissionregistration.k8s.io", resource, ["get", "list", "create", "update", "delete"],
                    $"register {resource}");
            cluster.Add("apiextensions.k8s.io", "customresourcedefinitions", ["list"], "find CRDs a previous run patched");
            if (plan.Routes.Values.Any(r => r.Kind is WebhookKind.Convert or WebhookKind.DeletionProtection))
                cluster.Add("apiextensions.k8s.io", "customresourcedefinitions", ["get", "patch"],
                    "patch CRD conversion or the deletion-protection label");
        }
        if (applied is not null)
        {
            if (operators.Any(o => o.Settings.CrdFile is not null))
                cluster.Add("apiextensions.k8s.io", "customresourcedefinitions", ["get", "create", "patch"],
                    "apply crdFile (--apply always)");
            foreach (var (apiVersion, kind, at) in applied)
            {
                var group = GroupOf(apiVersion);
                if (Lookup(group, kind, crds) is { } target)
                    cluster.Add(target.Group, target.Plural, ["create", "patch"], $"apply {kind} (--apply always)");
                else diagnostics.Error(at, $"cannot tell the REST resource of {kind} ({apiVersion}) offline: it is neither built in " +
                                           "nor a CRD of the Katalogs");
            }
        }

        var local = new RuleSet();
        if (leaseName is not null && operators.Length > 0)
        {
            local.Add("coordination.k8s.io", "leases", ["create"], "create the leader Lease");
            local.Add("coordination.k8s.io", "leases", ["get", "update", "delete"], "hold and release the leader Lease", [leaseName]);
        }
        return new RbacPlan(cluster.Rules(), local.Rules());
    }

    private sealed record Target(string Group, string Kind, string Plural, bool Namespaced);

    private static Target? Resolve(CompiledChild child, IReadOnlyList<(ApiTypes Api, bool Namespaced)> crds, DiagnosticBag diagnostics)
    {
        var kind = child.Kind;
        if (kind.ApiVersion.Length > 0)
        {
            var slash = kind.ApiVersion.IndexOf('/', StringComparison.Ordinal);
            return new Target(slash < 0 ? "" : kind.ApiVersion[..slash], kind.Kind, kind.Resource, kind.Namespaced);
        }
        var apiVersion = child.Source.Body.Find("apiVersion")?.Value as YamlScalar;
        var kindName = child.Source.Body.Find("kind")?.Value as YamlScalar;
        foreach (var node in new[] { apiVersion, kindName })
        {
            if (node is { IsTemplate: true })
            {
                diagnostics.Error(node.Location, $"{child.Describe()}: a templated {(node == apiVersion ? "apiVersion" : "kind")} " +
                                                 "cannot be granted in advance; name the kind literally");
                return null;
            }
        }
        if (apiVersion is null || kindName is null) return null; // the compiler has reported the missing key
        var version = apiVersion.Value.Trim();
        var group = GroupOf(version);
        if (Lookup(group, kindName.Value.Trim(), crds) is { } found) return found;
        diagnostics.Error(kindName.Location, $"{child.Describe()}: cannot tell the REST resource of {kindName.Value} ({version}) " +
                                             "offline: it is neither built in nor a CRD of the Katalogs");
        return null;
    }

    private static string GroupOf(string apiVersion) =>
        apiVersion.IndexOf('/', StringComparison.Ordinal) is var slash and >= 0 ? apiVersion[..slash] : "";

    private static Target? Lookup(string group, string kind, IReadOnlyList<(ApiTypes Api, bool Namespaced)> crds)
    {
        foreach (var (api, namespaced) in crds)
        {
            if (api.Group == group && api.Kind == kind) return new Target(group, kind, api.Plural, namespaced);
        }
        if (BuiltInKinds.TryGet(group, kind, out var builtIn)) return new Target(group, kind, builtIn.Plural, builtIn.Namespaced);
        return null;
    }

    /// <summary>Rules keyed by (group, resource, names): verbs united, the first reason of each verb kept.</summary>
    private sealed class RuleSet
    {
        private readonly Dictionary<(string, string, string), (SortedSet<string> Verbs, List<string> Needed, string[] Names)> _rules = [];

        public void Add(string group, string resource, string[] verbs, string needed, string[]? names = null)
        {
            var key = (group, resource, string.Join(",", names ?? []));
            if (!_rules.TryGetValue(key, out var rule))
                _rules[key] = rule = (new SortedSet<string>(StringComparer.Ordinal), [], names ?? []);
            var added = false;
            foreach (var verb in verbs) added |= rule.Verbs.Add(verb);
            if (added && !rule.Needed.Contains(needed)) rule.Needed.Add(needed);
        }

        public IReadOnlyList<BundleRule> Rules() => _rules
            .OrderBy(r => r.Key.Item1, StringComparer.Ordinal).ThenBy(r => r.Key.Item2, StringComparer.Ordinal)
            .ThenBy(r => r.Key.Item3, StringComparer.Ordinal)
            .Select(r => new BundleRule(r.Key.Item1, r.Key.Item2, [.. r.Value.Verbs], r.Value.Names, string.Join("; ", r.Value.Needed)))
            .ToArray();
    }
}
