using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Sandbox.Api;
using Orkestra.Sandbox.Handlers;
using Orkestra.Sandbox.Lifecycle;
using Orkestra.Sandbox.Resources;
using Orkestra.Sandbox.Storage;

namespace Orkestra.Sandbox.Simulation;

/// <summary>
/// kwok-style status simulation (https://kwok.sigs.k8s.io/): what kube-controller-manager and kubelets would write. Deployments,
/// StatefulSets, ReplicaSets and DaemonSets become Available with the status <c>kubectl rollout status</c> and
/// <c>kubectl wait</c> accept; Jobs run then complete (SuccessCriteriaMet, Complete, succeeded) or, with
/// <see cref="SimulationOptions.FailAnnotation"/>, fail; Pods get a node and run (and their graceful deletion is
/// finished); PVCs bind. Every step re-reads the object, is idempotent and writes through /status (or the main
/// endpoint for spec fields), after <see cref="SimulationOptions.Delay"/>. Objects being deleted are left alone
/// except pods. Annotation <see cref="SimulationOptions.SkipAnnotation"/> opts an object out.
/// </summary>
internal sealed class Simulators : IController, IDisposable
{
    private const string Manager = "sandbox-simulator";
    private readonly ObjectService _objects;
    private readonly SimulationOptions _options;
    private readonly CancellationTokenSource _stop = new();

    public Simulators(ObjectService objects, SimulationOptions options)
    {
        _objects = objects;
        _options = options;
    }

    public void Handle(string table, StoreChange e)
    {
        if (e.Type == WatchEventType.Deleted) return;
        Action<ResourceType, StoredObject>? step = table switch
        {
            "pods" => Pod,
            "deployments.apps" => Deployment,
            "statefulsets.apps" => StatefulSet,
            "replicasets.apps" => ReplicaSet,
            "daemonsets.apps" => DaemonSet,
            "jobs.batch" => Job,
            "persistentvolumeclaims" => Claim,
            _ => null,
        };
        if (step is null) return;
        var type = _objects.Registry.Current.Preferred(table);
        if (type is null || Annotation(e.Object, SimulationOptions.SkipAnnotation)) return;
        if (e.Object.IsDeleting && table != "pods") return;
        if (_options.Delay <= TimeSpan.Zero)
        {
            step(type, e.Object);
            return;
        }
        _ = RunLaterAsync(type, e.Object.Key, step);
    }

    private async Task RunLaterAsync(ResourceType type, ObjectKey key, Action<ResourceType, StoredObject> step)
    {
        try
        {
            await Task.Delay(_options.Delay, _objects.Time, _stop.Token).ConfigureAwait(false);
            if (_objects.Store.Get(type.StorageKey, key) is { } current) step(type, current);
        }
        catch (OperationCanceledException)
        {
        }
        catch (ApiError)
        {
            // lost a race; the newer write triggers another step
        }
    }

    private static bool Annotation(StoredObject obj, string key) => Json.Str(obj.Metadata["annotations"], key) is { } v && v != "false";

    private string Now => KubeTime.Format(_objects.Time.GetUtcNow());

    private void WriteStatus(ResourceType type, StoredObject obj, Action<JsonObject, JsonObject> mutate)
    {
        _objects.Update(type, obj.Namespace, obj.Name, current =>
        {
            var copy = current!.Clone();
            mutate(copy, Json.Obj(copy, "status"));
            return copy;
        }, WriteRequest.Internal(Manager, Subresource.Status));
    }

    private static JsonObject Condition(string type, string status, string reason, string message, string now, bool withUpdateTime = false)
    {
        var c = new JsonObject { ["type"] = type, ["status"] = status };
        if (withUpdateTime) c["lastUpdateTime"] = now;
        c["lastTransitionTime"] = now;
        c["reason"] = reason;
        c["message"] = message;
        return c;
    }

    private static JsonObject? FindCondition(JsonNode? status, string type) =>
        (Json.Path(status, "conditions") as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(c => Json.Str(c, "type") == type);

    /// <summary>Replaces the condition of that type unless status and reason are unchanged (keeps transition times stable).</summary>
    private static void Upsert(JsonObject status, JsonObject condition)
    {
        var conditions = status["conditions"] as JsonArray ?? new JsonArray();
        status["conditions"] = conditions;
        var existing = conditions.OfType<JsonObject>().FirstOrDefault(c => Json.Str(c, "type") == Json.Str(condition, "type"));
        if (existing is not null && Json.Str(existing, "status") == Json.Str(condition, "status")
            && Json.Str(existing, "reason") == Json.Str(condition, "reason")) return;
        if (existing is not null) conditions.Remove(existing);
        conditions.Push(condition);
    }

    // ------------------------------------------------------------------ workloads

    private void Deployment(ResourceType type, StoredObject d)
    {
        var replicas = Json.Long(d.Object["spec"], "replicas") ?? 1;
        var generation = Json.Long(d.Metadata, "generation") ?? 1;
        var neverReady = Annotation(d, SimulationOptions.NeverReadyAnnotation);
        var ready = neverReady ? 0 : replicas;
        if (Json.Long(d.Object["status"], "observedGeneration") == generation
            && Json.Long(d.Object["status"], "availableReplicas") == (neverReady ? null : ready)
            && Json.Long(d.Object["status"], "replicas") == replicas) return;
        var now = Now;
        WriteStatus(type, d, (_, status) =>
        {
            status["observedGeneration"] = generation;
            status["replicas"] = replicas;
            status["updatedReplicas"] = replicas;
            if (ready > 0) { status["readyReplicas"] = ready; status["availableReplicas"] = ready; }
            else { status.Remove("readyReplicas"); status.Remove("availableReplicas"); }
            if (replicas - ready > 0) status["unavailableReplicas"] = replicas - ready;
            else status.Remove("unavailableReplicas");
            Upsert(status, neverReady
                ? Condition("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.", now, true)
                : Condition("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.", now, true));
            Upsert(status, neverReady
                ? Condition("Progressing", "True", "ReplicaSetUpdated", $"ReplicaSet \"{d.Name}-{Hash(d)}\" is progressing.", now, true)
                : Condition("Progressing", "True", "NewReplicaSetAvailable",
                    $"ReplicaSet \"{d.Name}-{Hash(d)}\" has successfully progressed.", now, true));
        });
    }

    private void StatefulSet(ResourceType type, StoredObject s)
    {
        var replicas = Json.Long(s.Object["spec"], "replicas") ?? 1;
        var generation = Json.Long(s.Metadata, "generation") ?? 1;
        var ready = Annotation(s, SimulationOptions.NeverReadyAnnotation) ? 0 : replicas;
        var revision = $"{s.Name}-{Hash(s)}";
        if (Json.Long(s.Object["status"], "observedGeneration") == generation && Json.Str(s.Object["status"], "updateRevision") == revision
            && (Json.Long(s.Object["status"], "readyReplicas") ?? 0) == ready
                && Json.Long(s.Object["status"], "replicas") == replicas) return;
        WriteStatus(type, s, (_, status) =>
        {
            status["observedGeneration"] = generation;
            status["replicas"] = replicas;
            status["readyReplicas"] = ready;
            status["currentReplicas"] = replicas;
            status["updatedReplicas"] = replicas;
            status["availableReplicas"] = ready;
            status["currentRevision"] = revision;
            status["updateRevision"] = revision;
            status["collisionCount"] = 0;
        });
    }

    private void ReplicaSet(ResourceType type, StoredObject r)
    {
        var replicas = Json.Long(r.Object["spec"], "replicas") ?? 1;
        var generation = Json.Long(r.Metadata, "generation") ?? 1;
        var ready = Annotation(r, SimulationOptions.NeverReadyAnnotation) ? 0 : replicas;
        if (Json.Long(r.Object["status"], "observedGeneration") == generation && Json.Long(r.Object["status"], "replicas") == replicas
            && (Json.Long(r.Object["status"], "readyReplicas") ?? 0) == ready) return;
        WriteStatus(type, r, (_, status) =>
        {
            status["observedGeneration"] = generation;
            status["replicas"] = replicas;
            status["fullyLabeledReplicas"] = replicas;
            status["readyReplicas"] = ready;
            status["availableReplicas"] = ready;
        });
    }

    private void DaemonSet(ResourceType type, StoredObject ds)
    {
        var generation = Json.Long(ds.Metadata, "generation") ?? 1;
        if (Json.Long(ds.Object["status"], "observedGeneration") == generation) return;
        var ready = Annotation(ds, SimulationOptions.NeverReadyAnnotation) ? 0 : 1;
        WriteStatus(type, ds, (_, status) =>
        {
            // One simulated node.
            status["observedGeneration"] = generation;
            status["desiredNumberScheduled"] = 1;
            status["currentNumberScheduled"] = 1;
            status["updatedNumberScheduled"] = 1;
            status["numberReady"] = ready;
            status["numberAvailable"] = ready;
            status["numberMisscheduled"] = 0;
            if (ready == 0) status["numberUnavailable"] = 1;
        });
    }

    private void Job(ResourceType type, StoredObject job)
    {
        var status = job.Object["status"] as JsonObject;
        if (Json.Bool(job.Object["spec"], "suspend") == true) return;
        if (FindCondition(status, "Complete") is not null || FindCondition(status, "Failed") is not null) return;
        var parallelism = Json.Long(job.Object["spec"], "parallelism") ?? 1;
        var now = Now;
        if (status?["startTime"] is null)
        {
            WriteStatus(type, job, (_, s) =>
            {
                s["startTime"] = now;
                s["active"] = parallelism;
                s["ready"] = parallelism;
                s["terminating"] = 0;
                s["uncountedTerminatedPods"] = new JsonObject();
            });
            return;
        }
        if (Annotation(job, SimulationOptions.NeverReadyAnnotation)) return;
        var fail = Annotation(job, SimulationOptions.FailAnnotation);
        var completions = Json.Long(job.Object["spec"], "completions") ?? 1;
        var backoff = Json.Long(job.Object["spec"], "backoffLimit") ?? 6;
        WriteStatus(type, job, (_, s) =>
        {
            s["active"] = 0;
            s["ready"] = 0;
            s["terminating"] = 0;
            s["uncountedTerminatedPods"] = new JsonObject();
            if (fail)
            {
                s["failed"] = backoff + 1;
                Upsert(s, Condition("FailureTarget", "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit", now));
                Upsert(s, Condition("Failed", "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit", now));
            }
            else
            {
                s["succeeded"] = completions;
                Upsert(s, Condition("SuccessCriteriaMet", "True", "CompletionsReached", "Reached expected number of succeeded pods", now));
                Upsert(s, Condition("Complete", "True", "CompletionsReached", "Reached expected number of succeeded pods", now));
                s["completionTime"] = now;
            }
            foreach (var c in (s["conditions"] as JsonArray ?? []).OfType<JsonObject>()) c["lastProbeTime"] ??= now;
        });
    }

    // ------------------------------------------------------------------ kubelet

    private void Pod(ResourceType type, StoredObject pod)
    {
        if (pod.IsDeleting)
        {
            // The kubelet's final delete (grace 0); finalizers still hold the pod until their owners remove them.
            if (!pod.Finalizers.Any()) _objects.ForceRemove(type, pod.Key);
            return;
        }
        var spec = pod.Object["spec"] as JsonObject;
        if (string.IsNullOrEmpty(Json.Str(spec, "nodeName")))
        {
            _objects.Update(type, pod.Namespace, pod.Name, current =>
            {
                var copy = current!.Clone();
                Json.Obj(copy, "spec")["nodeName"] = "sandbox-node";
                return copy;
            }, WriteRequest.Internal("default-scheduler"));
            return;
        }
        var phase = Json.Str(pod.Object["status"], "phase");
        if (Annotation(pod, SimulationOptions.NeverReadyAnnotation)) return;
        var ownedByJob = (pod.Metadata["ownerReferences"] as JsonArray ?? []).OfType<JsonObject>().Any(r => Json.Str(r, "kind") == "Job");
        var now = Now;
        var containers = (spec?["containers"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        if (phase is null or "" or "Pending")
        {
            WriteStatus(type, pod, (_, s) =>
            {
                s["phase"] = "Running";
                s["startTime"] = now;
                s["hostIP"] = "10.0.0.1";
                s["hostIPs"] = new JsonArray(new JsonObject { ["ip"] = "10.0.0.1" });
                var subnet = Math.Abs(pod.Uid.GetHashCode(StringComparison.Ordinal) % 250);
                var host = Math.Abs(pod.Name.GetHashCode(StringComparison.Ordinal) % 250) + 2;
                var ip = $"10.244.{subnet}.{host}";
                s["podIP"] = ip;
                s["podIPs"] = new JsonArray(new JsonObject { ["ip"] = ip });
                s["qosClass"] = "BestEffort";
                s["conditions"] = new JsonArray(
                    Condition("PodReadyToStartContainers", "True", "", "", now), Condition("Initialized", "True", "", "", now),
                    Condition("Ready", "True", "", "", now), Condition("ContainersReady", "True", "", "", now),
                    Condition("PodScheduled", "True", "", "", now));
                foreach (var c in s["conditions"]!.AsArray().OfType<JsonObject>())
                {
                    c.Remove("reason");
                    c.Remove("message");
                    c["lastProbeTime"] = null;
                }
                s["containerStatuses"] = new JsonArray(containers.Select(c => (JsonNode?)new JsonObject
                {
                    ["name"] = Json.Str(c, "name"), ["image"] = Json.Str(c, "image"), ["imageID"] = "", ["ready"] = true,
                    ["started"] = true, ["restartCount"] = 0,
                    ["state"] = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = now } },
                }).ToArray());
            });
            return;
        }
        if (phase == "Running" && ownedByJob)
        {
            WriteStatus(type, pod, (_, s) =>
            {
                s["phase"] = Annotation(pod, SimulationOptions.FailAnnotation) ? "Failed" : "Succeeded";
                foreach (var c in (s["conditions"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    if (Json.Str(c, "type") is "Ready" or "ContainersReady") { c["status"] = "False"; c["reason"] = "PodCompleted"; }
                }
                s["containerStatuses"] = new JsonArray(containers.Select(c => (JsonNode?)new JsonObject
                {
                    ["name"] = Json.Str(c, "name"), ["image"] = Json.Str(c, "image"), ["imageID"] = "", ["ready"] = false,
                    ["started"] = false, ["restartCount"] = 0,
                    ["state"] = new JsonObject { ["terminated"] = new JsonObject { ["exitCode"] = 0, ["reason"] = "Completed",
                        ["startedAt"] = now, ["finishedAt"] = now } },
                }).ToArray());
            });
        }
    }

    private void Claim(ResourceType type, StoredObject pvc)
    {
        if (Json.Str(pvc.Object["status"], "phase") == "Bound" || Annotation(pvc, SimulationOptions.NeverReadyAnnotation)) return;
        if (string.IsNullOrEmpty(Json.Path(pvc.Object, "spec.volumeName")?.GetValue<string>()))
        {
            _objects.Update(type, pvc.Namespace, pvc.Name, current =>
            {
                var copy = current!.Clone();
                Json.Obj(copy, "spec")["volumeName"] = $"pvc-{current.Uid}";
                return copy;
            }, WriteRequest.Internal("persistentvolume-controller"));
            return;
        }
        WriteStatus(type, pvc, (obj, s) =>
        {
            s["phase"] = "Bound";
            s["accessModes"] = Json.Path(obj, "spec.accessModes")?.DeepClone() ?? new JsonArray("ReadWriteOnce");
            if (Json.Path(obj, "spec.resources.requests.storage") is { } storage)
                s["capacity"] = new JsonObject { ["storage"] = storage.DeepClone() };
        });
    }

    private static string Hash(StoredObject obj)
    {
        var template = Json.ToBytes(Json.Path(obj.Object, "spec.template"));
        var hash = BitConverter.ToUInt32(System.Security.Cryptography.SHA256.HashData(template), 0);
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        var chars = new char[10];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = alphabet[(int)(hash % (uint)alphabet.Length)];
            hash = hash / (uint)alphabet.Length + (uint)(i * 7919);
        }
        return new string(chars);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}
