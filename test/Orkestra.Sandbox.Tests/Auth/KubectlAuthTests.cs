using System.Text.Json.Nodes;

namespace Orkestra.Sandbox.Tests.Auth;

/// <summary>Identities and RBAC through real kubectl: ServiceAccount tokens, exact Forbidden texts, can-i, whoami,
/// impersonation and escalation prevention, on a fresh sandbox per test (RBAC on unless a test says otherwise).</summary>
[Parallelizable(ParallelScope.All)]
public sealed class KubectlAuthTests
{
    const string Bot = "system:serviceaccount:default:bot";

    const string PodReader = """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: pod-reader, namespace: default}
        rules:
        - {apiGroups: [""], resources: [pods], verbs: [get, list, watch]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: bot-reads-pods, namespace: default}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader}
        subjects:
        - {kind: ServiceAccount, name: bot}
        """;

    static Task<TestSandbox> Rbac() => TestSandbox.StartAsync(new SandboxOptions { RbacAuthorization = true });

    static async Task<KubectlResult> Ok(TestSandbox sb, string args)
    {
        var result = await sb.KubectlAsync(args);
        result.ExitCode.ShouldBe(0, result.ToString());
        return result;
    }

    /// <summary>The value of one row of <c>kubectl auth whoami</c>'s table.</summary>
    static string Row(string table, string attribute) =>
        table.Split('\n').Single(l => l.StartsWith(attribute + " ", StringComparison.Ordinal))[attribute.Length..].Trim();

    static async Task<string> Denied(TestSandbox sb, string args)
    {
        var result = await sb.KubectlAsync(args);
        result.ExitCode.ShouldBe(1, result.ToString());
        return result.Stderr.Trim();
    }

    /// <summary><c>kubectl create sa bot</c> and <c>kubectl create token bot</c> (both protobuf bodies); the token.</summary>
    static async Task<string> BotToken(TestSandbox sb)
    {
        (await Ok(sb, "create sa bot")).Stdout.Trim().ShouldBe("serviceaccount/bot created");
        var token = (await Ok(sb, "create token bot")).Stdout.Trim();
        token.Split('.').Length.ShouldBe(3);
        return token;
    }

    [Test]
    public async Task A_token_gets_kubes_exact_Forbidden_until_a_RoleBinding_grants_pods_in_its_namespace()
    {
        await using var sb = await Rbac();
        var token = await BotToken(sb);
        (await Denied(sb, $"--token {token} get pods")).ShouldBe(
            $"Error from server (Forbidden): pods is forbidden: User \"{Bot}\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\"");
        (await Denied(sb, $"--token {token} get deployments")).ShouldBe(
            $"Error from server (Forbidden): deployments.apps is forbidden: User \"{Bot}\" cannot list resource \"deployments\" in API group \"apps\" in the namespace \"default\"");
        (await Denied(sb, $"--token {token} get namespace kube-system")).ShouldBe(
            $"Error from server (Forbidden): namespaces \"kube-system\" is forbidden: User \"{Bot}\" cannot get resource \"namespaces\" in API group \"\" in the namespace \"kube-system\"");

        await Ok(sb, $"create -f {sb.WriteFile("reader.yaml", PodReader)}");
        (await Ok(sb, $"--token {token} get pods")).Stderr.Trim().ShouldBe("No resources found in default namespace.");
        (await Denied(sb, $"--token {token} get pods -n kube-system")).ShouldBe(
            $"Error from server (Forbidden): pods is forbidden: User \"{Bot}\" cannot list resource \"pods\" in API group \"\" in the namespace \"kube-system\"");
        (await Denied(sb, $"--token {token} get pods -A")).ShouldBe(
            $"Error from server (Forbidden): pods is forbidden: User \"{Bot}\" cannot list resource \"pods\" in API group \"\" at the cluster scope");

        await Ok(sb, "delete sa bot");
        var gone = await sb.KubectlAsync($"--token {token} get pods");
        gone.ExitCode.ShouldBe(1);
        gone.Stderr.ShouldContain("Unauthorized");
    }

    [Test]
    public async Task Auth_can_i_and_whoami_answer_for_the_token()
    {
        await using var sb = await Rbac();
        var token = await BotToken(sb);
        var whoami = (await Ok(sb, $"--token {token} auth whoami")).Stdout;
        Row(whoami, "Username").ShouldBe($"{Bot}");
        Row(whoami, "Groups").ShouldBe("[system:serviceaccounts system:serviceaccounts:default system:authenticated]");
        var uid = (await Ok(sb, "get sa bot -o jsonpath={.metadata.uid}")).Stdout;
        Row(whoami, "UID").ShouldBe($"{uid}");

        (await sb.KubectlAsync($"--token {token} auth can-i list pods")).ShouldSatisfyAllConditions(
            r => r.ExitCode.ShouldBe(1), r => r.Stdout.Trim().ShouldBe("no"));
        await Ok(sb, $"create -f {sb.WriteFile("reader.yaml", PodReader)}");
        (await Ok(sb, $"--token {token} auth can-i list pods")).Stdout.Trim().ShouldBe("yes");
        (await sb.KubectlAsync($"--token {token} auth can-i delete pods")).Stdout.Trim().ShouldBe("no");
        (await sb.KubectlAsync($"--token {token} auth can-i list pods -n kube-system")).Stdout.Trim().ShouldBe("no");
        (await Ok(sb, $"--token {token} auth can-i get /healthz")).Stdout.Trim().ShouldBe("yes");
        (await Ok(sb, "auth can-i '*' '*'")).Stdout.Trim().ShouldBe("yes");

        var list = (await Ok(sb, $"--token {token} auth can-i --list")).Stdout;
        list.ShouldContain("pods ");
        list.ShouldContain("[get list watch]");
        list.ShouldContain("selfsubjectaccessreviews.authorization.k8s.io");
    }

    [Test]
    public async Task Impersonation_with_as_and_as_group_needs_the_impersonate_verb()
    {
        await using var sb = await Rbac();
        var whoami = (await Ok(sb, "--as alice --as-group devs auth whoami")).Stdout;
        Row(whoami, "Username").ShouldBe("alice");
        Row(whoami, "Groups").ShouldBe("[devs system:authenticated]");
        (await Denied(sb, "--as alice get configmaps")).ShouldBe(
            "Error from server (Forbidden): configmaps is forbidden: User \"alice\" cannot list resource \"configmaps\" in API group \"\" in the namespace \"default\"");
        var viewer = sb.WriteFile("view.yaml", """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: devs-view, namespace: default}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
            subjects:
            - {kind: Group, name: devs, apiGroup: rbac.authorization.k8s.io}
            """);
        await Ok(sb, $"create -f {viewer}");
        await TestSandbox.EventuallyAsync(async () => (await sb.KubectlAsync("--as alice --as-group devs get configmaps")).ExitCode == 0,
            "the aggregated view role to grant configmaps");
        (await Denied(sb, "--as alice get configmaps")).ShouldContain("User \"alice\" cannot list resource \"configmaps\"");

        var token = await BotToken(sb);
        (await Denied(sb, $"--token {token} --as alice get pods")).ShouldBe(
            $"Error from server (Forbidden): users \"alice\" is forbidden: User \"{Bot}\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope");
        (await Denied(sb, $"--as {Bot} get pods")).ShouldBe(
            $"Error from server (Forbidden): pods is forbidden: User \"{Bot}\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\"");
    }

    [Test]
    public async Task Without_the_flag_every_authenticated_caller_may_do_everything()
    {
        await using var sb = await TestSandbox.StartAsync();
        var token = await BotToken(sb);
        (await Ok(sb, $"--token {token} get pods")).Stderr.Trim().ShouldBe("No resources found in default namespace.");
        (await Ok(sb, $"--token {token} auth can-i delete secrets")).Stdout.Trim().ShouldBe("yes");
        Row((await Ok(sb, "--as alice auth whoami")).Stdout, "Username").ShouldBe("alice");
        (await Ok(sb, "get clusterroles")).Stdout.ShouldBe("");
        var bad = await sb.KubectlAsync("--token not-a-token get pods");
        bad.ExitCode.ShouldBe(1);
        bad.Stderr.ShouldContain("Unauthorized");
    }

    [Test]
    public async Task Roles_and_bindings_beyond_what_the_writer_holds_are_refused_unless_it_may_escalate_or_bind()
    {
        await using var sb = await Rbac();
        var token = await BotToken(sb);
        await Ok(sb, $"create -f {sb.WriteFile("manager.yaml", """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata: {name: role-manager, namespace: default}
            rules:
            - {apiGroups: [rbac.authorization.k8s.io], resources: [roles, rolebindings], verbs: [create, get, list]}
            - {apiGroups: [""], resources: [pods], verbs: [get, list]}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: bot-manages-roles, namespace: default}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: role-manager}
            subjects:
            - {kind: ServiceAccount, name: bot, namespace: default}
            """)}");
        await Ok(sb, $"--token {token} create -f {sb.WriteFile("held.yaml", """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata: {name: held, namespace: default}
            rules:
            - {apiGroups: [""], resources: [pods], verbs: [list]}
            """)}");
        var tooMuch = sb.WriteFile("too-much.yaml", """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata: {name: too-much, namespace: default}
            rules:
            - {apiGroups: [""], resources: [pods], verbs: [get, delete]}
            - {apiGroups: [""], resources: [secrets], verbs: [get, list]}
            """);
        (await Denied(sb, $"--token {token} create -f {tooMuch}")).ShouldBe(
            $"Error from server (Forbidden): error when creating \"{tooMuch}\": roles.rbac.authorization.k8s.io \"too-much\" is forbidden: " +
            $"user \"{Bot}\" (groups=[\"system:serviceaccounts\" \"system:serviceaccounts:default\" \"system:authenticated\"]) is attempting " +
            "to grant RBAC permissions not currently held:\n" +
            "{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"delete\"]}\n" +
            "{APIGroups:[\"\"], Resources:[\"secrets\"], Verbs:[\"get\" \"list\"]}");
        var admin = sb.WriteFile("bind-admin.yaml", """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: bot-is-admin, namespace: default}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
            subjects:
            - {kind: ServiceAccount, name: bot}
            """);
        (await Denied(sb, $"--token {token} create -f {admin}")).ShouldContain(
            "rolebindings.rbac.authorization.k8s.io \"bot-is-admin\" is forbidden: user \"" + Bot + "\" (groups=[\"system:serviceaccounts\" " +
            "\"system:serviceaccounts:default\" \"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:\n" +
            "{APIGroups:[\"*\"], Resources:[\"*\"], Verbs:[\"*\"]}\n{NonResourceURLs:[\"*\"], Verbs:[\"*\"]}");
        var bindHeld = sb.WriteFile("bind-held.yaml", """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: others-list-pods, namespace: default}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: held}
            subjects:
            - {kind: User, name: carol}
            """);
        await Ok(sb, $"--token {token} create -f {bindHeld}");

        await Ok(sb, $"create -f {sb.WriteFile("escalate.yaml", """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata: {name: escalator, namespace: default}
            rules:
            - {apiGroups: [rbac.authorization.k8s.io], resources: [roles], verbs: [escalate]}
            - {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind], resourceNames: [cluster-admin]}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: bot-escalates, namespace: default}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: escalator}
            subjects:
            - {kind: ServiceAccount, name: bot}
            """)}");
        await Ok(sb, $"--token {token} create -f {tooMuch}");
        await Ok(sb, $"--token {token} create -f {admin}");
        (await Ok(sb, $"--token {token} auth can-i delete secrets")).Stdout.Trim().ShouldBe("yes");
    }

    [Test]
    public async Task Default_roles_are_bootstrapped_and_aggregated_cluster_roles_follow_their_sources()
    {
        await using var sb = await Rbac();
        (await Ok(sb, "get clusterrolebinding cluster-admin -o jsonpath={.subjects[0].name}")).Stdout.ShouldBe("system:masters");
        await TestSandbox.EventuallyAsync(async () =>
                (await sb.KubectlAsync("get clusterrole admin -o jsonpath={.rules[*].resources}")).Stdout.Contains("\"deployments/scale\""),
            "admin to aggregate edit's and view's rules");
        await Ok(sb, $"create -f {sb.WriteFile("widgets.yaml", """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: widget-viewer
              labels: {rbac.authorization.k8s.io/aggregate-to-view: "true"}
            rules:
            - {apiGroups: [example.com], resources: [widgets], verbs: [get, list, watch]}
            """)}");
        foreach (var role in new[] { "view", "edit", "admin" })
        {
            await TestSandbox.EventuallyAsync(async () =>
                    (await sb.KubectlAsync($"get clusterrole {role} -o jsonpath={{.rules[*].apiGroups}}")).Stdout.Contains("example.com"),
                $"{role} to aggregate widget-viewer");
        }
        await Ok(sb, "delete clusterrole widget-viewer");
        await TestSandbox.EventuallyAsync(async () =>
                !(await sb.KubectlAsync("get clusterrole admin -o jsonpath={.rules[*].apiGroups}")).Stdout.Contains("example.com"),
            "admin to drop widget-viewer's rule");
    }
}
