using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Orkestra.Footprint.Runs;

/// <summary>One generated CRD of the workload: kind <c>WidgetNN</c> in group <see cref="Workload.Group"/>.</summary>
internal sealed record WidgetType(int Index)
{
    public string Kind => $"Widget{Index:00}";
    public string Plural => $"widget{Index:00}s";
    public string Key => $"widget{Index:00}";
    public string CrdName => $"{Plural}.{Workload.Group}";
    public string ListPath => $"/apis/{Workload.Group}/{Workload.Version}/{Plural}";
    public string CreatePath(string ns) => $"/apis/{Workload.Group}/{Workload.Version}/namespaces/{ns}/{Plural}";
}

/// <summary>
/// The footprint workload: N CRDs (<c>widgetNN.footprint.orkestra.io</c>, spec image/replicas/port, status
/// subresource) and M CRs each, plus the Katalog that serves them with a realistic operatorBox — Deployment, Service
/// and ConfigMap per CR, two status fields (phase, endpoint) and the Ready condition. Pure text generation.
/// </summary>
internal static class Workload
{
    public const string Group = "footprint.orkestra.io";
    public const string Version = "v1";
    public const string Namespace = "default";

    /// <summary>Children per CR (Deployment, Service, ConfigMap).</summary>
    public const int ChildrenPerCr = 3;

    public static IReadOnlyList<WidgetType> Types(int count) => Enumerable.Range(0, count).Select(i => new WidgetType(i)).ToArray();

    public static JsonObject Crd(WidgetType type) => new()
    {
        ["apiVersion"] = "apiextensions.k8s.io/v1",
        ["kind"] = "CustomResourceDefinition",
        ["metadata"] = new JsonObject { ["name"] = type.CrdName },
        ["spec"] = new JsonObject
        {
            ["group"] = Group,
            ["scope"] = "Namespaced",
            ["names"] = new JsonObject
            {
                ["kind"] = type.Kind, ["plural"] = type.Plural, ["singular"] = type.Key, ["listKind"] = type.Kind + "List",
            },
            ["versions"] = new JsonArray(new JsonObject
            {
                ["name"] = Version,
                ["served"] = true,
                ["storage"] = true,
                ["subresources"] = new JsonObject { ["status"] = new JsonObject() },
                ["schema"] = new JsonObject
                {
                    ["openAPIV3Schema"] = new JsonObject
                    {
                        ["type"] = "object",
                        ["properties"] = new JsonObject
                        {
                            ["spec"] = new JsonObject
                            {
                                ["type"] = "object",
                                ["required"] = new JsonArray("image"),
                                ["properties"] = new JsonObject
                                {
                                    ["image"] = new JsonObject { ["type"] = "string" },
                                    ["replicas"] = new JsonObject { ["type"] = "integer", ["minimum"] = 0, ["default"] = 1 },
                                    ["port"] = new JsonObject { ["type"] = "integer", ["minimum"] = 1, ["maximum"] = 65535, ["default"] = 8080 },
                                },
                            },
                            ["status"] = new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true },
                        },
                    },
                },
            }),
        },
    };

    /// <summary>Unique across CRDs too: children are named after their CR, so two CRDs' CRs must never share a name
    /// (they would share — and fight over — the same Deployment, Service and ConfigMap).</summary>
    public static string CrName(WidgetType type, int index) => $"{type.Key}-{index:0000}";

    public static JsonObject Cr(WidgetType type, int index) => new()
    {
        ["apiVersion"] = $"{Group}/{Version}",
        ["kind"] = type.Kind,
        ["metadata"] = new JsonObject { ["name"] = CrName(type, index), ["namespace"] = Namespace },
        ["spec"] = new JsonObject { ["image"] = "nginx:1.27", ["replicas"] = 1 + index % 3, ["port"] = 8080 },
    };

    /// <summary>The Katalog for <paramref name="types"/>; each CRD names its crdFile <c>crds/KEY.yaml</c> (written by
    /// <see cref="WriteFiles"/>). With <paramref name="webhooks"/> every CRD also declares <see cref="AdmissionRules"/>,
    /// served by ork's webhook listener and registered with the API server.</summary>
    public static string Katalog(IReadOnlyList<WidgetType> types, TimeSpan resync, bool webhooks = false)
    {
        var sb = new StringBuilder();
        sb.Append("""
            apiVersion: orkestra.orkspace.io/v1
            kind: Katalog
            metadata:
              name: footprint
            spec:
              crds:

            """);
        var resyncText = ((int)resync.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s";
        foreach (var t in types)
        {
            sb.Append(CultureInfo.InvariantCulture, $$$"""
                    {{{t.Key}}}:
                      apiTypes: {group: {{{Group}}}, version: {{{Version}}}, kind: {{{t.Kind}}}, plural: {{{t.Plural}}}}
                      crdFile: crds/{{{t.Key}}}.yaml
                      resync: {{{resyncText}}}
                {{{(webhooks ? AdmissionRules : "")}}}      operatorBox:
                        onReconcile:
                          deployments:
                            - name: "{{ .metadata.name }}"
                              image: "{{ .spec.image }}"
                              replicas: "{{ .spec.replicas }}"
                              port: "{{ .spec.port }}"
                          services:
                            - name: "{{ .metadata.name }}"
                              port: 80
                              targetPort: "{{ .spec.port }}"
                          configMaps:
                            - name: "{{ .metadata.name }}-config"
                              data:
                                image: "{{ .spec.image }}"
                                port: "{{ .spec.port }}"
                        status:
                          conditions: true
                          fields:
                            - path: phase
                              value: Active
                            - path: endpoint
                              value: "{{ .metadata.name }}.{{ .metadata.namespace }}.svc.cluster.local"

                """);
        }
        if (webhooks) sb.Append("security:\n  webhooks:\n    admission: {enabled: true}\n");
        return sb.ToString();
    }

    /// <summary>Five validation rules that every workload CR passes (so each create is admitted, as in a healthy cluster)
    /// and one mutation default: the admission work of a typical CRD. Indented for a CRD entry of <see cref="Katalog"/>.</summary>
    public const string AdmissionRules = """
              validation:
                rules:
                  - {field: spec.image, prefix: "nginx", message: "images must be nginx, not {{ .spec.image }}"}
                  - {field: spec.image, notContains: "latest", message: "pin the image tag"}
                  - {field: spec.replicas, lessThanOrEqual: "10", message: "at most 10 replicas"}
                  - {field: spec.port, greaterThanOrEqual: "1024", message: "unprivileged ports only"}
                  - {field: metadata.name, regex: "^widget", message: "names start with widget"}
              mutation:
                rules:
                  - {field: spec.replicas, default: "1", valueType: int}

        """;

    /// <summary>Writes katalog.yaml and crds/KEY.yaml (JSON, which is YAML) under <paramref name="directory"/>; returns the Katalog path.</summary>
    public static string WriteFiles(string directory, IReadOnlyList<WidgetType> types, TimeSpan resync, bool webhooks = false)
    {
        Directory.CreateDirectory(Path.Combine(directory, "crds"));
        foreach (var t in types) File.WriteAllText(Path.Combine(directory, "crds", t.Key + ".yaml"), Crd(t).ToJsonString());
        var katalog = Path.Combine(directory, "katalog.yaml");
        File.WriteAllText(katalog, Katalog(types, resync, webhooks));
        return katalog;
    }
}
