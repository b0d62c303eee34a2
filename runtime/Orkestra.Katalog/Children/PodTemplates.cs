using System.Text.Json;
using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Kinds;
using Orkestra.ApiMachinery.Meta;
using static Orkestra.Katalog.Children.Coerce;

namespace Orkestra.Katalog.Children;

/// <summary>
/// Builds the pod part of workloads (deployments, statefulSets, jobs, cronJobs) from entry fields, the way
/// Orkestra documents them: one container named after the workload, its image, port, env
/// (map or list form), envFrom (seed shape <c>[{configMapRef: name}]</c> and the documented shape with
/// <c>keys</c>/<c>prefix</c>/<c>suffix</c> expansion), resources, probes, volumes and security contexts.
/// </summary>
internal abstract class PodKindBase : ChildKindBase
{
    internal static readonly ChildField[] PodFields =
    [
        new("image", FieldType.String, Required: true),
        new("imagePullSecrets", FieldType.List),
        new("port", FieldType.Int),
        new("protocol", FieldType.String),
        new("env", FieldType.Any),
        new("envFrom", FieldType.Any),
        new("resources", FieldType.Object),
        new("probes", FieldType.Object),
        new("nodeSelector", FieldType.StringMap),
        new("serviceAccountName", FieldType.String),
        new("workingDirectory", FieldType.String),
        new("command", FieldType.StringList),
        new("args", FieldType.StringList),
        new("volumes", FieldType.List),
        new("volumeMounts", FieldType.List),
        new("securityContext", FieldType.Object),
        new("podSecurity", FieldType.Object),
        new("annotations", FieldType.StringMap),
    ];

    protected PodKindBase(string yamlKey, BuiltInKind kind, string singular, string plural, string defaultSuffix, params ChildField[] extra)
        : base(yamlKey, kind, singular, plural, defaultSuffix, PodFields.Concat(extra).ToArray())
    {
    }

    /// <summary>The pod template labels (and workload selector): app=&lt;workload&gt;, orkestra-owner=&lt;cr&gt;.</summary>
    protected static JsonObject PodLabels(string workload, ChildBuildContext context) => new()
    {
        [WellKnownLabels.App] = workload,
        [WellKnownLabels.Owner] = WellKnownLabels.OwnerValue(context.Owner.Name),
    };

    /// <summary>replicas (default 1), the selector and the pod template of a Deployment or ReplicaSet.</summary>
    protected JsonObject ReplicatedSpec(JsonObject entry, ChildBuildContext context, string name) => new()
    {
        ["replicas"] = Int(entry, "replicas") ?? 1,
        ["selector"] = new JsonObject { ["matchLabels"] = PodLabels(name, context) },
        ["template"] = PodTemplate(entry, context, name, null),
    };

    protected JsonObject PodTemplate(JsonObject entry, ChildBuildContext context, string name, string? restartPolicy) =>
        Template(PodLabels(name, context), entry, name, restartPolicy);

    /// <summary>A job's pod template: no workload selector, so only the owner label and the entry's labels.</summary>
    internal JsonObject JobPodTemplate(JsonObject entry, ChildBuildContext context, string name, string restartPolicy) =>
        Template(new JsonObject { [WellKnownLabels.Owner] = WellKnownLabels.OwnerValue(context.Owner.Name) }, entry, name, restartPolicy);

    private JsonObject Template(JsonObject labels, JsonObject entry, string name, string? restartPolicy)
    {
        if (StringMap(entry, "labels") is { } extra)
        {
            foreach (var (k, v) in extra) labels[k] = v?.DeepClone();
        }
        var metadata = new JsonObject { ["labels"] = labels };
        if (StringMap(entry, "annotations") is { Count: > 0 } annotations) metadata["annotations"] = annotations;
        return new JsonObject { ["metadata"] = metadata, ["spec"] = PodSpec(entry, name, restartPolicy) };
    }

    protected JsonObject PodSpec(JsonObject entry, string name, string? restartPolicy)
    {
        var spec = new JsonObject { ["containers"] = new JsonArray(Container(entry, name)) };
        Put(spec, "restartPolicy", restartPolicy);
        Put(spec, "nodeSelector", StringMap(entry, "nodeSelector"));
        Put(spec, "serviceAccountName", Text(entry, "serviceAccountName"));
        if (entry["imagePullSecrets"] is { } pullSecrets) spec["imagePullSecrets"] = NameList(pullSecrets, "imagePullSecrets");
        Put(spec, "volumes", Volumes(entry));
        Put(spec, "securityContext", Section(entry, "podSecurity"));
        return spec;
    }

    private JsonObject Container(JsonObject entry, string name)
    {
        var image = Text(entry, "image");
        if (string.IsNullOrEmpty(image)) throw new ChildBuildException("image", "image: required");
        var container = new JsonObject { ["name"] = name, ["image"] = image };
        Put(container, "command", StringList(entry, "command"));
        Put(container, "args", StringList(entry, "args"));
        Put(container, "workingDir", Text(entry, "workingDirectory"));
        var port = Int(entry, "port");
        if (port is { } p)
        {
            if (p is < 1 or > 65535) throw new ChildBuildException("port", $"port: {p} is not between 1 and 65535");
            container["ports"] = new JsonArray(new JsonObject { ["containerPort"] = p, ["protocol"] = Protocol(entry) });
        }
        var env = Env(entry);
        var envFrom = EnvFrom(entry, env);
        if (envFrom.Count > 0) container["envFrom"] = envFrom;
        if (env.Count > 0) container["env"] = env;
        Put(container, "resources", Section(entry, "resources", "requests", "limits"));
        if (entry["probes"] is JsonObject probes)
        {
            foreach (var (kind, probe) in probes)
            {
                var key = kind switch
                {
                    "startup" => "startupProbe",
                    "liveness" => "livenessProbe",
                    "readiness" => "readinessProbe",
                    _ => throw new ChildBuildException($"probes.{kind}",
                        $"probes: unknown probe \"{kind}\" (startup, liveness, readiness)"),
                };
                container[key] = Probe(probe as JsonObject ?? throw new ChildBuildException($"probes.{kind}",
                    $"probes.{kind}: expected a map"), kind, port);
            }
        }
        Put(container, "volumeMounts", VolumeMounts(entry));
        Put(container, "securityContext", Section(entry, "securityContext"));
        return container;
    }

    protected static string Protocol(JsonObject entry)
    {
        var protocol = (Text(entry, "protocol") ?? "TCP").ToUpperInvariant();
        return protocol is "TCP" or "UDP" or "SCTP" ? protocol : throw new ChildBuildException("protocol",
            $"protocol: \"{protocol}\" is not TCP, UDP or SCTP");
    }

    private static readonly string[] ProbeKeys = ["type", "path", "port", "initialDelaySeconds", "periodSeconds", "timeoutSeconds",
        "failureThreshold", "successThreshold"];

    private static JsonObject Probe(JsonObject probe, string kind, long? containerPort)
    {
        var field = $"probes.{kind}";
        OnlyKeys(probe, field, ProbeKeys);
        var type = (Text(probe["type"], $"{field}.type") ?? "http").ToLowerInvariant();
        var port = Int(probe["port"], $"{field}.port") ?? containerPort
            ?? throw new ChildBuildException(field, $"{field}: needs a port (set the container port or probes.{kind}.port)");
        var result = type switch
        {
            "http" => new JsonObject { ["httpGet"] = new JsonObject { ["path"] = Text(probe["path"], $"{field}.path") ?? "/",
                ["port"] = port } },
            "tcp" => new JsonObject { ["tcpSocket"] = new JsonObject { ["port"] = port } },
            _ => throw new ChildBuildException($"{field}.type", $"{field}.type: \"{type}\" is not http or tcp"),
        };
        foreach (var key in ProbeKeys.AsSpan(3))
        {
            if (Int(probe[key], $"{field}.{key}") is { } n) result[key] = n;
        }
        return result;
    }

    private static JsonArray Env(JsonObject entry)
    {
        var env = new JsonArray();
        switch (entry["env"])
        {
            case null:
                break;
            case JsonObject map: // seed shape: NAME: {value | secretKeyRef | configMapKeyRef} or NAME: value
                foreach (var (name, spec) in map) env.AddNode(EnvVar(name, spec, $"env.{name}"));
                break;
            case JsonArray list:
                for (var i = 0; i < list.Count; i++)
                {
                    if (list[i] is not JsonObject item || Text(item["name"], $"env[{i}].name") is not { Length: > 0 } name)
                        throw new ChildBuildException($"env[{i}]", $"env[{i}]: expected {{name, value}} or {{name, valueFrom}}");
                    var spec = item["valueFrom"] is JsonObject from ? from : item;
                    env.AddNode(EnvVar(name, spec, $"env[{i}]"));
                }
                break;
            default:
                throw new ChildBuildException("env", "env: expected a map of NAME → value or a list of {name, value}");
        }
        return env;
    }

    private static JsonObject EnvVar(string name, JsonNode? spec, string field)
    {
        if (spec is not JsonObject obj) return new JsonObject { ["name"] = name, ["value"] = Text(spec, field) ?? "" };
        foreach (var refKind in new[] { "secretKeyRef", "configMapKeyRef" })
        {
            if (obj[refKind] is JsonObject reference)
            {
                var selector = new JsonObject
                {
                    ["name"] = Text(reference["name"], $"{field}.{refKind}.name")
                        ?? throw new ChildBuildException($"{field}.{refKind}.name", $"{field}.{refKind}.name: required"),
                    ["key"] = Text(reference["key"], $"{field}.{refKind}.key") ?? throw new ChildBuildException($"{field}.{refKind}.key",
                        $"{field}.{refKind}.key: required"),
                };
                if (reference["optional"] is JsonValue optional
                    && optional.GetValueKind() is JsonValueKind.True or JsonValueKind.False) selector["optional"] =
                    optional.GetValue<bool>();
                return new JsonObject { ["name"] = name, ["valueFrom"] = new JsonObject { [refKind] = selector } };
            }
        }
        if (obj.ContainsKey("value")) return new JsonObject { ["name"] = name, ["value"] = Text(obj["value"], $"{field}.value") ?? "" };
        if (obj["fieldRef"] is JsonObject fieldRef) return new JsonObject { ["name"] = name,
            ["valueFrom"] = new JsonObject { ["fieldRef"] = fieldRef.DeepClone() } };
        throw new ChildBuildException(field, $"{field}: expected value, secretKeyRef or configMapKeyRef");
    }

    /// <summary>envFrom in both shapes; entries with <c>keys</c> expand into individual env variables.</summary>
    private static JsonArray EnvFrom(JsonObject entry, JsonArray env)
    {
        var result = new JsonArray();
        switch (entry["envFrom"])
        {
            case null:
                break;
            case JsonArray list: // seed shape: [{configMapRef: "name"}, {secretRef: "name"}] (or with a {name} map)
                for (var i = 0; i < list.Count; i++)
                {
                    if (list[i] is not JsonObject item || item.Count != 1)
                        throw new ChildBuildException($"envFrom[{i}]",
                            $"envFrom[{i}]: expected {{configMapRef: NAME}} or {{secretRef: NAME}}");
                    var (kind, value) = item.First();
                    AddSource(result, env, kind, value, $"envFrom[{i}].{kind}");
                }
                break;
            case JsonObject map: // documented shape: {secretRef: [{name, prefix, suffix, optional, keys}], configMapRef: [...]}
                foreach (var (kind, refs) in map)
                {
                    var items = refs as JsonArray ?? new JsonArray(refs?.DeepClone());
                    for (var i = 0; i < items.Count; i++) AddSource(result, env, kind, items[i], $"envFrom.{kind}[{i}]");
                }
                break;
            default:
                throw new ChildBuildException("envFrom",
                    "envFrom: expected a list of {configMapRef|secretRef: NAME} or a map of secretRef/configMapRef lists");
        }
        return result;
    }

    private static void AddSource(JsonArray envFrom, JsonArray env, string kind, JsonNode? value, string field)
    {
        if (kind is not ("configMapRef" or "secretRef"))
            throw new ChildBuildException(field, $"{field}: unknown source \"{kind}\" (configMapRef, secretRef)");
        var spec = value as JsonObject;
        var name = spec is null ? Text(value, field) : Text(spec["name"], $"{field}.name");
        if (string.IsNullOrEmpty(name)) throw new ChildBuildException(field, $"{field}: needs a name");
        var prefix = spec is null ? null : Text(spec["prefix"], $"{field}.prefix");
        var suffix = spec is null ? null : Text(spec["suffix"], $"{field}.suffix");
        bool? optional = spec?["optional"] is JsonValue o && o.GetValueKind() is JsonValueKind.True or JsonValueKind.False
            ? o.GetValue<bool>() : null;
        if (spec?["keys"] is JsonArray keys)
        {
            var keyRef = kind == "secretRef" ? "secretKeyRef" : "configMapKeyRef";
            for (var i = 0; i < keys.Count; i++)
            {
                var key = Text(keys[i], $"{field}.keys[{i}]") ?? "";
                var selector = new JsonObject { ["name"] = name, ["key"] = key };
                if (optional is { } opt) selector["optional"] = opt;
                env.AddNode(new JsonObject { ["name"] = $"{prefix}{key}{suffix}", ["valueFrom"] = new JsonObject { [keyRef] = selector } });
            }
            return;
        }
        if (!string.IsNullOrEmpty(suffix)) throw new ChildBuildException($"{field}.suffix",
            $"{field}.suffix: only allowed together with keys");
        var reference = new JsonObject { ["name"] = name };
        if (optional is { } o2) reference["optional"] = o2;
        var source = new JsonObject { [kind] = reference };
        if (!string.IsNullOrEmpty(prefix)) source["prefix"] = prefix;
        envFrom.AddNode(source);
    }

    private static JsonArray? Volumes(JsonObject entry)
    {
        if (entry["volumes"] is not JsonArray volumes) return entry["volumes"] is null ? null : throw new ChildBuildException("volumes",
            "volumes: expected a list");
        var result = new JsonArray();
        for (var i = 0; i < volumes.Count; i++)
        {
            if (volumes[i] is not JsonObject v || Text(v["name"], $"volumes[{i}].name") is not { Length: > 0 } name)
                throw new ChildBuildException($"volumes[{i}]", $"volumes[{i}]: needs a name");
            var volume = new JsonObject { ["name"] = name };
            var sources = 0;
            foreach (var (key, value) in v)
            {
                switch (key)
                {
                    case "name": continue;
                    case "configMap" or "secret" when value is JsonValue:
                        volume[key] = key == "secret" ? new JsonObject { ["secretName"] = Text(value,
                            $"volumes[{i}].{key}") } : new JsonObject { ["name"] = Text(value, $"volumes[{i}].{key}") };
                        break;
                    case "persistentVolumeClaim" when value is JsonValue:
                        volume[key] = new JsonObject { ["claimName"] = Text(value, $"volumes[{i}].{key}") };
                        break;
                    case "emptyDir" when value is null or JsonValue:
                        volume[key] = new JsonObject();
                        break;
                    case "hostPath" when value is JsonValue:
                        volume[key] = new JsonObject { ["path"] = Text(value, $"volumes[{i}].{key}") };
                        break;
                    case "configMap" or "secret" or "persistentVolumeClaim" or "emptyDir" or "hostPath":
                        volume[key] = value?.DeepClone() ?? new JsonObject();
                        break;
                    default:
                        throw new ChildBuildException($"volumes[{i}].{key}",
                            $"volumes[{i}]: unsupported volume source \"{key}\" "
                            + "(configMap, secret, emptyDir, persistentVolumeClaim, hostPath)");
                }
                sources++;
            }
            if (sources != 1) throw new ChildBuildException($"volumes[{i}]", $"volumes[{i}]: needs exactly one source");
            result.AddNode(volume);
        }
        return result;
    }

    private static JsonArray? VolumeMounts(JsonObject entry)
    {
        if (entry["volumeMounts"] is not JsonArray mounts) return entry["volumeMounts"] is null ? null
            : throw new ChildBuildException("volumeMounts", "volumeMounts: expected a list");
        var result = new JsonArray();
        for (var i = 0; i < mounts.Count; i++)
        {
            if (mounts[i] is not JsonObject m) throw new ChildBuildException($"volumeMounts[{i}]",
                $"volumeMounts[{i}]: expected {{name, mountPath}}");
            var mount = new JsonObject
            {
                ["name"] = Text(m["name"], $"volumeMounts[{i}].name") ?? throw new ChildBuildException($"volumeMounts[{i}].name",
                    $"volumeMounts[{i}].name: required"),
                ["mountPath"] = Text(m["mountPath"], $"volumeMounts[{i}].mountPath")
                    ?? throw new ChildBuildException($"volumeMounts[{i}].mountPath", $"volumeMounts[{i}].mountPath: required"),
            };
            if (m["readOnly"] is JsonValue ro && ro.GetValueKind() is JsonValueKind.True or JsonValueKind.False) mount["readOnly"] =
                ro.GetValue<bool>();
            if (Text(m["subPath"], $"volumeMounts[{i}].subPath") is { Length: > 0 } subPath) mount["subPath"] = subPath;
            result.AddNode(mount);
        }
        return result;
    }

    protected static JsonArray NameList(JsonNode node, string field)
    {
        var items = node as JsonArray ?? new JsonArray(node.DeepClone());
        var result = new JsonArray();
        for (var i = 0; i < items.Count; i++)
        {
            var name = items[i] is JsonObject o ? Text(o["name"], $"{field}[{i}].name") : Text(items[i], $"{field}[{i}]");
            result.AddNode(new JsonObject { ["name"] = name });
        }
        return result;
    }
}
