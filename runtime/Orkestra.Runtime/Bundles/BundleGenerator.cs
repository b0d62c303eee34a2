using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Orkestra.Katalog.Compilation;
using Orkestra.Katalog.Diagnostics;
using Orkestra.Runtime.Cluster;
using Orkestra.Runtime.Hosting;
using Orkestra.Runtime.Webhooks;

namespace Orkestra.Runtime.Bundles;

/// <summary>What <c>ork generate bundle</c> was asked for (its flags).</summary>
public sealed record BundleOptions
{
    public string Namespace { get; init; } = "orkestra-system";

    /// <summary>Name of the ServiceAccount, roles, Deployment, Service and PodDisruptionBudget (and the Service the
    /// webhooks are registered at).</summary>
    public string Name { get; init; } = "orkestra";

    public string Image { get; init; } = "orkestra-aot:latest";

    public int Replicas { get; init; } = 1;

    /// <summary>null: on exactly when <see cref="Replicas"/> &gt; 1.</summary>
    public bool? LeaderElection { get; init; }

    /// <summary><c>--apply always</c> in the pod: the runtime applies crdFile/setup/crFiles itself (and needs RBAC for
    /// them); otherwise the bundle carries the CRDs.</summary>
    public bool ApplyAlways { get; init; }

    /// <summary>A ConfigMap that already holds the files (same keys); the bundle then has none of its own.</summary>
    public string? ExistingConfigMap { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>> Env { get; init; } = [];

    public string CpuRequest { get; init; } = "50m";

    public string MemoryRequest { get; init; } = "64Mi";

    public string MemoryLimit { get; init; } = "128Mi";
}

/// <summary>
/// Builds the bundle: first the chart's values (<see cref="Values"/>: every input the Helm chart in
/// <c>deploy/helm/orkestra-aot</c> consumes, RBAC rules and files included), then the documents from those values
/// (<see cref="Documents"/>), in the order <c>kubectl apply</c> needs: Namespace, CRDs, ServiceAccount, ClusterRole and
/// binding, Role and binding (leader election), ConfigMap, Service, Deployment, PodDisruptionBudget. The chart's
/// templates restate <see cref="Documents"/> field for field (a test renders both and compares).
/// </summary>
public static class BundleGenerator
{
    public const string MountPath = "/etc/orkestra";
    public const int HttpPort = 8080;

    /// <summary>kube's limit on a ConfigMap's data.</summary>
    private const int MaxConfigMapBytes = 1024 * 1024;

    /// <summary>The chart values for <paramref name="katalogs"/>, or null after adding errors to <paramref name="diagnostics"/>.</summary>
    public static JsonObject? Values(IReadOnlyList<CompiledKatalog> katalogs, BundleOptions options, DiagnosticBag diagnostics)
    {
        var leader = options.LeaderElection ?? options.Replicas > 1;
        var leaseName = leader ? OperatorHost.DefaultLeaseName(katalogs.Select(k => k.Name)) : null;
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var items = new JsonArray();
        var args = new JsonArray();
        var folders = new HashSet<string>(StringComparer.Ordinal);
        foreach (var katalog in katalogs)
        {
            var folder = katalog.Name;
            for (var n = 2; !folders.Add(folder); n++) folder = $"{katalog.Name}-{n}";
            var root = Path.GetDirectoryName(Path.GetFullPath(katalog.Source.File)) ?? "";
            foreach (var (file, at) in Referenced(katalog))
            {
                var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
                if (relative.StartsWith("../", StringComparison.Ordinal) || Path.IsPathRooted(relative))
                {
                    diagnostics.Error(at, $"'{file}' is outside the Katalog's folder {root}: a ConfigMap mount cannot place it next to " +
                                          "the Katalog; move it under that folder");
                    continue;
                }
                var key = $"{folder}.{relative.Replace('/', '.')}";
                if (!IsConfigMapKey(key))
                {
                    diagnostics.Error(at, $"'{relative}' does not make a ConfigMap key ({key}: letters, digits, '-', '_', '.' only)");
                    continue;
                }
                if (files.ContainsKey(key)) continue;
                string text;
                try
                {
                    text = File.ReadAllText(file);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    diagnostics.Error(at, $"cannot read {file}: {e.Message}");
                    continue;
                }
                files[key] = text;
                items.Add((JsonNode)new JsonObject { ["key"] = key, ["path"] = $"{folder}/{relative}" });
                if (file == Path.GetFullPath(katalog.Source.File))
                {
                    args.Add((JsonNode)JsonValue.Create("-k"));
                    args.Add((JsonNode)JsonValue.Create($"{MountPath}/{folder}/{relative}"));
                }
            }
        }
        var size = files.Sum(f => Encoding.UTF8.GetByteCount(f.Key) + Encoding.UTF8.GetByteCount(f.Value));
        if (size > MaxConfigMapBytes && katalogs.Count > 0)
            diagnostics.Error(new SourceLocation(katalogs[0].Source.File, 1, 1),
                $"the Katalogs and their files take {size} bytes; a ConfigMap holds at most {MaxConfigMapBytes}");

        var crdDocuments = new JsonArray();
        List<(string, string, SourceLocation)>? applied = null;
        var operators = katalogs.SelectMany(k => k.Operators).Where(o => o.Settings.Enabled).ToArray();
        var crdFiles = operators.Select(o => o.Settings.CrdFile).OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
        if (options.ApplyAlways)
        {
            var plan = operators.SelectMany(o => o.Settings.Setup.Concat(o.Settings.CrFiles)).Distinct(StringComparer.Ordinal);
            applied = ManifestApplier.Load(plan, diagnostics)
                .Select(m => ((string?)m.Body["apiVersion"] ?? "", m.Kind, m.Location)).Distinct().ToList();
        }
        else
        {
            foreach (var crd in ManifestApplier.Load(crdFiles, diagnostics)) crdDocuments.Add(crd.Body.DeepClone());
        }
        var rbac = RbacRules.For(katalogs, leaseName, applied, diagnostics);
        if (diagnostics.HasErrors) return null;

        var webhooks = !WebhookPlan.For(katalogs, new WebhookOptions()).IsEmpty;
        var serviceNames = katalogs
            .Select(k => k.Source.Security?.Webhooks.ServiceName ?? k.Source.Security?.ServiceName)
            .OfType<string>().Where(s => s != options.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var env = new JsonArray();
        foreach (var (name, value) in options.Env) env.Add((JsonNode)new JsonObject { ["name"] = name, ["value"] = value });
        var data = new JsonObject();
        foreach (var (key, text) in files) data[key] = text;
        return new JsonObject
        {
            ["name"] = options.Name,
            ["createNamespace"] = true,
            ["image"] = options.Image,
            ["replicas"] = options.Replicas,
            ["leaderElection"] = leader,
            ["applyAlways"] = options.ApplyAlways,
            ["resources"] = new JsonObject
            {
                ["requests"] = new JsonObject { ["cpu"] = options.CpuRequest, ["memory"] = options.MemoryRequest },
                ["limits"] = new JsonObject { ["memory"] = options.MemoryLimit },
            },
            ["env"] = env,
            ["webhooks"] = new JsonObject
            {
                ["enabled"] = webhooks,
                ["port"] = WebhookOptions.DefaultPort,
                ["extraServiceNames"] = new JsonArray([.. serviceNames.Select(s => (JsonNode)s)]),
            },
            ["katalog"] = new JsonObject
            {
                ["existingConfigMap"] = options.ExistingConfigMap ?? "",
                ["configMapName"] = options.ExistingConfigMap ?? $"{options.Name}-katalog",
                ["files"] = data,
                ["items"] = items,
                ["args"] = args,
                ["checksum"] = Checksum(files),
            },
            ["crds"] = crdDocuments,
            ["rbac"] = new JsonObject
            {
                ["clusterRules"] = Rules(rbac.ClusterRules),
                ["namespaceRules"] = Rules(rbac.NamespaceRules),
            },
        };
    }

    /// <summary>The bundle's documents from the chart values, for the runtime namespace <paramref name="ns"/>.</summary>
    public static IReadOnlyList<JsonObject> Documents(JsonObject values, string ns)
    {
        var name = (string)values["name"]!;
        var katalog = values["katalog"]!.AsObject();
        var webhooks = values["webhooks"]!.AsObject();
        var webhooksOn = (bool)webhooks["enabled"]!;
        var leader = (bool)values["leaderElection"]!;
        var namespaceRules = values["rbac"]!["namespaceRules"]!.AsArray();
        var docs = new List<JsonObject>();
        if ((bool)values["createNamespace"]!)
            docs.Add(Object("v1", "Namespace", Meta(ns, null, name)));
        foreach (var crd in values["crds"]!.AsArray()) docs.Add(crd!.DeepClone().AsObject());
        docs.Add(Object("v1", "ServiceAccount", Meta(name, ns, name)));
        var clusterRules = Clone(values["rbac"]!["clusterRules"]);
        docs.Add(Object("rbac.authorization.k8s.io/v1", "ClusterRole", Meta(name, null, name), ("rules", clusterRules)));
        docs.Add(Object("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", Meta(name, null, name),
            ("roleRef", RoleRef("ClusterRole", name)), ("subjects", Subjects(name, ns))));
        if (namespaceRules.Count > 0)
        {
            docs.Add(Object("rbac.authorization.k8s.io/v1", "Role", Meta(name, ns, name), ("rules", Clone(namespaceRules))));
            docs.Add(Object("rbac.authorization.k8s.io/v1", "RoleBinding", Meta(name, ns, name),
                ("roleRef", RoleRef("Role", name)), ("subjects", Subjects(name, ns))));
        }
        if (((string)katalog["existingConfigMap"]!).Length == 0)
            docs.Add(Object("v1", "ConfigMap", Meta((string)katalog["configMapName"]!, ns, name), ("data", Clone(katalog["files"]))));
        var servicePorts = new JsonArray(Port("http", HttpPort));
        if (webhooksOn) servicePorts.Add((JsonNode)Port("webhooks", (int)webhooks["port"]!));
        var serviceNames = new List<string> { name };
        serviceNames.AddRange(webhooks["extraServiceNames"]!.AsArray().Select(n => (string)n!));
        foreach (var service in serviceNames)
        {
            docs.Add(Object("v1", "Service", Meta(service, ns, name),
                ("spec", new JsonObject { ["selector"] = Selector(name), ["ports"] = servicePorts.DeepClone() })));
        }
        docs.Add(Object("apps/v1", "Deployment", Meta(name, ns, name), ("spec", DeploymentSpec(values, name, webhooksOn, leader))));
        docs.Add(Object("policy/v1", "PodDisruptionBudget", Meta(name, ns, name),
            ("spec", new JsonObject { ["maxUnavailable"] = 1, ["selector"] = new JsonObject { ["matchLabels"] = Selector(name) } })));
        return docs;
    }

    private static JsonObject DeploymentSpec(JsonObject values, string name, bool webhooksOn, bool leader)
    {
        var katalog = values["katalog"]!.AsObject();
        var args = Clone(katalog["args"]).AsArray();
        args.Add((JsonNode)JsonValue.Create($"--leader-elect={(leader ? "true" : "false")}"));
        if ((bool)values["applyAlways"]!)
        {
            args.Add((JsonNode)JsonValue.Create("--apply"));
            args.Add((JsonNode)JsonValue.Create("always"));
        }
        var env = new JsonArray(
            new JsonObject
            {
                ["name"] = "ORK_NAMESPACE",
                ["valueFrom"] = new JsonObject { ["fieldRef"] = new JsonObject { ["fieldPath"] = "metadata.namespace" } },
            },
            new JsonObject { ["name"] = "ORK_SERVICE_NAME", ["value"] = name });
        foreach (var extra in values["env"]!.AsArray()) env.Add(extra!.DeepClone());
        var ports = new JsonArray(new JsonObject { ["name"] = "http", ["containerPort"] = HttpPort });
        if (webhooksOn)
            ports.Add((JsonNode)new JsonObject { ["name"] = "webhooks", ["containerPort"] = (int)values["webhooks"]!["port"]! });
        JsonObject Probe(string path) => new()
        {
            ["httpGet"] = new JsonObject { ["path"] = path, ["port"] = "http" },
            ["periodSeconds"] = 10,
        };
        var container = new JsonObject
        {
            ["name"] = "ork",
            ["image"] = (string)values["image"]!,
            ["args"] = args,
            ["env"] = env,
            ["ports"] = ports,
            ["livenessProbe"] = Probe("/livez"),
            ["readinessProbe"] = Probe("/readyz"),
            ["resources"] = Clone(values["resources"]),
            ["securityContext"] = new JsonObject
            {
                ["allowPrivilegeEscalation"] = false,
                ["readOnlyRootFilesystem"] = true,
                ["runAsNonRoot"] = true,
                ["capabilities"] = new JsonObject { ["drop"] = new JsonArray("ALL") },
            },
            ["volumeMounts"] = new JsonArray(new JsonObject { ["name"] = "katalog", ["mountPath"] = MountPath, ["readOnly"] = true }),
        };
        var labels = Selector(name);
        return new JsonObject
        {
            ["replicas"] = (int)values["replicas"]!,
            ["selector"] = new JsonObject { ["matchLabels"] = Selector(name) },
            ["template"] = new JsonObject
            {
                ["metadata"] = new JsonObject
                {
                    ["labels"] = labels,
                    ["annotations"] = new JsonObject { ["orkestra.io/katalog-checksum"] = (string)katalog["checksum"]! },
                },
                ["spec"] = new JsonObject
                {
                    ["serviceAccountName"] = name,
                    ["securityContext"] = new JsonObject
                    {
                        ["runAsNonRoot"] = true,
                        ["runAsUser"] = 65532,
                        ["runAsGroup"] = 65532,
                        ["seccompProfile"] = new JsonObject { ["type"] = "RuntimeDefault" },
                    },
                    ["containers"] = new JsonArray(container),
                    ["volumes"] = new JsonArray(new JsonObject
                    {
                        ["name"] = "katalog",
                        ["configMap"] = new JsonObject
                        {
                            ["name"] = (string)katalog["configMapName"]!,
                            ["items"] = Clone(katalog["items"]),
                        },
                    }),
                },
            },
        };
    }

    /// <summary>The Katalog file first, then every file it references, each with where it is referenced.</summary>
    private static IEnumerable<(string File, SourceLocation At)> Referenced(CompiledKatalog katalog)
    {
        yield return (Path.GetFullPath(katalog.Source.File), new SourceLocation(katalog.Source.File, 1, 1));
        foreach (var op in katalog.Operators)
        {
            var at = op.Settings.Location;
            if (op.Settings.CrdFile is { } crd) yield return (crd, at);
            foreach (var file in op.Settings.CrFiles.Concat(op.Settings.Setup)) yield return (file, at);
            var includes = (op.Validation?.Rules.Select(r => r.Source.Location) ?? [])
                .Concat(op.Mutation?.Rules.Select(r => r.Source.Location) ?? []);
            foreach (var include in includes.Where(l => Path.GetFullPath(l.File) != Path.GetFullPath(katalog.Source.File)))
                yield return (Path.GetFullPath(include.File), at);
        }
    }

    private static bool IsConfigMapKey(string key) =>
        key.Length is > 0 and <= 253 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    private static string Checksum(SortedDictionary<string, string> files)
    {
        var text = new StringBuilder();
        foreach (var (key, value) in files) text.Append(key).Append('\0').Append(value).Append('\0');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static JsonArray Rules(IReadOnlyList<BundleRule> rules)
    {
        var array = new JsonArray();
        foreach (var rule in rules)
        {
            var obj = new JsonObject
            {
                ["apiGroups"] = new JsonArray(rule.ApiGroup),
                ["resources"] = new JsonArray(rule.Resource),
            };
            if (rule.ResourceNames.Count > 0) obj["resourceNames"] = new JsonArray([.. rule.ResourceNames.Select(n => (JsonNode)n)]);
            obj["verbs"] = new JsonArray([.. rule.Verbs.Select(v => (JsonNode)v)]);
            array.Add((JsonNode)obj);
        }
        return array;
    }

    private static JsonNode Clone(JsonNode? node) => node?.DeepClone() ?? new JsonObject();

    private static JsonObject Selector(string name) => new()
    {
        ["app.kubernetes.io/name"] = "orkestra-aot",
        ["app.kubernetes.io/instance"] = name,
    };

    private static JsonObject Meta(string name, string? ns, string instance)
    {
        var meta = new JsonObject { ["name"] = name };
        if (ns is not null) meta["namespace"] = ns;
        meta["labels"] = Selector(instance);
        return meta;
    }

    private static JsonObject Port(string name, int port) =>
        new() { ["name"] = name, ["port"] = port, ["targetPort"] = name };

    private static JsonObject RoleRef(string kind, string name) =>
        new() { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = kind, ["name"] = name };

    private static JsonArray Subjects(string name, string ns) =>
        new(new JsonObject { ["kind"] = "ServiceAccount", ["name"] = name, ["namespace"] = ns });

    private static JsonObject Object(string apiVersion, string kind, JsonObject metadata, params (string Key, JsonNode Value)[] fields)
    {
        var obj = new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind, ["metadata"] = metadata };
        foreach (var (key, value) in fields) obj[key] = value;
        return obj;
    }
}
