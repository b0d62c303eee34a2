using Fluid.Values;
using Orkestra.Templating.Values;
using static Orkestra.Templating.Functions.Library.Args;

namespace Orkestra.Templating.Functions.Library;

/// <summary>Status helpers for the child kinds: replicas, containers, services, jobs, HPAs, ingresses, PVCs.</summary>
internal static class Workloads
{
    public static void Register(FunctionRegistry r)
    {
        const string R = "replicas";
        Count(r, R, "readyReplicas", "status.readyReplicas (0 when absent)", "status", "readyReplicas");
        Count(r, R, "availableReplicas", "status.availableReplicas (0 when absent)", "status", "availableReplicas");
        Count(r, R, "updatedReplicas", "status.updatedReplicas (0 when absent)", "status", "updatedReplicas");
        r.Add(R, "desiredReplicas", "desiredReplicas OBJ", "spec.replicas (1 when absent, as Kubernetes defaults it)", 1, 1, ValueShape.Number, (a, in _) => Num(Desired(a[0])));
        TemplateFunction allReady = (a, in _) => Bool(!GoValues.IsNil(a[0]) && PathInt(a[0], "status", "readyReplicas") == Desired(a[0]));
        r.Add(R, "allReplicasReady", "allReplicasReady OBJ", "true when ready replicas equal desired replicas (true at 0 of 0; false for a missing object)", 1, 1, ValueShape.Bool, allReady);
        r.Add(R, "replicasReady", "replicasReady OBJ", "same as allReplicasReady", 1, 1, ValueShape.Bool, allReady);
        r.Add(R, "rolloutComplete", "rolloutComplete OBJ", "true when updated replicas equal desired replicas", 1, 1, ValueShape.Bool,
            (a, in _) => Bool(!GoValues.IsNil(a[0]) && PathInt(a[0], "status", "updatedReplicas") == Desired(a[0])));

        const string K = "containers";
        r.Add(K, "containerImage", "containerImage OBJ I", "the image of container I (pod template or pod), or \"\"", 2, 2, ValueShape.String, (a, in _) => Str(Str(Path(Container(a[0], a[1]), "image"))));
        r.Add(K, "containerEnv", "containerEnv OBJ I NAME", "the value of env NAME in container I, or \"\"", 3, 3, ValueShape.String, (a, in _) =>
        {
            var name = Str(a[2]);
            var env = GoValues.EnumerateList(Path(Container(a[0], a[1]), "env")).FirstOrDefault(e => Str(Path(e, "name")) == name);
            return Str(env is null ? "" : Str(Path(env, "value")));
        });
        r.Add(K, "containerPort", "containerPort OBJ I PORT", "true when container I exposes PORT", 3, 3, ValueShape.Bool, (a, in _) =>
        {
            var port = Int("containerPort", a[2]);
            return Bool(GoValues.EnumerateList(Path(Container(a[0], a[1]), "ports")).Any(p => PathInt(p, "containerPort") == port));
        });

        const string S = "services";
        Text(r, S, "serviceClusterIP", "spec.clusterIP, or \"\"", "spec", "clusterIP");
        r.Add(S, "serviceNodePort", "serviceNodePort OBJ", "the nodePort of the first port (0 when absent)", 1, 1, ValueShape.Number,
            (a, in _) => Num(PathInt(GoValues.ListItem(Path(a[0], "spec", "ports"), 0), "nodePort")));
        r.Add(S, "serviceLoadBalancerIP", "serviceLoadBalancerIP OBJ", "the first load-balancer ingress IP, or \"\"", 1, 1, ValueShape.String,
            (a, in _) => Str(Str(Path(GoValues.ListItem(Path(a[0], "status", "loadBalancer", "ingress"), 0), "ip"))));
        r.Add(S, "serviceLoadBalancerHost", "serviceLoadBalancerHost OBJ", "the first load-balancer ingress hostname, or \"\"", 1, 1, ValueShape.String,
            (a, in _) => Str(Str(Path(GoValues.ListItem(Path(a[0], "status", "loadBalancer", "ingress"), 0), "hostname"))));

        const string J = "jobs";
        r.Add(J, "jobSucceeded", "jobSucceeded OBJ", "true when status.succeeded > 0", 1, 1, ValueShape.Bool, (a, in _) => Bool(PathInt(a[0], "status", "succeeded") > 0));
        r.Add(J, "jobFailed", "jobFailed OBJ", "true when status.failed > 0", 1, 1, ValueShape.Bool, (a, in _) => Bool(PathInt(a[0], "status", "failed") > 0));
        r.Add(J, "jobActive", "jobActive OBJ", "true when status.active > 0", 1, 1, ValueShape.Bool, (a, in _) => Bool(PathInt(a[0], "status", "active") > 0));
        r.Add(J, "cronJobActiveCount", "cronJobActiveCount OBJ", "number of running jobs of a CronJob (status.active)", 1, 1, ValueShape.Number,
            (a, in _) => Num(GoValues.Count(Path(a[0], "status", "active"))));
        Text(r, J, "cronJobLastScheduleTime", "status.lastScheduleTime of a CronJob, or \"\"", "status", "lastScheduleTime");
        Text(r, J, "cronJobLastSuccessTime", "status.lastSuccessfulTime of a CronJob, or \"\"", "status", "lastSuccessfulTime");

        const string H = "hpa";
        Count(r, H, "hpaCurrentReplicas", "status.currentReplicas of an HPA", "status", "currentReplicas");
        Count(r, H, "hpaDesiredReplicas", "status.desiredReplicas of an HPA", "status", "desiredReplicas");
        r.Add(H, "hpaMinReplicas", "hpaMinReplicas OBJ", "spec.minReplicas of an HPA (1 when absent)", 1, 1, ValueShape.Number,
            (a, in _) => Num(GoValues.IsNil(Path(a[0], "spec", "minReplicas")) ? 1 : PathInt(a[0], "spec", "minReplicas")));
        Count(r, H, "hpaMaxReplicas", "spec.maxReplicas of an HPA", "spec", "maxReplicas");
        r.Add(H, "hpaAtMax", "hpaAtMax OBJ", "true when current replicas reached maxReplicas", 1, 1, ValueShape.Bool,
            (a, in _) => Bool(!GoValues.IsNil(a[0]) && PathInt(a[0], "status", "currentReplicas") >= PathInt(a[0], "spec", "maxReplicas")));
        Cond(r, H, "hpaAbleToScale", "true when the AbleToScale condition is True", "AbleToScale");
        Cond(r, H, "hpaScalingActive", "true when the ScalingActive condition is True", "ScalingActive");
        Cond(r, H, "hpaScalingLimited", "true when the ScalingLimited condition is True", "ScalingLimited");
        r.Add(H, "hpaScaling", "hpaScaling OBJ", "true when scaling is active and current differs from desired replicas", 1, 1, ValueShape.Bool,
            (a, in _) => Bool(Str(Path(KubeObjects.Condition(a[0], "ScalingActive"), "status")) == "True"
                              && PathInt(a[0], "status", "currentReplicas") != PathInt(a[0], "status", "desiredReplicas")));

        const string I = "ingress";
        Text(r, I, "ingressClassName", "spec.ingressClassName, or \"\"", "spec", "ingressClassName");
        r.Add(I, "ingressHost", "ingressHost OBJ", "the host of the first rule, or \"\"", 1, 1, ValueShape.String, (a, in _) => Str(Str(Path(GoValues.ListItem(Path(a[0], "spec", "rules"), 0), "host"))));
        r.Add(I, "ingressIP", "ingressIP OBJ", "the first load-balancer IP, or \"\"", 1, 1, ValueShape.String,
            (a, in _) => Str(Str(Path(GoValues.ListItem(Path(a[0], "status", "loadBalancer", "ingress"), 0), "ip"))));
        r.Add(I, "ingressReady", "ingressReady OBJ", "true when the ingress has a load-balancer address", 1, 1, ValueShape.Bool,
            (a, in _) => Bool(GoValues.Count(Path(a[0], "status", "loadBalancer", "ingress")) > 0));
        r.Add(I, "ingressRules", "ingressRules OBJ", "the rule hosts, comma-separated", 1, 1, ValueShape.String,
            (a, in _) => Str(string.Join(",", GoValues.EnumerateList(Path(a[0], "spec", "rules")).Select(x => Str(Path(x, "host"))).Where(h => h.Length > 0))));
        r.Add(I, "ingressTLSHosts", "ingressTLSHosts OBJ", "the TLS hosts, comma-separated", 1, 1, ValueShape.String,
            (a, in _) => Str(string.Join(",", GoValues.EnumerateList(Path(a[0], "spec", "tls")).SelectMany(t => GoValues.EnumerateList(Path(t, "hosts"))).Select(Str))));

        const string P = "pvc";
        Text(r, P, "pvcPhase", "status.phase of a PVC, or \"\"", "status", "phase");
        r.Add(P, "pvcBound", "pvcBound OBJ", "true when the PVC is Bound", 1, 1, ValueShape.Bool, (a, in _) => Bool(Str(Path(a[0], "status", "phase")) == "Bound"));
        Text(r, P, "pvcCapacity", "status.capacity.storage of a PVC, or \"\"", "status", "capacity", "storage");
        r.Add(P, "pvcAccessModes", "pvcAccessModes OBJ", "the access modes, comma-separated", 1, 1, ValueShape.String,
            (a, in _) => Str(string.Join(",", GoValues.EnumerateList(Path(a[0], "spec", "accessModes")).Select(Str))));
        Text(r, P, "pvcStorageClass", "spec.storageClassName of a PVC, or \"\"", "spec", "storageClassName");
        Text(r, P, "pvcVolumeMode", "spec.volumeMode of a PVC, or \"\"", "spec", "volumeMode");
    }

    private static long Desired(FluidValue obj) => GoValues.IsNil(Path(obj, "spec", "replicas")) ? 1 : PathInt(obj, "spec", "replicas");

    private static FluidValue Container(FluidValue obj, FluidValue index)
    {
        var containers = Path(obj, "spec", "template", "spec", "containers");
        if (GoValues.IsNil(containers)) containers = Path(obj, "spec", "containers");
        return GoValues.ListItem(containers, (int)Math.Clamp(Int("container", index), -1, int.MaxValue));
    }

    private static void Count(FunctionRegistry r, string category, string name, string description, params string[] path) =>
        r.Add(category, name, $"{name} OBJ", description, 1, 1, ValueShape.Number, (a, in _) => Num(PathInt(a[0], path)));

    private static void Text(FunctionRegistry r, string category, string name, string description, params string[] path) =>
        r.Add(category, name, $"{name} OBJ", description, 1, 1, ValueShape.String, (a, in _) => Str(Str(Path(a[0], path))));

    private static void Cond(FunctionRegistry r, string category, string name, string description, string type) =>
        r.Add(category, name, $"{name} OBJ", description, 1, 1, ValueShape.Bool, (a, in _) => Bool(Str(Path(KubeObjects.Condition(a[0], type), "status")) == "True"));
}
