using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Kinds;
using Orkestra.ApiMachinery.Meta;
using static Orkestra.Katalog.Children.Coerce;

namespace Orkestra.Katalog.Children.Kinds;

/// <summary>services → v1 Service. Defaults: name &lt;cr&gt;-svc, ClusterIP, targetPort = port, selector = the CR's pods.</summary>
internal sealed class ServiceKind() : ChildKindBase("services", BuiltInKinds.Get("", "Service"), "service", "services", "svc",
    new ChildField("type", FieldType.String), new ChildField("headless", FieldType.Bool), new ChildField("protocol", FieldType.String),
    new ChildField("port", FieldType.Int, Required: true), new ChildField("targetPort", FieldType.IntOrString),
    new ChildField("nodePort", FieldType.Int), new ChildField("portName", FieldType.String),
    new ChildField("selector", FieldType.StringMap), new ChildField("annotations", FieldType.StringMap))
{
    protected override void BuildBody(JsonObject obj, JsonObject entry, ChildBuildContext context, string name)
    {
        var port = Int(entry, "port") ?? throw new ChildBuildException("port", "port: required");
        if (port is < 1 or > 65535) throw new ChildBuildException("port", $"port: {port} is not between 1 and 65535");
        var type = Text(entry, "type") ?? "ClusterIP";
        if (type is not ("ClusterIP" or "NodePort" or "LoadBalancer"))
            throw new ChildBuildException("type", $"type: \"{type}\" is not ClusterIP, NodePort or LoadBalancer");
        var protocol = (Text(entry, "protocol") ?? "TCP").ToUpperInvariant();
        var servicePort = new JsonObject
        {
            ["name"] = Text(entry, "portName") ?? (protocol == "TCP" ? "tcp" : protocol.ToLowerInvariant()) + "-" + port,
            ["port"] = port,
            ["targetPort"] = IntOrString(entry, "targetPort") ?? JsonValue.Create(port),
            ["protocol"] = protocol,
        };
        if (Int(entry, "nodePort") is { } nodePort) servicePort["nodePort"] = nodePort;
        var spec = new JsonObject
        {
            ["type"] = type,
            ["selector"] = StringMap(entry, "selector")
                ?? new JsonObject { [WellKnownLabels.Owner] = WellKnownLabels.OwnerValue(context.Owner.Name) },
            ["ports"] = new JsonArray(servicePort),
        };
        if (Bool(entry, "headless") == true)
        {
            if (type != "ClusterIP") throw new ChildBuildException("headless", "headless: only a ClusterIP service can be headless");
            spec["clusterIP"] = "None";
        }
        obj["spec"] = spec;
    }
}

/// <summary>ingresses → networking.k8s.io/v1 Ingress, one rule and backend per entry. Defaults: path "/", pathType Prefix.</summary>
internal sealed class IngressKind() : ChildKindBase("ingresses", BuiltInKinds.Get("networking.k8s.io", "Ingress"),
    "ingress", "ingresses", "ingress",
    new ChildField("host", FieldType.String), new ChildField("serviceName", FieldType.String), new ChildField("servicePort",
        FieldType.IntOrString, Required: true),
    new ChildField("path", FieldType.String), new ChildField("pathType", FieldType.String), new ChildField("className", FieldType.String),
    new ChildField("annotations", FieldType.StringMap), new ChildField("tls", FieldType.Object))
{
    protected override void BuildBody(JsonObject obj, JsonObject entry, ChildBuildContext context, string name)
    {
        var servicePort = IntOrString(entry, "servicePort") ?? throw new ChildBuildException("servicePort", "servicePort: required");
        var pathType = Text(entry, "pathType") ?? "Prefix";
        if (pathType is not ("Prefix" or "Exact" or "ImplementationSpecific"))
            throw new ChildBuildException("pathType", $"pathType: \"{pathType}\" is not Prefix, Exact or ImplementationSpecific");
        var port = servicePort.GetValueKind() == System.Text.Json.JsonValueKind.Number
            ? new JsonObject { ["number"] = servicePort }
            : new JsonObject { ["name"] = servicePort };
        var rule = new JsonObject
        {
            ["http"] = new JsonObject
            {
                ["paths"] = new JsonArray(new JsonObject
                {
                    ["path"] = Text(entry, "path") ?? "/",
                    ["pathType"] = pathType,
                    ["backend"] = new JsonObject
                    {
                        ["service"] = new JsonObject { ["name"] = Text(entry, "serviceName") ?? $"{context.Owner.Name}-svc",
                            ["port"] = port },
                    },
                }),
            },
        };
        Put(rule, "host", Text(entry, "host"));
        var spec = new JsonObject { ["rules"] = new JsonArray(rule) };
        Put(spec, "ingressClassName", Text(entry, "className"));
        if (Section(entry, "tls", "create", "secretName", "hosts") is { } tls)
        {
            if (Bool(tls["create"], "tls.create") == true) throw new ChildBuildException("tls.create",
                "tls.create: generating the certificate is not supported yet; declare a secrets entry with tls: and use secretName");
            var hosts = StringList(tls["hosts"], "tls.hosts") ?? (Text(entry,
                "host") is { Length: > 0 } h ? new JsonArray(h) : new JsonArray());
            var item = new JsonObject { ["hosts"] = hosts };
            Put(item, "secretName", Text(tls["secretName"], "tls.secretName"));
            spec["tls"] = new JsonArray(item);
        }
        obj["spec"] = spec;
    }
}

/// <summary>networkPolicies → networking.k8s.io/v1 NetworkPolicy. podSelector {} = all pods; policyTypes derived from the rules
/// given.</summary>
internal sealed class NetworkPolicyKind() : ChildKindBase("networkPolicies", BuiltInKinds.Get("networking.k8s.io", "NetworkPolicy"),
    "networkpolicy", "networkpolicies", "netpol",
    new ChildField("podSelector", FieldType.StringMap), new ChildField("ingress", FieldType.List), new ChildField("egress", FieldType.List),
    new ChildField("policyTypes", FieldType.StringList))
{
    protected override void BuildBody(JsonObject obj, JsonObject entry, ChildBuildContext context, string name)
    {
        var spec = new JsonObject { ["podSelector"] = new JsonObject { ["matchLabels"] = StringMap(entry,
            "podSelector") ?? new JsonObject() } };
        var ingress = List(entry, "ingress");
        var egress = List(entry, "egress");
        Put(spec, "ingress", ingress);
        Put(spec, "egress", egress);
        var types = StringList(entry, "policyTypes");
        if (types is null)
        {
            types = new JsonArray();
            if (ingress is not null || egress is null) types.AddNode(JsonValue.Create("Ingress"));
            if (egress is not null) types.AddNode(JsonValue.Create("Egress"));
        }
        spec["policyTypes"] = types;
        obj["spec"] = spec;
    }
}
