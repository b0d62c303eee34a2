using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Kinds;
using static Orkestra.Katalog.Children.Coerce;

namespace Orkestra.Katalog.Children.Kinds;

/// <summary>deployments → apps/v1 Deployment. Defaults: name &lt;cr&gt;-deployment, replicas 1.</summary>
internal sealed class DeploymentKind() : PodKindBase("deployments", BuiltInKinds.Get("apps", "Deployment"),
    "deployment", "deployments", "deployment",
    new ChildField("replicas", FieldType.Int), new ChildField("rollingUpdate", FieldType.Object))
{
    protected override void BuildBody(JsonObject obj, JsonObject entry, ChildBuildContext context, string name)
    {
        var spec = ReplicatedSpec(entry, context, name);
        if (Section(entry, "rollingUpdate", "maxSurge", "maxUnavailable") is { } rolling)
        {
            var update = new JsonObject();
            foreach (var key in new[] { "maxSurge", "maxUnavailable" }) Put(update, key, IntOrString(rolling[key], $"rollingUpdate.{key}"));
            spec["strategy"] = new JsonObject { ["type"] = "RollingUpdate", ["rollingUpdate"] = update };
        }
        obj["spec"] = spec;
    }
}

/// <summary>
/// replicaSets → apps/v1 ReplicaSet. Same pod fields as deployments; default name &lt;cr&gt;-replicaset, replicas 1.
/// A ReplicaSet has no update strategy, so <c>rollingUpdate</c> is not accepted.
/// </summary>
internal sealed class ReplicaSetKind() : PodKindBase("replicaSets", BuiltInKinds.Get("apps", "ReplicaSet"),
    "replicaset", "replicasets", "replicaset",
    new ChildField("replicas", FieldType.Int))
{
    protected override void BuildBody(JsonObject obj, JsonObject entry, ChildBuildContext context, string name) =>
        obj["spec"] = ReplicatedSpec(entry, context, name);
}

/// <summary>statefulSets → apps/v1 StatefulSet. Defaults: name &lt;cr&gt;, replicas 1, serviceName = name, image tag "latest".</summary>
internal sealed class StatefulSetKind() : PodKindBase("statefulSets", BuiltInKinds.Get("apps", "StatefulSet"),
    "statefulset", "statefulsets", "",
    new ChildField("replicas", FieldType.Int), new ChildField("serviceName", FieldType.String), new ChildField("tag", FieldType.String),
    new ChildField("volumeClaimTemplates", FieldType.List))
{
    protected override void BuildBody(JsonObject obj, JsonObject entry, ChildBuildContext context, string name)
    {
        var template = PodTemplate(entry, context, name, null);
        var container = (JsonObject)template["spec"]!["containers"]![0]!;
        var image = (string)container["image"]!;
        if (Text(entry, "tag") is { Length: > 0 } tag && !image.Contains(':',
            StringComparison.Ordinal)) container["image"] = $"{image}:{tag}";
        var spec = new JsonObject
        {
            ["serviceName"] = Text(entry, "serviceName") is { Length: > 0 } svc ? svc : name,
            ["replicas"] = Int(entry, "replicas") ?? 1,
            ["selector"] = new JsonObject { ["matchLabels"] = PodLabels(name, context) },
            ["template"] = template,
        };
        if (entry["volumeClaimTemplates"] is JsonArray claims)
        {
            var templates = new JsonArray();
            var mounts = container["volumeMounts"] as JsonArray ?? new JsonArray();
            for (var i = 0; i < claims.Count; i++)
            {
                var field = $"volumeClaimTemplates[{i}]";
                if (claims[i] is not JsonObject claim) throw new ChildBuildException(field,
                    $"{field}: expected {{storageSize, mountPath, storageClass}}");
                var claimName = Text(claim["name"], $"{field}.name") is { Length: > 0 } n ? n : i == 0 ? "data" : $"data-{i}";
                var size = Text(claim["storageSize"], $"{field}.storageSize") ?? throw new ChildBuildException($"{field}.storageSize",
                    $"{field}.storageSize: required");
                var pvcSpec = new JsonObject
                {
                    ["accessModes"] = new JsonArray("ReadWriteOnce"),
                    ["resources"] = new JsonObject { ["requests"] = new JsonObject { ["storage"] = size } },
                };
                if (Text(claim["storageClass"], $"{field}.storageClass") is { Length: > 0 } sc) pvcSpec["storageClassName"] = sc;
                templates.AddNode(new JsonObject { ["metadata"] = new JsonObject { ["name"] = claimName }, ["spec"] = pvcSpec });
                if (Text(claim["mountPath"], $"{field}.mountPath") is { Length: > 0 } path) mounts.AddNode(new JsonObject { ["name"] =
                    claimName, ["mountPath"] = path });
            }
            if (mounts.Count > 0 && container["volumeMounts"] is null) container["volumeMounts"] = mounts;
            spec["volumeClaimTemplates"] = templates;
        }
        obj["spec"] = spec;
    }
}

/// <summary>jobs → batch/v1 Job (create-once). Defaults: name &lt;cr&gt;-job, backoffLimit 3, restartPolicy Never.</summary>
internal sealed class JobKind() : PodKindBase("jobs", BuiltInKinds.Get("batch", "Job"), "job", "jobs", "job",
    new ChildField("backoffLimit", FieldType.Int), new ChildField("restartPolicy", FieldType.String))
{
    protected override void BuildBody(JsonObject obj, JsonObject entry, ChildBuildContext context, string name) =>
        obj["spec"] = JobSpec(this, entry, context, name);

    internal static JsonObject JobSpec(PodKindBase kind, JsonObject entry, ChildBuildContext context, string name)
    {
        var restart = Text(entry, "restartPolicy") ?? "Never";
        if (restart is not ("Never" or "OnFailure")) throw new ChildBuildException("restartPolicy",
            $"restartPolicy: \"{restart}\" is not Never or OnFailure");
        var template = kind.JobPodTemplate(entry, context, name, restart);
        return new JsonObject { ["backoffLimit"] = Int(entry, "backoffLimit") ?? 3, ["template"] = template };
    }
}

/// <summary>
/// cronJobs → batch/v1 CronJob. Defaults: name &lt;cr&gt;-cronjob, suspend false, history 3/1, concurrencyPolicy Allow.
/// </summary>
internal sealed class CronJobKind() : PodKindBase("cronJobs", BuiltInKinds.Get("batch", "CronJob"), "cronjob", "cronjobs", "cronjob",
    new ChildField("schedule", FieldType.String, Required: true), new ChildField("suspend", FieldType.Bool),
    new ChildField("successfulJobsHistoryLimit", FieldType.Int), new ChildField("failedJobsHistoryLimit", FieldType.Int),
    new ChildField("concurrencyPolicy", FieldType.String), new ChildField("startingDeadlineSeconds", FieldType.Int),
    new ChildField("backoffLimit", FieldType.Int), new ChildField("restartPolicy", FieldType.String), new ChildField("timeZone",
        FieldType.String))
{
    protected override void BuildBody(JsonObject obj, JsonObject entry, ChildBuildContext context, string name)
    {
        var schedule = Text(entry, "schedule");
        if (string.IsNullOrWhiteSpace(schedule)) throw new ChildBuildException("schedule", "schedule: required");
        var policy = (Text(entry, "concurrencyPolicy") ?? "allow").ToLowerInvariant() switch
        {
            "allow" => "Allow",
            "forbid" => "Forbid",
            "replace" => "Replace",
            var other => throw new ChildBuildException("concurrencyPolicy",
                $"concurrencyPolicy: \"{other}\" is not allow, forbid or replace"),
        };
        var spec = new JsonObject
        {
            ["schedule"] = schedule,
            ["suspend"] = Bool(entry, "suspend") ?? false,
            ["concurrencyPolicy"] = policy,
            ["successfulJobsHistoryLimit"] = Int(entry, "successfulJobsHistoryLimit") ?? 3,
            ["failedJobsHistoryLimit"] = Int(entry, "failedJobsHistoryLimit") ?? 1,
            ["jobTemplate"] = new JsonObject { ["spec"] = JobKind.JobSpec(this, entry, context, name) },
        };
        Put(spec, "startingDeadlineSeconds", Int64(entry, "startingDeadlineSeconds") is { } d ? JsonValue.Create(d) : null);
        Put(spec, "timeZone", Text(entry, "timeZone"));
        obj["spec"] = spec;
    }
}
