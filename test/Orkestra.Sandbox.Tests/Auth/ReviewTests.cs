using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Orkestra.Sandbox.Tests.Auth;

/// <summary>TokenRequest, TokenReview and SubjectAccessReview over HTTP, as a server behind the API (ork's metrics
/// endpoint) calls them to authenticate and authorize its callers.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class ReviewTests
{
    const string Bot = "system:serviceaccount:default:bot";

    static async Task<(string Token, JsonNode Response)> RequestToken(TestSandbox sb, string body = "{}")
    {
        var (code, created, _) = await sb.PostAsync("/api/v1/namespaces/default/serviceaccounts/bot/token", body);
        code.ShouldBe(201, created?.ToJsonString());
        return (created!["status"]!["token"]!.GetValue<string>(), created);
    }

    static async Task<JsonNode> Review(TestSandbox sb, string path, string body)
    {
        var (code, review, _) = await sb.PostAsync(path, body);
        code.ShouldBe(201, review?.ToJsonString());
        return review!;
    }

    static Task<JsonNode> TokenReview(TestSandbox sb, string token, string audiences = "") => Review(sb,
        "/apis/authentication.k8s.io/v1/tokenreviews",
        $$$"""{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":"{{{token}}}"{{{audiences}}}}}""");

    [Test]
    public async Task TokenReview_authenticates_a_token_for_its_audience_until_it_expires()
    {
        var clock = new ManualTimeProvider();
        await using var sb = await TestSandbox.StartAsync(new SandboxOptions { TimeProvider = clock, RbacAuthorization = true });
        (await sb.PostAsync("/api/v1/namespaces/default/serviceaccounts", """{"metadata":{"name":"bot"}}""")).Code.ShouldBe(201);
        var (token, issued) = await RequestToken(sb, """{"spec":{"audiences":["metrics"],"expirationSeconds":600}}""");
        issued["kind"]!.GetValue<string>().ShouldBe("TokenRequest");
        issued["status"]!["expirationTimestamp"]!.GetValue<string>().ShouldBe("2026-01-01T00:10:00Z");
        var uid = (await sb.GetAsync("/api/v1/namespaces/default/serviceaccounts/bot")).Body!["metadata"]!["uid"]!.GetValue<string>();

        var review = await TokenReview(sb, token, ""","audiences":["metrics"]""");
        var status = review["status"]!;
        status["authenticated"]!.GetValue<bool>().ShouldBeTrue();
        status["user"]!["username"]!.GetValue<string>().ShouldBe(Bot);
        status["user"]!["uid"]!.GetValue<string>().ShouldBe(uid);
        status["user"]!["groups"]!.AsArray().Select(g => g!.GetValue<string>())
            .ShouldBe(["system:serviceaccounts", "system:serviceaccounts:default", "system:authenticated"]);
        status["audiences"]!.AsArray().Select(a => a!.GetValue<string>()).ShouldBe(["metrics"]);

        var wrongAudience = (await TokenReview(sb, token))["status"]!;
        wrongAudience["authenticated"].ShouldBeNull();
        wrongAudience["error"]!.GetValue<string>().ShouldContain("token audiences [\"metrics\"] is invalid for the target audiences");
        (await TokenReview(sb, token + "x", ""","audiences":["metrics"]"""))["status"]!["error"]!.GetValue<string>()
            .ShouldBe("invalid bearer token");

        clock.Advance(TimeSpan.FromMinutes(10));
        (await TokenReview(sb, token, ""","audiences":["metrics"]"""))["status"]!["error"]!.GetValue<string>()
            .ShouldBe("[invalid bearer token, service account token has expired]");
    }

    [Test]
    public async Task TokenRequest_validates_the_expiration_and_the_account()
    {
        await using var sb = await TestSandbox.StartAsync();
        var (code, missing, _) = await sb.PostAsync("/api/v1/namespaces/default/serviceaccounts/nobody/token", "{}");
        (code, missing!["message"]!.GetValue<string>()).ShouldBe((404, "serviceaccounts \"nobody\" not found"));
        (await sb.PostAsync("/api/v1/namespaces/default/serviceaccounts", """{"metadata":{"name":"bot"}}""")).Code.ShouldBe(201);
        var (shortCode, tooShort, _) = await sb.PostAsync("/api/v1/namespaces/default/serviceaccounts/bot/token",
            """{"spec":{"expirationSeconds":599}}""");
        shortCode.ShouldBe(422);
        tooShort!["message"]!.GetValue<string>().ShouldContain("spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes");
        var (token, issued) = await RequestToken(sb);
        issued["spec"]!["audiences"]!.AsArray().Select(a => a!.GetValue<string>())
            .ShouldBe(["https://kubernetes.default.svc.cluster.local"]);
        issued["spec"]!["expirationSeconds"]!.GetValue<long>().ShouldBe(3600);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/apis/authentication.k8s.io/v1/selfsubjectreviews");
        using var http = new HttpClient(sb.Server.CreateHttpHandler()) { BaseAddress = sb.Server.BaseUrl, Timeout = TestSandbox.Timeout };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var self = await http.PostAsync("/apis/authentication.k8s.io/v1/selfsubjectreviews",
            new StringContent("""{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}""",
                System.Text.Encoding.UTF8, "application/json"));
        ((int)self.StatusCode).ShouldBe(201);
        var body = JsonNode.Parse(await self.Content.ReadAsStringAsync())!;
        body["status"]!["userInfo"]!["username"]!.GetValue<string>().ShouldBe(Bot);
    }

    [Test]
    public async Task SubjectAccessReview_answers_for_any_user_from_the_stored_bindings()
    {
        await using var sb = await TestSandbox.StartAsync(new SandboxOptions { RbacAuthorization = true });
        const string Path = "/apis/authorization.k8s.io/v1/subjectaccessreviews";
        static string Body(string attributes) =>
            $$$"""{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"user":"{{{Bot}}}","groups":["system:serviceaccounts","system:authenticated"],{{{attributes}}}}}""";
        var listPods = Body("""
            "resourceAttributes":{"namespace":"default","verb":"list","resource":"pods"}
            """);
        (await Review(sb, Path, listPods))["status"]!["allowed"]!.GetValue<bool>().ShouldBeFalse();
        (await Review(sb, Path, Body("""
            "nonResourceAttributes":{"path":"/healthz","verb":"get"}
            """)))["status"]!["allowed"]!.GetValue<bool>().ShouldBeTrue();
        (await Review(sb, Path, Body("""
            "nonResourceAttributes":{"path":"/metrics","verb":"get"}
            """)))["status"]!["allowed"]!.GetValue<bool>().ShouldBeFalse();

        (await sb.PostAsync("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", """
            {"metadata":{"name":"bot-views"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"},
             "subjects":[{"kind":"ServiceAccount","name":"bot","namespace":"default"}]}
            """)).Code.ShouldBe(201);
        await TestSandbox.EventuallyAsync(async () => (await Review(sb, Path, listPods))["status"]!["allowed"]!.GetValue<bool>(),
            "view (aggregated) to allow listing pods");
        var review = await Review(sb, Path, listPods);
        review["kind"]!.GetValue<string>().ShouldBe("SubjectAccessReview");
        review["spec"]!["resourceAttributes"]!["verb"]!.GetValue<string>().ShouldBe("list");

        var (code, invalid, _) = await sb.PostAsync(Path, """{"spec":{"resourceAttributes":{"verb":"get","resource":"pods"}}}""");
        code.ShouldBe(422);
        invalid!["message"]!.GetValue<string>().ShouldContain("at least one of user or group must be specified");
    }

    [Test]
    public async Task A_service_account_without_the_auth_delegator_role_may_not_review_tokens()
    {
        await using var sb = await TestSandbox.StartAsync(new SandboxOptions { RbacAuthorization = true });
        (await sb.PostAsync("/api/v1/namespaces/default/serviceaccounts", """{"metadata":{"name":"bot"}}""")).Code.ShouldBe(201);
        var (token, _) = await RequestToken(sb);
        using var http = new HttpClient(sb.Server.CreateHttpHandler()) { BaseAddress = sb.Server.BaseUrl, Timeout = TestSandbox.Timeout };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        static StringContent Json(string text) => new(text, System.Text.Encoding.UTF8, "application/json");
        var review = "{\"spec\":{\"token\":\"" + token + "\"}}";
        var denied = await http.PostAsync("/apis/authentication.k8s.io/v1/tokenreviews", Json(review));
        ((int)denied.StatusCode).ShouldBe(403);
        var status = JsonNode.Parse(await denied.Content.ReadAsStringAsync())!;
        status["reason"]!.GetValue<string>().ShouldBe("Forbidden");
        status["message"]!.GetValue<string>().ShouldBe(
            $"tokenreviews.authentication.k8s.io is forbidden: User \"{Bot}\" cannot create resource \"tokenreviews\" in API group \"authentication.k8s.io\" at the cluster scope");
        status["details"]!.ToJsonString().ShouldBe("""{"group":"authentication.k8s.io","kind":"tokenreviews"}""");

        (await sb.PostAsync("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", """
            {"metadata":{"name":"bot-delegates"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"system:auth-delegator"},
             "subjects":[{"kind":"ServiceAccount","name":"bot","namespace":"default"}]}
            """)).Code.ShouldBe(201);
        var allowed = await http.PostAsync("/apis/authentication.k8s.io/v1/tokenreviews", Json(review));
        ((int)allowed.StatusCode).ShouldBe(201);
        JsonNode.Parse(await allowed.Content.ReadAsStringAsync())!["status"]!["user"]!["username"]!.GetValue<string>().ShouldBe(Bot);
    }
}
