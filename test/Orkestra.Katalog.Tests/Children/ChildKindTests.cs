using System.Text;
using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Katalog.Children;
using static Orkestra.Katalog.Tests.Children.ChildKit;

namespace Orkestra.Katalog.Tests.Children;

public class ChildKindTests
{
    [Test]
    public void A_deployment_gets_managed_metadata_an_owner_reference_and_a_matching_selector()
    {
        var d = Build("deployments", """{"name":"hello","image":"nginx:1.27","replicas":"2","port":"8080"}""");
        ShouldEqualJson(d, """
            {"apiVersion":"apps/v1","kind":"Deployment",
             "metadata":{"name":"hello","namespace":"default","labels":{"orkestra.orkspace.io/managed":"true","orkestra-owner":"hello"},"ownerReferences":OWNERREF},
             "spec":{"replicas":2,"selector":{"matchLabels":{"app":"hello","orkestra-owner":"hello"}},
                     "template":{"metadata":{"labels":{"app":"hello","orkestra-owner":"hello"}},
                                 "spec":{"containers":[{"name":"hello","image":"nginx:1.27","ports":[{"containerPort":8080,"protocol":"TCP"}]}]}}}}
            """);
    }

    [Test]
    public void Defaults_name_and_replicas()
    {
        var d = Build("deployments", """{"image":"nginx"}""");
        ((string)d["metadata"]!["name"]!).ShouldBe("hello-deployment");
        ((long)d["spec"]!["replicas"]!).ShouldBe(1);
    }

    [Test]
    public void A_service_selects_the_pods_of_the_crs_workloads_by_default()
    {
        var d = Build("deployments", """{"name":"web","image":"nginx"}""");
        var s = Build("services", """{"name":"web-lb","port":80,"targetPort":"8080","type":"LoadBalancer"}""");
        var selector = s["spec"]!["selector"]!.AsObject();
        var podLabels = d["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
        foreach (var (k, v) in selector) ((string?)podLabels[k]).ShouldBe((string?)v);
        ShouldEqualJson(s["spec"]!, """{"type":"LoadBalancer","selector":{"orkestra-owner":"hello"},"ports":[{"name":"tcp-80","port":80,"targetPort":8080,"protocol":"TCP"}]}""");
    }

    [Test]
    public void A_named_target_port_stays_text_and_headless_sets_cluster_ip_none()
    {
        var s = Build("services", """{"port":"80","targetPort":"http","headless":"true"}""");
        ((string)s["spec"]!["ports"]![0]!["targetPort"]!).ShouldBe("http");
        ((string)s["spec"]!["clusterIP"]!).ShouldBe("None");
        ((string)s["metadata"]!["name"]!).ShouldBe("hello-svc");
    }

    [Test]
    public void Env_accepts_the_seed_map_shape_and_envFrom_the_seed_list_shape()
    {
        var d = Build("deployments", """
            {"image":"app","env":{"USERNAME":{"secretKeyRef":{"name":"creds","key":"username"}},
                                   "REGION":{"configMapKeyRef":{"name":"cfg","key":"region"}},"PLAIN":{"value":"x"},"BARE":"y"},
             "envFrom":[{"configMapRef":"cfg"},{"secretRef":"creds"}]}
            """);
        var c = d["spec"]!["template"]!["spec"]!["containers"]![0]!;
        ShouldEqualJson(c["env"]!, """
            [{"name":"USERNAME","valueFrom":{"secretKeyRef":{"name":"creds","key":"username"}}},
             {"name":"REGION","valueFrom":{"configMapKeyRef":{"name":"cfg","key":"region"}}},
             {"name":"PLAIN","value":"x"},{"name":"BARE","value":"y"}]
            """);
        ShouldEqualJson(c["envFrom"]!, """[{"configMapRef":{"name":"cfg"}},{"secretRef":{"name":"creds"}}]""");
    }

    [Test]
    public void EnvFrom_keys_expand_into_env_variables_with_prefix_and_suffix()
    {
        var d = Build("deployments", """{"image":"app","envFrom":{"secretRef":[{"name":"db","keys":["user","pass"],"prefix":"DB_","suffix":"_V"}]}}""");
        var c = d["spec"]!["template"]!["spec"]!["containers"]![0]!;
        ShouldEqualJson(c["env"]!, """
            [{"name":"DB_user_V","valueFrom":{"secretKeyRef":{"name":"db","key":"user"}}},
             {"name":"DB_pass_V","valueFrom":{"secretKeyRef":{"name":"db","key":"pass"}}}]
            """);
        c["envFrom"].ShouldBeNull();
    }

    [TestCase("deployments", """{"image":"x","replicas":"three"}""", "replicas", "replicas: \"three\" is not a number")]
    [TestCase("deployments", """{"image":"x","replicas":1e30}""", "replicas",
        "replicas: 1e30 is out of range for a 32-bit integer (-2147483648 to 2147483647)")]
    [TestCase("deployments", """{"image":"x","replicas":"2147483648"}""", "replicas",
        "replicas: \"2147483648\" is out of range for a 32-bit integer (-2147483648 to 2147483647)")]
    [TestCase("cronJobs", """{"image":"x","schedule":"* * * * *","startingDeadlineSeconds":1e30}""", "startingDeadlineSeconds",
        "startingDeadlineSeconds: 1e30 is out of range for a 64-bit integer")]
    [TestCase("deployments", """{"replicas":1}""", "image", "image: required")]
    [TestCase("deployments", """{"image":"x","port":70000}""", "port", "port: 70000 is not between 1 and 65535")]
    [TestCase("deployments", """{"image":"x","envFrom":[{"volumeRef":"v"}]}""", "envFrom[0].volumeRef", "envFrom[0].volumeRef: unknown source \"volumeRef\" (configMapRef, secretRef)")]
    [TestCase("services", """{"type":"Weird","port":1}""", "type", "type: \"Weird\" is not ClusterIP, NodePort or LoadBalancer")]
    [TestCase("jobs", """{"image":"x","restartPolicy":"Always"}""", "restartPolicy", "restartPolicy: \"Always\" is not Never or OnFailure")]
    [TestCase("persistentVolumeClaims", """{"name":"data"}""", "storage", "storage: required (e.g. 10Gi)")]
    [TestCase("roles", """{"rules":[{"resources":["pods"]}]}""", "rules[0].verbs", "rules[0].verbs: required")]
    [TestCase("pdb", """{"minAvailable":1,"maxUnavailable":1}""", "maxUnavailable", "minAvailable and maxUnavailable are mutually exclusive")]
    [TestCase("custom", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{}}""", "metadata.name", "metadata.name: required")]
    [TestCase("custom", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","labels":"tier=gold"}}""", "metadata.labels",
        "metadata.labels: expected a map, got \"tier=gold\"")]
    [TestCase("custom", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","labels":[{"name":"tier","value":"gold"}]}}""",
        "metadata.labels[0]", "metadata.labels[0]: expected {key, value}, got a map")]
    [TestCase("custom", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","labels":[{"key":"a","value":"1"},{"key":"a","value":"2"}]}}""",
        "metadata.labels[1].key", "metadata.labels[1].key: \"a\" is given twice")]
    public void Rejects_bad_entries_naming_the_field(string kind, string entry, string field, string message)
    {
        var e = Should.Throw<ChildBuildException>(() => Build(kind, entry));
        e.FieldPath.ShouldBe(field);
        e.Message.ShouldBe(message);
    }

    [Test]
    public void A_secret_stores_its_data_base64_encoded()
    {
        var s = Build("secrets", """{"name":"creds","data":{"username":"bob","password":"p@ss"}}""");
        ((string)s["type"]!).ShouldBe("Opaque");
        Encoding.UTF8.GetString(Convert.FromBase64String((string)s["data"]!["password"]!)).ShouldBe("p@ss");
    }

    [Test]
    public void A_tls_secret_holds_a_certificate_for_the_requested_names()
    {
        var s = Build("secrets", """{"name":"tls","tls":{"commonName":"web.example","dnsNames":["web.example","www.web.example"],"validFor":"30d"}}""");
        ((string)s["type"]!).ShouldBe("kubernetes.io/tls");
        var pem = Encoding.ASCII.GetString(Convert.FromBase64String((string)s["data"]!["tls.crt"]!));
        using var cert = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(pem);
        cert.MatchesHostname("www.web.example").ShouldBeTrue();
        (cert.NotAfter - cert.NotBefore).TotalDays.ShouldBeInRange(29.9, 30.1);
        Encoding.ASCII.GetString(Convert.FromBase64String((string)s["data"]!["tls.key"]!)).ShouldContain("PRIVATE KEY");
    }

    [Test]
    public void Jobs_and_cronjobs_get_a_pod_that_does_not_restart_forever()
    {
        var j = Build("jobs", """{"image":"busybox","command":["sh","-c","echo hi"]}""");
        ShouldEqualJson(j["spec"]!, """
            {"backoffLimit":3,"template":{"metadata":{"labels":{"orkestra-owner":"hello"}},
             "spec":{"containers":[{"name":"hello-job","image":"busybox","command":["sh","-c","echo hi"]}],"restartPolicy":"Never"}}}
            """);
        var c = Build("cronJobs", """{"image":"busybox","schedule":"*/5 * * * *","concurrencyPolicy":"forbid","suspend":"true"}""");
        ((string)c["spec"]!["concurrencyPolicy"]!).ShouldBe("Forbid");
        ((bool)c["spec"]!["suspend"]!).ShouldBeTrue();
        ((string)c["spec"]!["jobTemplate"]!["spec"]!["template"]!["spec"]!["restartPolicy"]!).ShouldBe("Never");
    }

    [Test]
    public void Cluster_scoped_children_carry_the_owner_label_but_no_owner_reference()
    {
        var r = Build("clusterRoles", """{"rules":[{"apiGroups":[""],"resources":["pods"],"verbs":["get","list"]}]}""");
        ((string)r["metadata"]!["name"]!).ShouldBe("hello-cluster-role");
        r["metadata"]!["namespace"].ShouldBeNull();
        r["metadata"]!["ownerReferences"].ShouldBeNull();
        ((string)r["metadata"]!["labels"]!["orkestra-owner"]!).ShouldBe("hello");
        var b = Build("clusterRoleBindings", """{"roleRef":{"name":"hello-cluster-role"},"subjects":[{"name":"runner"}]}""");
        ShouldEqualJson(b["roleRef"]!, """{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"hello-cluster-role"}""");
        ShouldEqualJson(b["subjects"]!, """[{"kind":"ServiceAccount","name":"runner","namespace":"default"}]""");
    }

    [Test]
    public void A_child_in_another_namespace_gets_no_owner_reference()
    {
        var c = Build("configMaps", """{"name":"x","namespace":"other","data":{"a":"1"}}""");
        ((string)c["metadata"]!["namespace"]!).ShouldBe("other");
        c["metadata"]!["ownerReferences"].ShouldBeNull();
    }

    [Test]
    public void Hpa_pdb_pvc_statefulset_ingress_and_custom_build_valid_specs()
    {
        ShouldEqualJson(Build("hpa", """{"maxReplicas":"5","targetCPUUtilizationPercentage":70}""")["spec"]!, """
            {"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"hello"},"minReplicas":1,"maxReplicas":5,
             "metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":70}}}]}
            """);
        ShouldEqualJson(Build("pdb", """{"minAvailable":"50%"}""")["spec"]!, """{"selector":{"matchLabels":{"orkestra-owner":"hello"}},"minAvailable":"50%"}""");
        ShouldEqualJson(Build("persistentVolumeClaims", """{"name":"data","storage":"1Gi"}""")["spec"]!,
            """{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}},"volumeMode":"Filesystem"}""");
        var sts = Build("statefulSets", """{"image":"postgres","tag":"16","volumeClaimTemplates":[{"storageSize":"5Gi","mountPath":"/data"}]}""");
        ((string)sts["spec"]!["serviceName"]!).ShouldBe("hello");
        ((string)sts["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!).ShouldBe("postgres:16");
        ((string)sts["spec"]!["volumeClaimTemplates"]![0]!["metadata"]!["name"]!).ShouldBe("data");
        var ing = Build("ingresses", """{"host":"web.example","servicePort":80}""");
        ShouldEqualJson(ing["spec"]!, """
            {"rules":[{"http":{"paths":[{"path":"/","pathType":"Prefix","backend":{"service":{"name":"hello-svc","port":{"number":80}}}}]},"host":"web.example"}]}
            """);
        var custom = Build("custom", """{"apiVersion":"example.io/v1","kind":"Widget","metadata":{"name":"w","labels":{"a":"b"}},"spec":{"size":3}}""");
        ShouldEqualJson(custom, """
            {"apiVersion":"example.io/v1","kind":"Widget",
             "metadata":{"name":"w","namespace":"default","labels":{"a":"b","orkestra.orkspace.io/managed":"true","orkestra-owner":"hello"},"ownerReferences":OWNERREF},
             "spec":{"size":3}}
            """);
    }

    [Test]
    public void Custom_labels_and_annotations_written_as_key_value_lists_are_kept()
    {
        var custom = Build("custom", """
            {"apiVersion":"example.io/v1","kind":"Widget","metadata":{"name":"w",
             "labels":[{"key":"tier","value":"gold"},{"key":"zone","value":"a"}],
             "annotations":[{"key":"note","value":"kept"}]}}
            """);
        var metadata = custom["metadata"]!;
        ((string?)metadata["labels"]!["tier"]).ShouldBe("gold");
        ((string?)metadata["labels"]!["zone"]).ShouldBe("a");
        ((string?)metadata["labels"]![WellKnownLabels.Owner]).ShouldBe("hello");
        ((string?)metadata["annotations"]!["note"]).ShouldBe("kept");
    }

    [Test]
    public void Every_kind_declares_its_fields_and_children_keys()
    {
        foreach (var kind in ChildKinds.All)
        {
            kind.Fields.ContainsKey(kind.YamlKey == "custom" ? "metadata" : "labels").ShouldBeTrue(kind.YamlKey);
            kind.SingularChildKey.ShouldNotBeNullOrEmpty();
            kind.PluralChildKey.ShouldNotBeNullOrEmpty();
        }
        ChildKinds.NotSupportedYet.ShouldContain("pods");
        ChildKinds.TryGet("deployments", out _).ShouldBeTrue();
        ChildKinds.TryGet("configmaps", out _).ShouldBeFalse("keys are Orkestra's Go YAML tags, exactly");
    }
}
