using System.Text.Json.Nodes;
using Orkestra.Sandbox.Handlers;

namespace Orkestra.Sandbox.Lifecycle;

/// <summary>What exists in a fresh sandbox: the namespaces default, kube-system, kube-public and kube-node-lease.</summary>
internal static class Bootstrap
{
    public static void CreateNamespaces(ObjectService objects)
    {
        var type = objects.Registry.Current.Find("", "v1", "namespaces")!;
        foreach (var name in new[] { "default", "kube-system", "kube-public", "kube-node-lease" })
        {
            var ns = new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Namespace",
                ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = new JsonObject { ["kubernetes.io/metadata.name"] = name } },
            };
            objects.Create(type, null, ns, WriteRequest.Internal("kube-apiserver"));
        }
    }
}
