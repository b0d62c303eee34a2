using Orkestra.Templating.Values;
using static Orkestra.Templating.Functions.Library.ObjectAccess;

namespace Orkestra.Templating.Functions.Library;

/// <summary>Ingress (networking.k8s.io/v1) helpers. <c>ingressLoadBalancerIPs</c> and <c>ingressTLSSecretCount</c> read enrichment
/// <c>_loadBalancerIPs</c> and <c>_tlsSecrets</c> (enrich: ingress).</summary>
internal static class Ingress
{
    private const string C = "ingress";

    public static void Register(FunctionRegistry r)
    {
        r.ObjString(C, "ingressClassName", "spec.ingressClassName, or \"\"", o => Text(o, "spec", "ingressClassName"));
        r.ObjString(C, "ingressHost", "status.loadBalancer.ingress[0].hostname, or \"\"", o => Services.LoadBalancer(o, "hostname"));
        r.ObjString(C, "ingressIP", "status.loadBalancer.ingress[0].ip, or \"\" while provisioning", o => Services.LoadBalancer(o, "ip"));
        r.ObjBool(C, "ingressReady", "true when a load-balancer IP or hostname has been assigned",
            o => Items(o, "status", "loadBalancer", "ingress").Any(i => Text(i, "ip").Length > 0 || Text(i, "hostname").Length > 0));
        r.ObjString(C, "ingressRules", "the hosts of spec.rules, comma-separated (catch-all rules omitted)",
            o => Csv(Items(o, "spec", "rules").Select(x => Text(x, "host"))));
        r.ObjString(C, "ingressTLSHosts", "the hosts of spec.tls, comma-separated",
            o => Csv(Items(o, "spec", "tls").SelectMany(t => Items(t, "hosts")).Select(Text)));
        r.ObjString(C, "ingressLoadBalancerIPs", "every load-balancer IP and hostname, comma-separated (enrichment _loadBalancerIPs)",
            o => Csv(Items(o, "_loadBalancerIPs").Select(GoValues.Format)));
        r.ObjInt(C, "ingressTLSSecretCount", "the number of TLS secrets found (enrichment _tlsSecrets)",
            o => Items(o, "_tlsSecrets").Count());
    }
}
