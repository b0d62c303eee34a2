using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Orkestra.Katalog.Children;
using static Orkestra.Katalog.Tests.Children.ChildKit;

namespace Orkestra.Katalog.Tests.Children;

/// <summary>Full entries → exact manifests for the pod fields and the less common kinds; profile and nested-field errors.</summary>
public class ChildKindShapesTests
{
    [Test]
    public void A_deployment_with_every_pod_field_builds_the_exact_manifest()
    {
        var d = Build("deployments", """
            {"name":"web","namespace":"default","image":"nginx:1.27","replicas":3,"port":8080,"protocol":"udp",
             "labels":{"tier":"front"},"annotations":{"note":"x"},
             "imagePullSecrets":["regcred"],"nodeSelector":{"disk":"ssd"},"serviceAccountName":"web-sa","workingDirectory":"/srv",
             "command":["nginx"],"args":["-g","daemon off;"],
             "resources":{"requests":{"cpu":"100m"},"limits":{"memory":"128Mi"}},
             "probes":{"liveness":{"type":"http","path":"/healthz","initialDelaySeconds":"5"},"readiness":{"type":"tcp"}},
             "volumes":[{"name":"cfg","configMap":"web-config"},{"name":"scratch","emptyDir":{}},{"name":"data","persistentVolumeClaim":"web-data"}],
             "volumeMounts":[{"name":"cfg","mountPath":"/etc/nginx","readOnly":true},{"name":"data","mountPath":"/data","subPath":"web"}],
             "securityContext":{"runAsNonRoot":true},"podSecurity":{"fsGroup":2000},
             "rollingUpdate":{"maxSurge":"25%","maxUnavailable":"0"}}
            """);
        ShouldEqualJson(d, """
            {"apiVersion":"apps/v1","kind":"Deployment",
             "metadata":{"name":"web","namespace":"default","labels":{"tier":"front","orkestra.orkspace.io/managed":"true","orkestra-owner":"hello"},
                         "annotations":{"note":"x"},"ownerReferences":OWNERREF},
             "spec":{"replicas":3,"selector":{"matchLabels":{"app":"web","orkestra-owner":"hello"}},
               "template":{"metadata":{"labels":{"app":"web","orkestra-owner":"hello","tier":"front"},"annotations":{"note":"x"}},
                 "spec":{"containers":[{"name":"web","image":"nginx:1.27","command":["nginx"],"args":["-g","daemon off;"],"workingDir":"/srv",
                           "ports":[{"containerPort":8080,"protocol":"UDP"}],
                           "resources":{"requests":{"cpu":"100m"},"limits":{"memory":"128Mi"}},
                           "livenessProbe":{"httpGet":{"path":"/healthz","port":8080},"initialDelaySeconds":5},
                           "readinessProbe":{"tcpSocket":{"port":8080}},
                           "volumeMounts":[{"name":"cfg","mountPath":"/etc/nginx","readOnly":true},{"name":"data","mountPath":"/data","subPath":"web"}],
                           "securityContext":{"runAsNonRoot":true}}],
                         "nodeSelector":{"disk":"ssd"},"serviceAccountName":"web-sa","imagePullSecrets":[{"name":"regcred"}],
                         "volumes":[{"name":"cfg","configMap":{"name":"web-config"}},{"name":"scratch","emptyDir":{}},
                                    {"name":"data","persistentVolumeClaim":{"claimName":"web-data"}}],
                         "securityContext":{"fsGroup":2000}}},
               "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":0}}}}
            """);
    }

    [TestCase("deployments")]
    [TestCase("replicaSets")]
    [TestCase("statefulSets")]
    public void Workload_selector_and_default_service_selector_match_the_pod_template(string kind)
    {
        var workload = Build(kind, """{"image":"app","labels":{"extra":"1"}}""");
        var podLabels = workload["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
        var selectors = new[]
        {
            workload["spec"]!["selector"]!["matchLabels"]!.AsObject(),
            Build("services", """{"port":80}""")["spec"]!["selector"]!.AsObject(),
            Build("pdb", """{"minAvailable":1}""")["spec"]!["selector"]!["matchLabels"]!.AsObject(),
        };
        foreach (var selector in selectors)
        {
            selector.Count.ShouldBeGreaterThan(0);
            foreach (var (k, v) in selector) ((string?)podLabels[k]).ShouldBe((string?)v, $"{kind}: label {k}");
        }
    }

    [Test]
    public void A_replicaset_builds_like_a_deployment_without_a_strategy()
    {
        ShouldEqualJson(Build("replicaSets", """{"image":"nginx","replicas":"2"}"""), """
            {"apiVersion":"apps/v1","kind":"ReplicaSet",
             "metadata":{"name":"hello-replicaset","namespace":"default","labels":MANAGED,"ownerReferences":OWNERREF},
             "spec":{"replicas":2,"selector":{"matchLabels":{"app":"hello-replicaset","orkestra-owner":"hello"}},
               "template":{"metadata":{"labels":{"app":"hello-replicaset","orkestra-owner":"hello"}},
                 "spec":{"containers":[{"name":"hello-replicaset","image":"nginx"}]}}}}
            """);
        ChildKinds.TryGet("replicaSets", out var kind).ShouldBeTrue();
        kind.Fields.ContainsKey("rollingUpdate").ShouldBeFalse("a ReplicaSet has no update strategy; the loader must reject the key");
    }

    [Test]
    public void A_service_account_is_metadata_only()
    {
        ShouldEqualJson(Build("serviceAccounts", """{"labels":{"team":"a"}}"""), """
            {"apiVersion":"v1","kind":"ServiceAccount",
             "metadata":{"name":"hello-sa","namespace":"default","labels":{"team":"a","orkestra.orkspace.io/managed":"true","orkestra-owner":"hello"},"ownerReferences":OWNERREF}}
            """);
    }

    [Test]
    public void Network_policies_derive_policy_types_from_the_rules_given()
    {
        ShouldEqualJson(Build("networkPolicies", """{"name":"deny"}""")["spec"],
            """{"podSelector":{"matchLabels":{}},"policyTypes":["Ingress"]}""");
        ShouldEqualJson(Build("networkPolicies", """{"podSelector":{"app":"web"},"egress":[{"to":[{"ipBlock":{"cidr":"10.0.0.0/8"}}]}]}""")["spec"],
            """{"podSelector":{"matchLabels":{"app":"web"}},"egress":[{"to":[{"ipBlock":{"cidr":"10.0.0.0/8"}}]}],"policyTypes":["Egress"]}""");
        ShouldEqualJson(Build("networkPolicies", """{"ingress":[],"egress":[]}""")["spec"],
            """{"podSelector":{"matchLabels":{}},"ingress":[],"egress":[],"policyTypes":["Ingress","Egress"]}""");
    }

    [Test]
    public void An_ingress_with_tls_lists_its_hosts_and_secret()
    {
        var ing = Build("ingresses", """
            {"host":"web.example","serviceName":"web","servicePort":"http","path":"/api","pathType":"Exact","className":"nginx",
             "annotations":{"a":"b"},"tls":{"secretName":"web-tls"}}
            """);
        ShouldEqualJson(ing["metadata"]!["annotations"], """{"a":"b"}""");
        ShouldEqualJson(ing["spec"], """
            {"rules":[{"http":{"paths":[{"path":"/api","pathType":"Exact","backend":{"service":{"name":"web","port":{"name":"http"}}}}]},"host":"web.example"}],
             "ingressClassName":"nginx","tls":[{"hosts":["web.example"],"secretName":"web-tls"}]}
            """);
    }

    [Test]
    public void Namespaces_and_persistent_volumes_are_cluster_scoped()
    {
        ShouldEqualJson(Build("namespaces", """{"finalizers":["example.io/cleanup"]}"""), """
            {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"hello-ns","labels":MANAGED},"spec":{"finalizers":["example.io/cleanup"]}}
            """);
        ShouldEqualJson(Build("persistentVolumes", """{"name":"pv1","capacity":"5Gi","hostPath":"/mnt/pv1","storageClassName":"manual"}"""), """
            {"apiVersion":"v1","kind":"PersistentVolume","metadata":{"name":"pv1","labels":MANAGED},
             "spec":{"capacity":{"storage":"5Gi"},"accessModes":["ReadWriteOnce"],"persistentVolumeReclaimPolicy":"Retain",
                     "storageClassName":"manual","hostPath":{"path":"/mnt/pv1"}}}
            """);
        ShouldEqualJson(Build("persistentVolumes", """{"capacity":"1Gi","csiDriver":"ebs.csi.aws.com","csiVolumeHandle":"vol-1","reclaimPolicy":"Delete"}""")["spec"], """
            {"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOnce"],"persistentVolumeReclaimPolicy":"Delete","csi":{"driver":"ebs.csi.aws.com","volumeHandle":"vol-1"}}
            """);
    }

    [Test]
    public void Quotas_and_limit_ranges_build_their_specs()
    {
        ShouldEqualJson(Build("resourceQuotas", """{"hard":{"pods":10,"requests.cpu":"4"}}"""), """
            {"apiVersion":"v1","kind":"ResourceQuota","metadata":{"name":"hello-quota","namespace":"default","labels":MANAGED,"ownerReferences":OWNERREF},
             "spec":{"hard":{"pods":"10","requests.cpu":"4"}}}
            """);
        ShouldEqualJson(Build("limitRanges", """{"limits":[{"default":{"cpu":"500m"},"defaultRequest":{"cpu":"100m"}},{"type":"PersistentVolumeClaim","max":{"storage":"10Gi"}}]}""")["spec"], """
            {"limits":[{"type":"Container","default":{"cpu":"500m"},"defaultRequest":{"cpu":"100m"}},{"type":"PersistentVolumeClaim","max":{"storage":"10Gi"}}]}
            """);
    }

    [Test]
    public void A_tls_secret_defaults_to_orkestra_tls_and_its_ca_signs_the_server_certificate()
    {
        var s = Build("secrets", """{"tls":{"commonName":"svc.default.svc"}}""");
        ((string)s["metadata"]!["name"]!).ShouldBe("orkestra-tls");
        static X509Certificate2 Cert(JsonNode data, string key) =>
            X509Certificate2.CreateFromPem(Encoding.ASCII.GetString(Convert.FromBase64String((string)data[key]!)));
        using var server = Cert(s["data"]!, "tls.crt");
        using var ca = Cert(s["data"]!, "ca.crt");
        server.Issuer.ShouldBe(ca.Subject);
        server.MatchesHostname("svc.default.svc").ShouldBeTrue();
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.Build(server).ShouldBeTrue(string.Join("; ", chain.ChainStatus.Select(c => c.StatusInformation)));
        (server.NotAfter - server.NotBefore).TotalDays.ShouldBeInRange(364.9, 365.1);
    }

    [Test]
    public void A_tls_certificate_is_dated_by_the_injected_clock()
    {
        var now = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var s = Build("secrets", """{"tls":{"validFor":"2w"}}""", time: new FixedClock(now));
        using var cert = X509Certificate2.CreateFromPem(Encoding.ASCII.GetString(Convert.FromBase64String((string)s["data"]!["tls.crt"]!)));
        cert.NotAfter.ToUniversalTime().ShouldBe(now.AddDays(14).UtcDateTime);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    [TestCase("deployments", """{"image":"x","resources":{"profile":"small"}}""", "resources.profile")]
    [TestCase("deployments", """{"image":"x","resources":{"requets":{"cpu":"1"}}}""", "resources.requets")]
    [TestCase("deployments", """{"image":"x","port":80,"probes":{"liveness":{"profile":"web"}}}""", "probes.liveness.profile")]
    [TestCase("deployments", """{"image":"x","port":80,"probes":{"liveness":{"type":"http","pth":"/"}}}""", "probes.liveness.pth")]
    [TestCase("deployments", """{"image":"x","probes":{"readiness":{"type":"tcp"}}}""", "probes.readiness")]
    [TestCase("deployments", """{"image":"x","rollingUpdate":{"profile":"safe"}}""", "rollingUpdate.profile")]
    [TestCase("deployments", """{"image":"x","rollingUpdate":{"maxSurge":[1]}}""", "rollingUpdate.maxSurge")]
    [TestCase("deployments", """{"image":"x","securityContext":{"profile":"restricted"}}""", "securityContext.profile")]
    [TestCase("deployments", """{"image":"x","podSecurity":{"profile":"restricted"}}""", "podSecurity.profile")]
    [TestCase("deployments", """{"image":"x","env":[{"value":"v"}]}""", "env[0]")]
    [TestCase("deployments", """{"image":"x","env":{"A":{"secretKeyRef":{"name":"s"}}}}""", "env.A.secretKeyRef.key")]
    [TestCase("deployments", """{"image":"x","envFrom":{"secretRef":[{"name":"s","suffix":"_X"}]}}""", "envFrom.secretRef[0].suffix")]
    [TestCase("deployments", """{"image":"x","volumes":[{"name":"v","nfs":{}}]}""", "volumes[0].nfs")]
    [TestCase("deployments", """{"image":"x","volumeMounts":[{"name":"v"}]}""", "volumeMounts[0].mountPath")]
    [TestCase("hpa", """{"maxReplicas":3,"behavior":{"profile":"gentle"}}""", "behavior.profile")]
    [TestCase("hpa", """{"maxReplicas":"many"}""", "maxReplicas")]
    [TestCase("hpa", """{"minReplicas":5,"maxReplicas":2}""", "maxReplicas")]
    [TestCase("ingresses", """{"servicePort":80,"tls":{"create":true}}""", "tls.create")]
    [TestCase("ingresses", """{"servicePort":80,"tls":{"hosts":{"a":"b"}}}""", "tls.hosts")]
    [TestCase("secrets", """{"tls":{"validFor":"soon"}}""", "tls.validFor")]
    [TestCase("secrets", """{"tls":{"keySize":2048}}""", "tls.keySize")]
    [TestCase("roles", """{"rules":[{"verbs":"get","resources":{"a":1}}]}""", "rules[0].resources")]
    [TestCase("roleBindings", """{"roleRef":{"name":"r"},"subjects":[{"kind":"User"}]}""", "subjects[0].name")]
    [TestCase("cronJobs", """{"image":"x","schedule":"* * * * *","successfulJobsHistoryLimit":"lots"}""", "successfulJobsHistoryLimit")]
    [TestCase("cronJobs", """{"image":"x","schedule":"* * * * *","suspend":"maybe"}""", "suspend")]
    [TestCase("cronJobs", """{"image":"x"}""", "schedule")]
    [TestCase("jobs", """{"image":"x","backoffLimit":"2.5"}""", "backoffLimit")]
    [TestCase("services", """{"port":80,"targetPort":true}""", "targetPort")]
    [TestCase("services", """{"port":80,"type":"NodePort","headless":true}""", "headless")]
    [TestCase("persistentVolumes", """{"capacity":"1Gi"}""", "hostPath")]
    [TestCase("persistentVolumes", """{"capacity":"1Gi","hostPath":"/x","csiDriver":"d"}""", "hostPath")]
    [TestCase("persistentVolumes", """{"hostPath":"/x"}""", "capacity")]
    [TestCase("resourceQuotas", """{"hard":{}}""", "hard")]
    [TestCase("limitRanges", """{"limits":[{"type":"Node"}]}""", "limits[0].type")]
    [TestCase("limitRanges", """{"limits":[{"default":{"cpu":{"x":1}}}]}""", "limits[0].default.cpu")]
    [TestCase("limitRanges", """{"limits":[{"profile":"small"}]}""", "limits[0].profile")]
    public void Rejects_bad_nested_fields_naming_their_path(string kind, string entry, string field)
    {
        var e = Should.Throw<ChildBuildException>(() => Build(kind, entry));
        e.FieldPath.ShouldBe(field, e.Message);
        e.Message.ShouldNotBeNullOrWhiteSpace();
    }

    [Test]
    public void A_namespaced_child_of_a_cluster_scoped_owner_needs_a_namespace()
    {
        var clusterOwner = Owner with { Namespace = null };
        var e = Should.Throw<ChildBuildException>(() => Build("configMaps", """{"data":{}}""", clusterOwner));
        e.FieldPath.ShouldBe("namespace");
        var placed = Build("configMaps", """{"namespace":"apps","data":{}}""", clusterOwner);
        ((string)placed["metadata"]!["namespace"]!).ShouldBe("apps");
        placed["metadata"]!["ownerReferences"].ShouldBeNull();
        Build("namespaces", "{}", clusterOwner)["metadata"]!["namespace"].ShouldBeNull();
    }

    [Test]
    public void Required_fields_are_declared_as_required()
    {
        foreach (var (key, field) in new[] { ("deployments", "image"), ("cronJobs", "schedule"), ("persistentVolumeClaims", "storage"),
                     ("persistentVolumes", "capacity"), ("resourceQuotas", "hard"), ("limitRanges", "limits"), ("hpa", "maxReplicas") })
        {
            ChildKinds.TryGet(key, out var kind).ShouldBeTrue(key);
            kind.Fields[field].Required.ShouldBeTrue($"{key}.{field}");
        }
        foreach (var kind in ChildKinds.All)
        {
            kind.Fields.Keys.ShouldNotContain("profile", kind.YamlKey);
            ChildKinds.NotSupportedYet.ShouldNotContain(kind.YamlKey);
        }
    }
}
