using System.Text.Json;
using Orkestra.Katalog.Compilation;
using Orkestra.Runtime.Webhooks;

namespace Orkestra.Runtime.Tests.Webhooks;

/// <summary>A Katalog declaring every kind of webhook (validation with deny and warn, mutation, conversion, namespace and
/// deletion protection), and helpers to build reviews for it.</summary>
internal static class WebhookKatalog
{
    public const string Text = """
        apiVersion: orkestra.orkspace.io/v1
        kind: Katalog
        metadata: {name: shop}
        spec:
          crds:
            website:
              apiTypes: {group: demo.orkestra.io, version: v1, kind: Website, plural: websites}
              restrictedNamespaces: ["kube-*"]
              validation:
                rules:
                  - field: spec.image
                    prefix: "myorg/"
                    message: "images must come from myorg/, not {{ .spec.image }}"
                  - field: spec.replicas
                    lessThanOrEqual: "5"
                    message: "more than 5 replicas needs a review"
                    action: warn
              mutation:
                rules:
                  - field: spec.tier
                    default: standard
                  - field: metadata.labels.team
                    override: web
                  - field: spec.port
                    default: "8080"
                    valueType: int
                    fires: {reconcile: false}
              conversion:
                storageVersion: v1
                paths:
                  - from: v1
                    to: v2
                    spec:
                      image: "{{ .spec.image }}"
                      scale: {replicas: "{{ .spec.replicas }}"}
                  - from: v2
                    to: v1
                    spec:
                      image: "{{ .spec.image }}"
                      replicas: "{{ .spec.scale.replicas }}"
                  - from: v2
                    to: v3
                    spec:
                      image: "{{ .spec.image }}"
                      count: "{{ .spec.scale.replicas }}"
                  - from: v1
                    to: v4
                    spec:
                      image: "{{ .spec.image }}"
                      total: "{{ .spec.replicas }}"
                  - from: v1
                    to: v9
                    spec:
                      image: "{{ index .spec.tags 5 }}"
              operatorBox:
                onReconcile:
                  configMaps:
                    - name: "{{ .metadata.name }}"
                      data: {image: "{{ .spec.image }}"}
        security:
          deletionProtection: {strictMode: true}
          webhooks:
            admission: {enabled: true}
          conversion: {enabled: true}
        """;

    public static CompiledKatalog Compile(string text = Text)
    {
        var compiled = KatalogCompiler.CompileText(text, "katalog.yaml");
        compiled.HasErrors.ShouldBeFalse(string.Join("\n", compiled.Diagnostics));
        return compiled.Katalogs[0];
    }

    public static WebhookPlan Plan(string text = Text, WebhookOptions? options = null) =>
        WebhookPlan.For([Compile(text)], options ?? new WebhookOptions());

    public static string Website(string spec, string ns = "default", string name = "web", string labels = "{}", string version = "v1") =>
        "{\"apiVersion\":\"demo.orkestra.io/" + version + "\",\"kind\":\"Website\","
        + "\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + ns + "\",\"labels\":" + labels + "},\"spec\":" + spec + "}";

    /// <summary>An AdmissionReview as kube-apiserver sends it.</summary>
    public static string Review(string operation, string? obj, string? old = null, string ns = "default", string name = "web",
        string group = "demo.orkestra.io", string kind = "Website", string resource = "websites", bool dryRun = false) =>
        $$"""
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{
          "uid":"u-{{operation}}","kind":{"group":"{{group}}","version":"v1","kind":"{{kind}}"},
          "resource":{"group":"{{group}}","version":"v1","resource":"{{resource}}"},
          "requestKind":{"group":"{{group}}","version":"v1","kind":"{{kind}}"},
          "name":"{{name}}","namespace":"{{ns}}","operation":"{{operation}}","userInfo":{"username":"admin"},
          "object":{{obj ?? "null"}},"oldObject":{{old ?? "null"}},"dryRun":{{(dryRun ? "true" : "false")}},"options":null}
        }
        """;

    public static AdmissionRequest Request(string review) => AdmissionRequest.Parse(JsonDocument.Parse(review).RootElement.Clone());

    public static string ConversionReview(string desired, params string[] objects) =>
        $$$"""
        {"apiVersion":"apiextensions.k8s.io/v1","kind":"ConversionReview",
         "request":{"uid":"c-1","desiredAPIVersion":"{{{desired}}}","objects":[{{{string.Join(",", objects)}}}]}
        }
        """;
}
