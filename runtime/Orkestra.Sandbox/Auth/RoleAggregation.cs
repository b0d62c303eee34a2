using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Selectors;
using Orkestra.Sandbox.Api;
using Orkestra.Sandbox.Handlers;
using Orkestra.Sandbox.Lifecycle;
using Orkestra.Sandbox.Storage;

namespace Orkestra.Sandbox.Auth;

/// <summary>
/// kube's ClusterRole aggregation controller: a ClusterRole with an <c>aggregationRule</c> gets as its <c>rules</c> the
/// union, in ClusterRole name order without repeats, of the rules of every other ClusterRole matching one of its
/// <c>clusterRoleSelectors</c>. Runs on every ClusterRole write; a role whose rules already equal the union is not
/// written, so chains (view into edit into admin) settle after a few writes.
/// </summary>
internal sealed class RoleAggregation(ObjectService objects) : IController
{
    public void Handle(string table, StoreChange e)
    {
        if (table != RbacAuthorizer.ClusterRolesKey) return;
        var all = objects.Store.Table(RbacAuthorizer.ClusterRolesKey).Items.Values.OrderBy(r => r.Name, StringComparer.Ordinal).ToList();
        foreach (var aggregated in all.Where(r => r.Object["aggregationRule"] is JsonObject))
        {
            var errors = new List<Orkestra.ApiMachinery.Schema.FieldError>();
            var selectors = (Json.Path(aggregated.Object, "aggregationRule.clusterRoleSelectors") as JsonArray ?? [])
                .Select(s => LabelSelector.Parse(s, "aggregationRule.clusterRoleSelectors", errors)).ToList();
            if (errors.Count > 0) continue;
            var rules = new JsonArray();
            foreach (var source in all)
            {
                if (source.Name == aggregated.Name || !selectors.Any(s => s.Matches(source.Labels))) continue;
                foreach (var rule in source.Object["rules"] as JsonArray ?? [])
                {
                    if (!rules.Any(r => JsonNode.DeepEquals(r, rule))) rules.Add(rule?.DeepClone());
                }
            }
            if (JsonNode.DeepEquals(aggregated.Object["rules"] ?? new JsonArray(), rules)) continue;
            var type = objects.Registry.Current.Find(RbacAuthorizer.Group, "v1", "clusterroles")!;
            objects.Update(type, null, aggregated.Name, current =>
            {
                var next = current!.Clone();
                next["rules"] = rules.DeepClone();
                return next;
            }, WriteRequest.Internal("clusterrole-aggregation-controller"));
        }
    }
}
