using System.Text.Json.Nodes;
using Orkestra.Sandbox.Api;

namespace Orkestra.Sandbox.Resources;

/// <summary>
/// The server-side defaults of the built-in kinds that clients observe: workload replicas and
/// strategies, Job selectors and labels, Service cluster IPs, Namespace finalizers and phase, Pod/PVC phases.
/// Only fields clients read are defaulted; everything else is stored as sent. Thread-safe (IP counter is atomic).
/// </summary>
internal sealed class BuiltInDefaults
{
    private int _nextServiceIp;

    public void OnCreate(ResourceType type, JsonObject obj)
    {
        if (type.IsCustom) return;
        Common(type, obj);
        switch (type.Group, type.Resource)
        {
            case ("", "namespaces"):
                Json.Obj(obj, "spec")["finalizers"] = new JsonArray("kubernetes");
                Json.Obj(Json.Obj(obj, "metadata"), "labels")["kubernetes.io/metadata.name"] = Json.Str(obj["metadata"], "name");
                Json.Obj(obj, "status")["phase"] = "Active";
                break;
            case ("", "pods"):
                Json.Obj(obj, "status")["phase"] = "Pending";
                break;
            case ("", "persistentvolumeclaims"):
                Json.Obj(obj, "status")["phase"] = "Pending";
                break;
            case ("", "persistentvolumes"):
                Json.Obj(obj, "status")["phase"] = "Available";
                break;
            case ("", "services"):
                var spec = Json.Obj(obj, "spec");
                spec["type"] ??= "ClusterIP";
                if (Json.Str(spec, "type") != "ExternalName" && string.IsNullOrEmpty(Json.Str(spec, "clusterIP")))
                {
                    var n = Interlocked.Increment(ref _nextServiceIp);
                    var ip = $"10.96.{(n >> 8) & 0xff}.{n & 0xff}";
                    spec["clusterIP"] = ip;
                    spec["clusterIPs"] = new JsonArray(ip);
                }
                obj["status"] ??= new JsonObject { ["loadBalancer"] = new JsonObject() };
                break;
            case ("batch", "jobs"):
                JobSelector(obj);
                break;
        }
    }

    public void OnUpdate(ResourceType type, JsonObject obj, JsonObject old)
    {
        if (type.IsCustom) return;
        Common(type, obj);
        if (type.Group == "" && type.Resource == "services")
        {
            var spec = Json.Obj(obj, "spec");
            if (string.IsNullOrEmpty(Json.Str(spec, "clusterIP")) && Json.Path(old, "spec.clusterIP") is { } ip)
            {
                spec["clusterIP"] = ip.DeepClone();
                spec["clusterIPs"] = Json.Path(old, "spec.clusterIPs")?.DeepClone();
            }
        }
        if (type.Group == "" && type.Resource == "namespaces" && Json.Path(obj, "spec.finalizers") is null
            && Json.Path(old, "spec.finalizers") is { } f)
            Json.Obj(obj, "spec")["finalizers"] = f.DeepClone();
    }

    private static void Common(ResourceType type, JsonObject obj)
    {
        switch (type.Group, type.Resource)
        {
            case ("apps", "deployments"):
            {
                var spec = Json.Obj(obj, "spec");
                spec["replicas"] ??= 1;
                spec["revisionHistoryLimit"] ??= 10;
                spec["progressDeadlineSeconds"] ??= 600;
                var strategy = Json.Obj(spec, "strategy");
                strategy["type"] ??= "RollingUpdate";
                if (Json.Str(strategy, "type") == "RollingUpdate")
                {
                    var rolling = Json.Obj(strategy, "rollingUpdate");
                    rolling["maxUnavailable"] ??= "25%";
                    rolling["maxSurge"] ??= "25%";
                }
                PodTemplate(spec);
                break;
            }
            case ("apps", "statefulsets"):
            {
                var spec = Json.Obj(obj, "spec");
                spec["replicas"] ??= 1;
                spec["podManagementPolicy"] ??= "OrderedReady";
                spec["revisionHistoryLimit"] ??= 10;
                var strategy = Json.Obj(spec, "updateStrategy");
                strategy["type"] ??= "RollingUpdate";
                if (Json.Str(strategy, "type") == "RollingUpdate") Json.Obj(strategy, "rollingUpdate")["partition"] ??= 0;
                PodTemplate(spec);
                break;
            }
            case ("apps", "daemonsets"):
            {
                var spec = Json.Obj(obj, "spec");
                spec["revisionHistoryLimit"] ??= 10;
                var strategy = Json.Obj(spec, "updateStrategy");
                strategy["type"] ??= "RollingUpdate";
                if (Json.Str(strategy, "type") == "RollingUpdate")
                {
                    var rolling = Json.Obj(strategy, "rollingUpdate");
                    rolling["maxUnavailable"] ??= 1;
                    rolling["maxSurge"] ??= 0;
                }
                PodTemplate(spec);
                break;
            }
            case ("apps", "replicasets"):
                Json.Obj(obj, "spec")["replicas"] ??= 1;
                PodTemplate(Json.Obj(obj, "spec"));
                break;
            case ("batch", "jobs"):
            {
                var spec = Json.Obj(obj, "spec");
                spec["completions"] ??= 1;
                spec["parallelism"] ??= 1;
                spec["backoffLimit"] ??= 6;
                spec["completionMode"] ??= "NonIndexed";
                spec["suspend"] ??= false;
                PodTemplate(spec, "Never");
                break;
            }
            case ("", "pods"):
                PodSpec(Json.Obj(obj, "spec"), "Always");
                break;
            case ("", "services"):
                foreach (var port in (Json.Path(obj, "spec.ports") as JsonArray ?? []).OfType<JsonObject>())
                {
                    port["protocol"] ??= "TCP";
                    port["targetPort"] ??= port["port"]?.DeepClone();
                }
                Json.Obj(obj, "spec")["sessionAffinity"] ??= "None";
                break;
            case ("", "secrets"):
                obj["type"] ??= "Opaque";
                break;
        }
    }

    private static void PodTemplate(JsonObject spec, string restartPolicy = "Always")
    {
        if (Json.Path(spec, "template.spec") is JsonObject podSpec) PodSpec(podSpec, restartPolicy);
    }

    private static void PodSpec(JsonObject spec, string restartPolicy)
    {
        spec["restartPolicy"] ??= restartPolicy;
        spec["terminationGracePeriodSeconds"] ??= 30;
        spec["dnsPolicy"] ??= "ClusterFirst";
        spec["schedulerName"] ??= "default-scheduler";
        spec["securityContext"] ??= new JsonObject();
        foreach (var container in (spec["containers"] as JsonArray ?? []).OfType<JsonObject>())
        {
            container["terminationMessagePath"] ??= "/dev/termination-log";
            container["terminationMessagePolicy"] ??= "File";
            container["imagePullPolicy"] ??= ImagePullPolicy(Json.Str(container, "image"));
            container["resources"] ??= new JsonObject();
        }
    }

    private static string ImagePullPolicy(string? image)
    {
        if (image is null) return "IfNotPresent";
        var lastSlash = image.LastIndexOf('/');
        var tagPart = image[(lastSlash + 1)..];
        return image.Contains('@') ? "IfNotPresent" : !tagPart.Contains(':') || tagPart.EndsWith(":latest", StringComparison.Ordinal)
            ? "Always" : "IfNotPresent";
    }

    /// <summary>Generated selector on the controller-uid label (unless manualSelector), labels on the template.</summary>
    private static void JobSelector(JsonObject job)
    {
        var spec = Json.Obj(job, "spec");
        if (Json.Bool(spec, "manualSelector") == true) return;
        var uid = Json.Str(job["metadata"], "uid") ?? "";
        var name = Json.Str(job["metadata"], "name") ?? "";
        spec["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["batch.kubernetes.io/controller-uid"] = uid } };
        var labels = Json.Obj(Json.Obj(Json.Obj(spec, "template"), "metadata"), "labels");
        labels["batch.kubernetes.io/controller-uid"] = uid;
        labels["batch.kubernetes.io/job-name"] = name;
        labels["controller-uid"] = uid;
        labels["job-name"] = name;
    }
}
