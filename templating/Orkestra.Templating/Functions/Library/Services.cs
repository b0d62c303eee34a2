using Fluid.Values;
using Orkestra.Templating.Values;
using static Orkestra.Templating.Functions.Library.Args;
using static Orkestra.Templating.Functions.Library.ObjectAccess;

namespace Orkestra.Templating.Functions.Library;

/// <summary>
/// Service helpers. Endpoint and backing-pod helpers read the enrichment keys <c>_endpoints</c> (a list of
/// <c>{ip, port, ready}</c>, or an Endpoints object with <c>subsets</c>) and <c>_backingPods</c> (pod summaries);
/// without enrichment they report no endpoints.
/// </summary>
internal static class Services
{
    private const string C = "services";

    public static void Register(FunctionRegistry r)
    {
        r.ObjString(C, "serviceClusterIP", "spec.clusterIP of a Service, or \"\" before it is assigned", o => Text(o, "spec", "clusterIP"));
        r.Add(C, "serviceNodePort", "serviceNodePort OBJ [PORTNAME]",
            "the nodePort of the first port (or of the port named PORTNAME); 0 before it is assigned", 1, 2, ValueShape.Number, (a, in _) =>
        {
            var ports = Items(a[0], "spec", "ports");
            var wanted = a.Length == 2 ? Str(a[1]) : null;
            var port = wanted is null ? ports.FirstOrDefault() : ports.FirstOrDefault(p => Text(p, "name") == wanted);
            return GoValues.Number(port is null ? 0 : Long(port, "nodePort"));
        });
        r.ObjString(C, "serviceLoadBalancerIP", "status.loadBalancer.ingress[0].ip of a Service, or \"\" while provisioning",
            o => LoadBalancer(o, "ip"));
        r.ObjString(C, "serviceLoadBalancerHost", "status.loadBalancer.ingress[0].hostname of a Service, or \"\"",
            o => LoadBalancer(o, "hostname"));
        r.ObjBool(C, "endpointsReady", "true when the Service's endpoints (enrichment _endpoints) have a ready address",
            o => Endpoints(o).Any(e => e.Ready));
        r.ObjBool(C, "hasEndpoints", "true when enrichment _endpoints holds at least one ready endpoint",
            o => Endpoints(o).Any(e => e.Ready));
        r.ObjString(C, "serviceEndpoints", "every endpoint as \"ip:port, …\" (enrichment _endpoints)",
            o => Csv(Endpoints(o).Select(e => e.Address)));
        r.ObjInt(C, "serviceEndpointCount", "the number of endpoints (enrichment _endpoints)", o => Endpoints(o).Count());
        r.ObjString(C, "serviceFirstEndpoint", "the first endpoint as \"ip:port\", or \"\" (enrichment _endpoints)",
            o => Endpoints(o).Select(e => e.Address).FirstOrDefault() ?? "");
        r.ObjInt(C, "backingPodCount", "the number of pods the Service selects (enrichment _backingPods)",
            o => Items(o, "_backingPods").Count());
        r.ObjString(C, "backingPodNames", "the names of the pods the Service selects, comma-separated (enrichment _backingPods)",
            o => Csv(Items(o, "_backingPods").Select(p => Text(p, "name") is { Length: > 0 } n ? n : Text(p, "metadata", "name"))));
    }

    /// <summary>status.loadBalancer.ingress[0].FIELD (Services and Ingresses share the shape).</summary>
    public static string LoadBalancer(FluidValue obj, string field) =>
        Text(GoValues.ListItem(Path(obj, "status", "loadBalancer", "ingress"), 0), field);

    private readonly record struct Endpoint(string Address, bool Ready);

    private static IEnumerable<Endpoint> Endpoints(FluidValue obj)
    {
        var raw = Path(obj, "_endpoints");
        if (GoValues.Kind(raw) == GoKind.List)
        {
            foreach (var e in GoValues.EnumerateList(raw))
            {
                var ready = Path(e, "ready");
                yield return new(Address(Text(e, "ip"), Text(e, "port")), GoValues.Kind(ready) != GoKind.Bool || ready.ToBooleanValue());
            }
            yield break;
        }
        foreach (var subset in Items(raw, "subsets"))
        {
            var port = Text(GoValues.ListItem(Path(subset, "ports"), 0), "port");
            foreach (var addr in Items(subset, "addresses")) yield return new(Address(Text(addr, "ip"), port), true);
            foreach (var addr in Items(subset, "notReadyAddresses")) yield return new(Address(Text(addr, "ip"), port), false);
        }
    }

    private static string Address(string ip, string port) => port.Length == 0 ? ip : $"{ip}:{port}";
}
