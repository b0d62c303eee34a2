using static Orkestra.Templating.Tests.Functions.FunctionTestKit;

namespace Orkestra.Templating.Tests.Functions;

/// <summary>Kubernetes object helpers and the per-kind status/enrichment helpers. Every helper is also called with nil
/// (a child that does not exist yet) and must return its neutral value instead of failing.</summary>
public class KubernetesFunctionTests
{
    private static readonly object Deployment = Json("""
        {"apiVersion":"apps/v1","kind":"Deployment",
         "metadata":{"name":"web","namespace":"prod","uid":"u-1","resourceVersion":"14872","generation":3,
                     "creationTimestamp":"2026-05-19T10:30:00Z",
                     "labels":{"app":"frontend","tier":"web","count":"3","empty":""},
                     "annotations":{"deployment.kubernetes.io/revision":"2","orkestra.io/phase":"live","n":"12","bad":"x"},
                     "ownerReferences":[{"kind":"Website","name":"site"},{"kind":"Other","name":"o"}]},
         "spec":{"replicas":3,"resources":{"requests":{"cpu":"100m","memory":"128Mi"}},
                 "template":{"spec":{"containers":[
                   {"name":"app","image":"nginx:1.25","env":[{"name":"APP_ENV","value":"production"}],
                    "ports":[{"name":"http","containerPort":8080},{"name":"metrics","containerPort":9090}]},
                   {"name":"sidecar","image":"envoy:1"}]}}},
         "status":{"observedGeneration":3,"readyReplicas":2,"availableReplicas":2,"updatedReplicas":3,"phase":"Running",
                   "loadBalancer":{"ingress":[{"ip":"1.2.3.4"}]},
                   "conditions":[{"type":"Available","status":"True","reason":"MinimumReplicasAvailable","message":"ok"},
                                 {"type":"Progressing","status":"False","reason":"Stalled","message":"stuck"}]},
         "_pods":[
           {"name":"web-0","ip":"10.0.0.1","phase":"Running","ready":true,"node":"node-1","restartCount":0,"ordinal":0,"exitCode":-1,
            "containers":[{"name":"app","state":"Running","reason":""}]},
           {"name":"web-1","ip":"10.0.0.2","phase":"Running","ready":true,"node":"node-2","restartCount":5,"ordinal":1,"exitCode":-1,
            "containers":[{"name":"app","state":"Waiting","reason":"CrashLoopBackOff"},{"name":"sidecar","state":"Waiting","reason":"ImagePullBackOff"}]},
           {"name":"web-2","ip":"","phase":"Pending","ready":false,"node":"","restartCount":1,"ordinal":2,"exitCode":-1,
            "containers":[{"name":"app","state":"Waiting","reason":"CrashLoopBackOff"}]}],
         "_warnings":[{"reason":"BackOff","message":"Back-off restarting failed container"},
                      {"reason":"OOMKilled","message":"OOMKilled"},{"reason":"BackOff","message":"again"}],
         "_replicaSets":[
           {"metadata":{"name":"web-7cb76d588c","annotations":{"deployment.kubernetes.io/revision":"1"}}},
           {"metadata":{"name":"web-d9c74fd9b","annotations":{"deployment.kubernetes.io/revision":"2"}}}],
         "_owner":{"kind":"Website","name":"site"},
         "_node":{"name":"ip-10-0-1-5","zone":"us-east-2a","region":"us-east-2","instanceType":"t3.medium"}}
        """);

    private static readonly object Scaled0 = Json("""{"spec":{"replicas":0},"status":{}}""");
    private static readonly object NoReplicas = Json("""{"spec":{},"status":{"readyReplicas":1,"updatedReplicas":1}}""");
    private static readonly object Pod = Json("""{"kind":"Pod","spec":{"containers":[{"name":"c","image":"busybox"}]},"status":{"phase":"Succeeded"}}""");
    private static readonly object CronJobTemplate = Json("""{"spec":{"jobTemplate":{"spec":{"template":{"spec":{"containers":[{"image":"cron:1"}]}}}}}}""");

    private static readonly object Job = Json("""
        {"status":{"succeeded":1,"failed":0,"active":0},
         "_pods":[{"name":"job-a","phase":"Succeeded","exitCode":0},{"name":"job-b","phase":"Failed","exitCode":2},
                  {"name":"job-c","phase":"Running","exitCode":-1}]}
        """);
    private static readonly object RunningJob = Json("""{"status":{"active":1},"_pods":[{"name":"job-c","phase":"Running","exitCode":-1}]}""");
    private static readonly object CronJob = Json("""
        {"status":{"active":[{"name":"j1"},{"name":"j2"}],"lastScheduleTime":"2026-05-19T10:00:00Z",
                   "lastSuccessfulTime":"2026-05-19T09:00:00Z","nextScheduleTime":"2026-05-19T11:00:00Z"},
         "_lastJob":{"metadata":{"name":"my-job-28600000"},"status":{"succeeded":1}},
         "_lastSuccessfulJob":{"metadata":{"name":"my-job-28599900"}}}
        """);

    private static readonly object Service = Json("""
        {"spec":{"clusterIP":"10.96.0.1","ports":[{"name":"http","port":80,"nodePort":31234},{"name":"admin","port":81,"nodePort":31235}]},
         "status":{"loadBalancer":{"ingress":[{"ip":"34.123.45.67","hostname":"abc.elb.amazonaws.com"}]}},
         "_endpoints":[{"ip":"10.0.0.1","port":8080,"ready":true},{"ip":"10.0.0.2","port":8080,"ready":false}],
         "_backingPods":[{"name":"app-abc"},{"metadata":{"name":"app-def"}}]}
        """);
    private static readonly object EndpointsObjectService = Json("""
        {"_endpoints":{"subsets":[{"addresses":[{"ip":"10.1.0.1"}],"notReadyAddresses":[{"ip":"10.1.0.2"}],"ports":[{"port":9000}]}]}}
        """);
    private static readonly object NotReadyService = Json("""{"_endpoints":[{"ip":"10.0.0.9","port":80,"ready":false}]}""");

    private static readonly object Hpa = Json("""
        {"spec":{"maxReplicas":10,"scaleTargetRef":{"kind":"Deployment","name":"ref-app"}},
         "status":{"currentReplicas":10,"desiredReplicas":12,
                   "conditions":[{"type":"AbleToScale","status":"True"},{"type":"ScalingActive","status":"True"},{"type":"ScalingLimited","status":"True"}]},
         "_currentMetrics":[{"type":"Resource"},{"type":"External"}],
         "_scaleTarget":{"kind":"Deployment","name":"my-app"}}
        """);
    private static readonly object HpaUnknownMetric = Json("""
        {"spec":{"minReplicas":2,"maxReplicas":5},"status":{"currentReplicas":2,"desiredReplicas":0,
         "currentMetrics":[{"type":"Pods"}],"conditions":[{"type":"ScalingActive","status":"False"}]}}
        """);

    private static readonly object IngressObj = Json("""
        {"spec":{"ingressClassName":"nginx","rules":[{"host":"api.example.com"},{},{"host":"www.example.com"}],
                 "tls":[{"hosts":["api.example.com","www.example.com"],"secretName":"tls"}]},
         "status":{"loadBalancer":{"ingress":[{"hostname":"abc123.elb.amazonaws.com"}]}},
         "_loadBalancerIPs":["1.2.3.4","abc.elb.amazonaws.com"],"_tlsSecrets":[{"name":"tls"}]}
        """);

    private static readonly object PvcObj = Json("""
        {"spec":{"accessModes":["ReadWriteOnce","ReadOnlyMany"],"storageClassName":"standard","resources":{"requests":{"storage":"10Gi"}}},
         "status":{"phase":"Bound"},
         "_pv":{"metadata":{"annotations":{"pv.kubernetes.io/provisioned-by":"ebs.csi.aws.com"}},"spec":{"volumeMode":"Filesystem"}},
         "_storageClass":{"provisioner":"ebs.csi.aws.com","reclaimPolicy":"Retain"}}
        """);

    private static readonly object Node = Json("""
        {"spec":{"taints":[{"key":"node.kubernetes.io/not-ready"},{"key":"dedicated"}]},
         "status":{"allocatable":{"cpu":"3920m","memory":"15032020Ki"},
                   "conditions":[{"type":"Ready","status":"True"},{"type":"MemoryPressure","status":"False"}]}}
        """);

    private static readonly object StatefulSet = Json("""
        {"status":{"currentRevision":"sts-6d8f4b9c5","updateRevision":"sts-7a2c1d4f8"},"_pvcs":[{},{},{}]}
        """);

    private static readonly object ServedCr = Json("""
        {"metadata":{"annotations":{"orkestra.orkspace.io/serve-target":"smartapp","orkestra.orkspace.io/serve-source":"github"}}}
        """);

    private static readonly object PromVector = Json("""
        {"status":200,"body":{"status":"success","data":{"resultType":"vector","result":[
          {"metric":{"namespace":"a"},"value":[1700000000,"3"]},{"metric":{"namespace":"b"},"value":[1700000000,"4.5"]}]}}}
        """);
    private static readonly object PromScalar = Json("""{"data":{"resultType":"scalar","result":[1700000000,"42"]}}""");
    private static readonly object PromText = Json("""
        {"body":"{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":[1,\"0.004\"]}]}}"}
        """);
    private static readonly object PromEmpty = Json("""{"body":{"data":{"resultType":"vector","result":[]}}}""");

    public static IEnumerable<TestCaseData> Rows()
    {
        // object access
        yield return Row("live", "get", Deployment, "metadata", "annotations", "orkestra.io/phase");
        yield return Row("nginx:1.25", "get", Deployment, "spec", "template", "spec", "containers", 0, "image");
        yield return Row("", "get", Deployment, "spec", "missing", "deeper");
        yield return Row("", "get", Nil, "a");
        yield return Row("3", "get", Deployment, "spec", "replicas");
        yield return Row("web", "get", Json("""{"metadata":{"name":"web"}}"""), "metadata", "name");
        yield return Row("prod", "mapGet", Call("meta", Deployment), "namespace");
        yield return Row("map[]", "meta", Nil);
        yield return Row("3", "mapGet", Call("spec", Deployment), "replicas");
        yield return Row("map[]", "spec", Json("{}"));
        yield return Row("2", "mapGet", Call("status", Deployment), "readyReplicas");
        yield return Row("map[]", "status", Nil);
        yield return Row("frontend", "mapGet", Call("labels", Deployment), "app");
        yield return Row("map[]", "labels", Nil);
        yield return Row("map[]", "annotations", Json("""{"metadata":{}}"""));
        yield return Row("frontend", "getLabel", Deployment, "app");
        yield return Row("", "getLabel", Deployment, "missing");
        yield return Row("", "getLabel", Nil, "app");
        yield return Row("3", "getLabelInt", Deployment, "count");
        yield return Row("0", "getLabelInt", Deployment, "app");
        yield return Row("0", "getLabelInt", Nil, "count");
        yield return Row("true", "hasLabel", Deployment, "tier");
        yield return Row("false", "hasLabel", Deployment, "empty");
        yield return Row("false", "hasLabel", Deployment, "missing");
        yield return Row("true", "labelMatches", Deployment, "app", "frontend", "tier", "web");
        yield return Row("false", "labelMatches", Deployment, "app", "frontend", "tier", "db");
        yield return Row("false", "labelMatches", Nil, "app", "frontend");
        yield return Row("live", "getAnnotation", Deployment, "orkestra.io/phase");
        yield return Row("", "getAnnotation", Deployment, "nope");
        yield return Row("12", "getAnnotationInt", Deployment, "n");
        yield return Row("0", "getAnnotationInt", Deployment, "bad");
        yield return Row("true", "hasAnnotation", Deployment, "n");
        yield return Row("false", "hasAnnotation", Nil, "n");
        yield return Row("2", "getStatus", Deployment, "readyReplicas");
        yield return Row("Running", "getStatus", Deployment, "phase");
        yield return Row("", "getStatus", Deployment, "conditions");
        yield return Row("", "getStatus", Nil, "phase");
        yield return Row("true", "hasStatus", Deployment, "loadBalancer");
        yield return Row("true", "hasStatus", Deployment, "readyReplicas");
        yield return Row("false", "hasStatus", Scaled0, "readyReplicas");
        yield return Row("Running", "phase", Deployment);
        yield return Row("", "phase", Nil);
        yield return Row("true", "hasCondition", Deployment, "Available");
        yield return Row("false", "hasCondition", Deployment, "Progressing");
        yield return Row("false", "hasCondition", Deployment, "Ready");
        yield return Row("false", "hasCondition", Nil, "Ready");
        yield return Row("MinimumReplicasAvailable", "conditionReason", Deployment, "Available");
        yield return Row("", "conditionReason", Deployment, "Ready");
        yield return Row("stuck", "conditionMessage", Deployment, "Progressing");
        yield return Row("", "conditionMessage", Nil, "Progressing");
        yield return Row("3", "generation", Deployment);
        yield return Row("0", "generation", Nil);
        yield return Row("3", "observedGeneration", Deployment);
        yield return Row("true", "isSynced", Deployment);
        yield return Row("false", "isSynced", Json("""{"metadata":{"generation":4},"status":{"observedGeneration":3}}"""));
        yield return Row("true", "isSynced", Json("{}"));
        yield return Row("false", "isSynced", Nil);
        yield return Row("false", "isTerminating", Deployment);
        yield return Row("true", "isTerminating", Json("""{"metadata":{"deletionTimestamp":"2026-05-20T10:00:00Z"}}"""));
        yield return Row("true", "resourceExists", Deployment);
        yield return Row("false", "resourceExists", Nil);
        yield return Row("false", "resourceExists", "a string");
        yield return Row("Website", "ownerKind", Deployment);
        yield return Row("site", "ownerName", Deployment);
        yield return Row("", "ownerKind", Nil);
        yield return Row("100m", "resourceCPU", Deployment);
        yield return Row("128Mi", "resourceMemory", Deployment);
        yield return Row("", "resourceCPU", Nil);
        yield return Row("web", "name", Deployment);
        yield return Row("prod", "namespace", Deployment);
        yield return Row("web", "resourceName", Deployment);
        yield return Row("", "resourceName", Nil);
        yield return Row("prod", "resourceNamespace", Deployment);
        yield return Row("", "resourceNamespace", Node);
        yield return Row("u-1", "resourceUID", Deployment);
        yield return Row("14872", "resourceVersion", Deployment);
        yield return Row("2026-05-19T10:30:00Z", "creationTimestamp", Deployment);

        // replicas
        yield return Row("2", "readyReplicas", Deployment);
        yield return Row("0", "readyReplicas", Nil);
        yield return Row("2", "availableReplicas", Deployment);
        yield return Row("3", "updatedReplicas", Deployment);
        yield return Row("3", "desiredReplicas", Deployment);
        yield return Row("1", "desiredReplicas", NoReplicas);
        yield return Row("1", "desiredReplicas", Nil);
        yield return Row("false", "allReplicasReady", Deployment);
        yield return Row("true", "allReplicasReady", Scaled0);
        yield return Row("true", "allReplicasReady", NoReplicas);
        yield return Row("false", "allReplicasReady", Nil);
        yield return Row("false", "replicasReady", Deployment);
        yield return Row("true", "rolloutComplete", Deployment);
        yield return Row("true", "rolloutComplete", Scaled0);
        yield return Row("false", "rolloutComplete", Nil);

        // containers
        yield return Row("nginx:1.25", "containerImage", Deployment, 0);
        yield return Row("envoy:1", "containerImage", Deployment, 1);
        yield return Row("", "containerImage", Deployment, 5);
        yield return Row("busybox", "containerImage", Pod, 0);
        yield return Row("cron:1", "containerImage", CronJobTemplate, 0);
        yield return Row("", "containerImage", Nil, 0);
        yield return Row("production", "containerEnv", Deployment, 0, "APP_ENV");
        yield return Row("", "containerEnv", Deployment, 0, "MISSING");
        yield return Row("true", "containerPort", Deployment, 0, 8080);
        yield return Row("false", "containerPort", Deployment, 0, 80);
        yield return Row("false", "containerPort", Nil, 0, 80);
        yield return Row("9090", "containerPortByName", Deployment, 0, "metrics");
        yield return Row("0", "containerPortByName", Deployment, 0, "grpc");
        yield return Row("[8080 9090]", "containerPorts", Deployment, 0);
        yield return Row("[]", "containerPorts", Nil, 0);
        yield return Row("2", "containerCount", Deployment);
        yield return Row("0", "containerCount", Nil);

        // services
        yield return Row("10.96.0.1", "serviceClusterIP", Service);
        yield return Row("", "serviceClusterIP", Nil);
        yield return Row("31234", "serviceNodePort", Service);
        yield return Row("31235", "serviceNodePort", Service, "admin");
        yield return Row("0", "serviceNodePort", Service, "none");
        yield return Row("0", "serviceNodePort", Nil);
        yield return Row("34.123.45.67", "serviceLoadBalancerIP", Service);
        yield return Row("abc.elb.amazonaws.com", "serviceLoadBalancerHost", Service);
        yield return Row("", "serviceLoadBalancerHost", Deployment);
        yield return Row("true", "endpointsReady", Service);
        yield return Row("false", "endpointsReady", NotReadyService);
        yield return Row("false", "endpointsReady", Nil);
        yield return Row("true", "hasEndpoints", EndpointsObjectService);
        yield return Row("false", "hasEndpoints", NotReadyService);
        yield return Row("10.0.0.1:8080, 10.0.0.2:8080", "serviceEndpoints", Service);
        yield return Row("10.1.0.1:9000, 10.1.0.2:9000", "serviceEndpoints", EndpointsObjectService);
        yield return Row("2", "serviceEndpointCount", Service);
        yield return Row("0", "serviceEndpointCount", Nil);
        yield return Row("10.0.0.1:8080", "serviceFirstEndpoint", Service);
        yield return Row("", "serviceFirstEndpoint", Nil);
        yield return Row("2", "backingPodCount", Service);
        yield return Row("app-abc, app-def", "backingPodNames", Service);
        yield return Row("", "backingPodNames", Nil);

        // jobs
        yield return Row("true", "jobSucceeded", Job);
        yield return Row("false", "jobFailed", Job);
        yield return Row("false", "jobActive", Job);
        yield return Row("true", "jobActive", RunningJob);
        yield return Row("false", "jobSucceeded", Nil);
        yield return Row("job-c", "jobActivePodNames", Job);
        yield return Row("job-b", "jobFailedPodNames", Job);
        yield return Row("job-a", "jobSucceededPodNames", Job);
        yield return Row("", "jobFailedPodNames", Nil);
        yield return Row("0", "jobFirstExitCode", Job);
        yield return Row("-1", "jobFirstExitCode", RunningJob);
        yield return Row("-1", "jobFirstExitCode", Nil);
        yield return Row("2", "cronJobActiveCount", CronJob);
        yield return Row("0", "cronJobActiveCount", Nil);
        yield return Row("2026-05-19T10:00:00Z", "cronJobLastScheduleTime", CronJob);
        yield return Row("", "cronJobLastScheduleTime", Nil);
        yield return Row("2026-05-19T09:00:00Z", "cronJobLastSuccessTime", CronJob);
        yield return Row("2026-05-19T11:00:00Z", "cronJobNextScheduleTime", CronJob);
        yield return Row("my-job-28600000", "cronJobLastJobName", CronJob);
        yield return Row("true", "cronJobLastJobSucceeded", CronJob);
        yield return Row("false", "cronJobLastJobSucceeded", Nil);
        yield return Row("my-job-28599900", "cronJobLastSuccessfulJobName", CronJob);

        // pods (enrichment)
        yield return Row("3", "podCount", Deployment);
        yield return Row("0", "podCount", Nil);
        yield return Row("0", "podCount", Json("""{"_pods":[]}"""));
        yield return Row("2", "readyPodCount", Deployment);
        yield return Row("web-0, web-1, web-2", "podNames", Deployment);
        yield return Row("", "podNames", Nil);
        yield return Row("10.0.0.1, 10.0.0.2", "podIPs", Deployment);
        yield return Row("", "podIPs", Json("""{"_pods":[{"name":"p","ip":"","phase":"Pending"}]}"""));
        yield return Row("node-1, node-2", "podNodes", Deployment);
        yield return Row("Running, Running, Pending", "podPhases", Deployment);
        yield return Row("5", "podMaxRestarts", Deployment);
        yield return Row("0", "podMaxRestarts", Nil);
        yield return Row("true", "hasCrashingPod", Deployment);
        yield return Row("false", "hasCrashingPod", Json("""{"_pods":[{"restartCount":2}]}"""));
        yield return Row("true", "podCrashLoopDetected", Deployment);
        yield return Row("false", "podCrashLoopDetected", Nil);
        yield return Row("true", "podImagePullBackOffDetected", Deployment);
        yield return Row("false", "podErrImagePullDetected", Deployment);
        yield return Row("true", "podErrImagePullDetected", Json("""{"_pods":[{"containers":[{"reason":"ErrImagePull"}]}]}"""));
        yield return Row("true", "podInvalidImageNameDetected", Json("""{"_pods":[{"containers":[{"reason":"InvalidImageName"}]}]}"""));
        yield return Row("true", "podCreateContainerErrorDetected", Json("""{"_pods":[{"containers":[{"reason":"CreateContainerError"}]}]}"""));
        yield return Row("true", "podRunContainerErrorDetected", Json("""{"_pods":[{"containers":[{"reason":"RunContainerError"}]}]}"""));
        yield return Row("true", "podOOMKilledDetected", Json("""{"_pods":[{"containers":[{"state":"Terminated","reason":"OOMKilled"}]}]}"""));
        yield return Row("true", "podErrorDetected", Json("""{"_pods":[{"containers":[{"state":"Terminated","reason":"Error"}]}]}"""));
        yield return Row("false", "podErrorDetected", Deployment);
        yield return Row("true", "podPreStartHookErrorDetected", Json("""{"_pods":[{"containers":[{"reason":"PreStartHookError"}]}]}"""));
        yield return Row("true", "podPostStartHookErrorDetected", Json("""{"_pods":[{"containers":[{"reason":"PostStartHookError"}]}]}"""));
        yield return Row("CrashLoopBackOff, ImagePullBackOff", "podContainerReasons", Deployment);
        yield return Row("", "podContainerReasons", Nil);
        yield return Row("web-1", "get", Call("podByOrdinal", Deployment, 1), "name");
        yield return Row("10.0.0.1", "get", Call("podByOrdinal", Deployment, 0), "ip");
        yield return Row("", "podByOrdinal", Deployment, 9);
        yield return Row("redis-1", "get", Call("podByOrdinal", Json("""{"_pods":[{"name":"redis-0"},{"name":"redis-1"}]}"""), 1), "name");
        yield return Row("Waiting", "podContainerState", Deployment, 1, "sidecar");
        yield return Row("Running", "podContainerState", Deployment, 0, "app");
        yield return Row("", "podContainerState", Deployment, 0, "nope");
        yield return Row("", "podContainerState", Nil, 0, "app");

        // warnings
        yield return Row("true", "hasWarnings", Deployment);
        yield return Row("false", "hasWarnings", Nil);
        yield return Row("3", "warningCount", Deployment);
        yield return Row("Back-off restarting failed container", "firstWarning", Deployment);
        yield return Row("", "firstWarning", Nil);
        yield return Row("Back-off restarting failed container, OOMKilled, again", "warningMessages", Deployment);
        yield return Row("BackOff, OOMKilled", "warningReasons", Deployment);

        // hpa
        yield return Row("10", "hpaCurrentReplicas", Hpa);
        yield return Row("12", "hpaDesiredReplicas", Hpa);
        yield return Row("1", "hpaMinReplicas", Hpa);
        yield return Row("2", "hpaMinReplicas", HpaUnknownMetric);
        yield return Row("10", "hpaMaxReplicas", Hpa);
        yield return Row("true", "hpaAtMax", Hpa);
        yield return Row("false", "hpaAtMax", HpaUnknownMetric);
        yield return Row("false", "hpaAtMax", Nil);
        yield return Row("true", "hpaAbleToScale", Hpa);
        yield return Row("false", "hpaAbleToScale", HpaUnknownMetric);
        yield return Row("true", "hpaScalingActive", Hpa);
        yield return Row("true", "hpaScalingLimited", Hpa);
        yield return Row("true", "hpaScaling", Hpa);
        yield return Row("false", "hpaScaling", HpaUnknownMetric);
        yield return Row("Resource, External", "hpaMetricTypes", Hpa);
        yield return Row("Pods", "hpaMetricTypes", HpaUnknownMetric);
        yield return Row("Deployment", "hpaScaleTargetKind", Hpa);
        yield return Row("my-app", "hpaScaleTargetName", Hpa);
        yield return Row("", "hpaScaleTargetName", Nil);

        // ingress
        yield return Row("nginx", "ingressClassName", IngressObj);
        yield return Row("abc123.elb.amazonaws.com", "ingressHost", IngressObj);
        yield return Row("", "ingressIP", IngressObj);
        yield return Row("true", "ingressReady", IngressObj);
        yield return Row("false", "ingressReady", Nil);
        yield return Row("api.example.com, www.example.com", "ingressRules", IngressObj);
        yield return Row("api.example.com, www.example.com", "ingressTLSHosts", IngressObj);
        yield return Row("1.2.3.4, abc.elb.amazonaws.com", "ingressLoadBalancerIPs", IngressObj);
        yield return Row("1", "ingressTLSSecretCount", IngressObj);
        yield return Row("0", "ingressTLSSecretCount", Nil);

        // pvc
        yield return Row("Bound", "pvcPhase", PvcObj);
        yield return Row("true", "pvcBound", PvcObj);
        yield return Row("false", "pvcBound", Nil);
        yield return Row("10Gi", "pvcCapacity", PvcObj);
        yield return Row("ReadWriteOnce, ReadOnlyMany", "pvcAccessModes", PvcObj);
        yield return Row("standard", "pvcStorageClass", PvcObj);
        yield return Row("ebs.csi.aws.com", "pvcProvisioner", PvcObj);
        yield return Row("Filesystem", "pvcVolumeMode", PvcObj);
        yield return Row("ebs.csi.aws.com", "pvcStorageClassProvisioner", PvcObj);
        yield return Row("Retain", "pvcStorageClassReclaimPolicy", PvcObj);
        yield return Row("", "pvcStorageClassReclaimPolicy", Nil);

        // nodes
        yield return Row("true", "nodeReady", Node);
        yield return Row("false", "nodeReady", Nil);
        yield return Row("False", "nodeCondition", Node, "MemoryPressure");
        yield return Row("", "nodeCondition", Node, "DiskPressure");
        yield return Row("3920m", "nodeAllocatableCPU", Node);
        yield return Row("15032020Ki", "nodeAllocatableMemory", Node);
        yield return Row("node.kubernetes.io/not-ready, dedicated", "nodeTaints", Node);
        yield return Row("", "nodeTaints", Deployment);
        yield return Row("ip-10-0-1-5", "podNodeName", Deployment);
        yield return Row("us-east-2a", "podNodeZone", Deployment);
        yield return Row("us-east-2", "podNodeRegion", Deployment);
        yield return Row("t3.medium", "podNodeInstanceType", Deployment);
        yield return Row("", "podNodeName", Nil);

        // replicasets and statefulsets
        yield return Row("2", "deploymentReplicaSetCount", Deployment);
        yield return Row("[web-7cb76d588c web-d9c74fd9b]", "deploymentReplicaSets", Deployment);
        yield return Row("[web-7cb76d588c]", "oldDeploymentReplicaSets", Deployment);
        yield return Row("[]", "oldDeploymentReplicaSets", Nil);
        yield return Row("Website", "replicaSetOwnerKind", Deployment);
        yield return Row("site", "replicaSetOwnerName", Deployment);
        yield return Row("sts-6d8f4b9c5", "statefulSetCurrentRevision", StatefulSet);
        yield return Row("sts-7a2c1d4f8", "statefulSetUpdateRevision", StatefulSet);
        yield return Row("3", "statefulSetPVCCount", StatefulSet);
        yield return Row("0", "statefulSetPVCCount", Nil);

        // serve provenance
        yield return Row("smartapp", "getServeTarget", ServedCr);
        yield return Row("", "getServeAlias", ServedCr);
        yield return Row("github", "getServeSource", ServedCr);
        yield return Row("true", "hasServeTarget", ServedCr);
        yield return Row("false", "hasServeAlias", ServedCr);
        yield return Row("true", "hasServeSource", ServedCr);
        yield return Row("false", "isDirectApply", ServedCr);
        yield return Row("true", "isDirectApply", Deployment);

        // prometheus
        yield return Row("3", "promValue", PromVector);
        yield return Row("42", "promValue", PromScalar);
        yield return Row("0.004", "promValue", PromText);
        yield return Row("", "promValue", PromEmpty);
        yield return Row("7.5", "promSum", PromVector);
        yield return Row("0", "promSum", PromEmpty);
        yield return Row("4.5", "promMax", PromVector);
        yield return Row("", "promMax", Nil);
        yield return Row("2", "promSeriesCount", PromVector);
        yield return Row("0", "promSeriesCount", PromScalar);
        yield return Row("a, b", "promLabelValues", PromVector, "namespace");
        yield return Row("true", "promAboveThreshold", PromVector, 2);
        yield return Row("false", "promAboveThreshold", PromVector, "3");
        yield return Row("false", "promAboveThreshold", PromEmpty, 0);
        yield return Row("true", "promBelowThreshold", PromText, 0.01);
        yield return Row("false", "promBelowThreshold", PromVector, "x");
    }

    [TestCaseSource(nameof(Rows))]
    public void Returns(string name, object?[] args, string expected) => AssertRow(name, args, expected);

    [Test]
    public void OneArgumentObjectHelpersAreNilSafe()
    {
        foreach (var f in Orkestra.Templating.Functions.FunctionRegistry.Standard.All)
        {
            if (f.Signature != $"{f.Name} OBJ") continue;
            Should.NotThrow(() => Call(f.Name, Nil), $"{f.Name} nil");
            Should.NotThrow(() => Call(f.Name, Json("{}")), $"{f.Name} empty object");
            Should.NotThrow(() => Call(f.Name, "not an object"), $"{f.Name} string");
        }
    }
}
