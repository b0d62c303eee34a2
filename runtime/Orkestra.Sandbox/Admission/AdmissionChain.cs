using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Meta;
using Orkestra.ApiMachinery.Patches;
using Orkestra.Sandbox.Api;
using Orkestra.Sandbox.Resources;
using Orkestra.Sandbox.Storage;

namespace Orkestra.Sandbox.Admission;

/// <summary>
/// One write as admission sees it (kube's <c>admission.Attributes</c>): the operation, the resource the client called,
/// the subresource, namespace and name, the new and old object in the request's version (a <c>Scale</c> for
/// <c>/scale</c>), the operation's options object, dryRun, and where warnings go. Per call, not shared.
/// </summary>
internal sealed class AdmissionRequest
{
    public required string Operation { get; init; }
    public required ResourceType Type { get; init; }
    public string Subresource { get; init; } = "";
    /// <summary>The request's namespace; for a Namespace object the namespace's own name (except on create).</summary>
    public required string Namespace { get; init; }
    public required string Name { get; init; }
    public JsonObject? Object { get; set; }
    public JsonObject? OldObject { get; init; }
    /// <summary>CreateOptions, UpdateOptions or DeleteOptions as kube sends them.</summary>
    public required JsonObject Options { get; init; }
    public bool DryRun { get; init; }
    public required List<string> Warnings { get; init; }

    public bool IsScale => Subresource == "scale";
    public bool IsNamespace => Type.Group.Length == 0 && Type.Resource == "namespaces";

    /// <summary>The kind of <see cref="Object"/>: the resource's kind, or autoscaling/v1 Scale.</summary>
    public (string Group, string Version, string Kind) Kind =>
        IsScale ? ("autoscaling", "v1", "Scale") : (Type.Group, Type.Version, Type.Kind);
}

/// <summary>A webhook that matched, and the resource version it is called in (differs under matchPolicy Equivalent).</summary>
internal sealed record Invocation(Webhook Hook, ResourceType Resource, (string Group, string Version, string Kind) Kind);

/// <summary>
/// kube-apiserver's webhook admission (APISERVER <c>admission/plugin/webhook</c>): matching by namespaceSelector,
/// objectSelector and rules (with <c>matchPolicy: Equivalent</c> through the other served versions of a custom
/// resource, the object converted to the version the rule names); mutating webhooks one at a time in configuration
/// then webhook order, each JSON patch applied before the next call, one reinvocation round for <c>IfNeeded</c>
/// webhooks when a later webhook changed the object; validating webhooks in parallel, the first failure in webhook
/// order reported. Denials, call failures (with failurePolicy) and dry-run refusals become the Status kube answers.
/// Webhook configuration objects themselves are never admitted. Thread-safe; no per-request state.
/// </summary>
internal sealed class AdmissionChain
{
    public const string UserName = "sandbox";
    public static readonly string[] UserGroups = ["system:masters", "system:authenticated"];

    private readonly WebhookRegistry _webhooks;
    private readonly WebhookClient _client;
    private readonly ObjectStore _store;
    private readonly ResourceRegistry _types;
    private readonly CustomResourceConverter _converter;

    public AdmissionChain(WebhookRegistry webhooks, WebhookClient client, ObjectStore store, ResourceRegistry types,
        CustomResourceConverter converter)
    {
        _webhooks = webhooks;
        _client = client;
        _store = store;
        _types = types;
        _converter = converter;
    }

    /// <summary>The webhooks that may apply to writes of <paramref name="type"/>; null on the fast path (none, or exempt).</summary>
    public WebhookSnapshot? For(ResourceType type)
    {
        var snapshot = _webhooks.Current;
        return snapshot.IsEmpty || WebhookConfigurationValidation.Is(type) ? null : snapshot;
    }

    // ------------------------------------------------------------------ mutating

    /// <summary>Runs the mutating webhooks; returns the object (request version) after every patch.</summary>
    public async ValueTask<JsonObject?> MutateAsync(WebhookSnapshot snapshot, AdmissionRequest request)
    {
        var current = request.Object;
        var currentType = request.Type;
        var previouslyInvoked = new HashSet<string>(StringComparer.Ordinal);
        var reinvoke = new HashSet<string>(StringComparer.Ordinal);
        var reinvocationNeeded = false;
        for (var round = 0; round < 2 && (round == 0 || reinvocationNeeded); round++)
        {
            foreach (var hook in snapshot.Mutating)
            {
                var invocation = Match(hook, request, current);
                if (invocation is null || (round == 1 && !reinvoke.Contains(hook.Id))) continue;
                var (obj, old) = await VersionedAsync(request, invocation, current, currentType).ConfigureAwait(false);
                var mutated = await CallMutatingAsync(invocation, request, obj, old).ConfigureAwait(false);
                if (mutated is not null && !JsonNode.DeepEquals(mutated, obj))
                {
                    current = mutated;
                    currentType = invocation.Resource;
                    reinvoke.UnionWith(previouslyInvoked);
                    previouslyInvoked.Clear();
                    reinvocationNeeded = true;
                }
                if (hook.ReinvokeIfNeeded) previouslyInvoked.Add(hook.Id);
            }
        }
        if (current is not null && currentType != request.Type && !request.IsScale)
            current = await ConvertAsync(current, currentType, request.Type).ConfigureAwait(false);
        return current;
    }

    private static readonly System.Text.Json.JsonDocumentOptions PatchOptions = new() { MaxDepth = WebhookClient.MaxResponseDepth };

    /// <summary>One mutating call; null when the object stays as it is (no patch, or a failure failing open).</summary>
    private async Task<JsonObject?> CallMutatingAsync(Invocation invocation, AdmissionRequest request, JsonObject? obj, JsonObject? old)
    {
        var hook = invocation.Hook;
        AdmissionResponse response;
        try
        {
            response = await CallAsync(invocation, request, obj, old).ConfigureAwait(false);
        }
        catch (CallFailure) when (hook.FailOpen)
        {
            return null;
        }
        catch (CallFailure failure)
        {
            throw ApiError.Internal($"failed calling webhook \"{hook.Name}\": {failure.Message}");
        }
        if (!response.Allowed) throw Denied(hook.Name, response.Status);
        if (response.Patch is not { Length: > 0 } patch) return null;
        if (response.PatchType != "JSONPatch")
        {
            if (hook.FailOpen) return null;
            throw ApiError.Internal($"failed calling webhook \"{hook.Name}\": unsupported patch type \"{response.PatchType}\"");
        }
        JsonArray operations;
        try
        {
            operations = JsonNode.Parse(patch, documentOptions: PatchOptions) as JsonArray
                ?? throw ApiError.Internal("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw ApiError.Internal(e.Message);
        }
        if (operations.Count == 0) return null;
        if (obj is null)
        {
            throw ApiError.Internal(
                $"admission webhook \"{hook.Name}\" attempted to modify the object, which is not supported for this operation");
        }
        JsonNode? patched;
        try
        {
            patched = JsonPatch.Apply(obj.DeepClone(), operations);
        }
        catch (JsonPatchException e)
        {
            throw ApiError.Internal(e.Message);
        }
        if (patched is not JsonObject result)
            throw ApiError.Internal("json: cannot unmarshal non-object into Go value of type map[string]interface {}");
        if (!request.IsScale) invocation.Resource.Custom?.Schema?.Default(result);
        return result;
    }

    // ------------------------------------------------------------------ validating

    /// <summary>Runs every matching validating webhook in parallel; throws the first failure in webhook order.</summary>
    public async ValueTask ValidateAsync(WebhookSnapshot snapshot, AdmissionRequest request)
    {
        List<Invocation>? invocations = null;
        foreach (var hook in snapshot.Validating)
        {
            if (Match(hook, request, request.Object) is { } invocation) (invocations ??= []).Add(invocation);
        }
        if (invocations is null) return;
        var versioned = new Dictionary<string, (JsonObject? Object, JsonObject? Old)>(StringComparer.Ordinal);
        foreach (var invocation in invocations)
        {
            if (!versioned.ContainsKey(invocation.Resource.Version))
            {
                versioned[invocation.Resource.Version] =
                    await VersionedAsync(request, invocation, request.Object, request.Type).ConfigureAwait(false);
            }
        }
        var calls = invocations.Select(i => CallValidatingAsync(i, request, versioned[i.Resource.Version])).ToArray();
        var outcomes = await Task.WhenAll(calls).ConfigureAwait(false);
        foreach (var (_, warnings) in outcomes) AddWarnings(request, warnings);
        foreach (var (error, _) in outcomes)
        {
            if (error is not null) throw error;
        }
    }

    private async Task<(ApiError? Error, string[] Warnings)> CallValidatingAsync(Invocation invocation, AdmissionRequest request,
        (JsonObject? Object, JsonObject? Old) objects)
    {
        var hook = invocation.Hook;
        try
        {
            var response = await CallAsync(invocation, request, objects.Object, objects.Old, addWarnings: false).ConfigureAwait(false);
            return (response.Allowed ? null : Denied(hook.Name, response.Status), response.Warnings);
        }
        catch (CallFailure) when (hook.FailOpen)
        {
            return (null, []);
        }
        catch (CallFailure failure)
        {
            return (ApiError.Internal($"failed calling webhook \"{hook.Name}\": {failure.Message}"), []);
        }
        catch (ApiError e)
        {
            return (e, []);
        }
    }

    // ------------------------------------------------------------------ calling

    /// <summary>Builds the review, posts it and checks the answer; transport and protocol problems are <see cref="CallFailure"/>.</summary>
    private async Task<AdmissionResponse> CallAsync(Invocation invocation, AdmissionRequest request, JsonObject? obj, JsonObject? old,
        bool addWarnings = true)
    {
        var hook = invocation.Hook;
        if (request.DryRun && hook.SideEffects is not ("None" or "NoneOnDryRun"))
            throw ApiError.BadRequest($"admission webhook \"{hook.Name}\" does not support dry run");
        if (hook.ReviewVersion is not { } version)
        {
            throw new CallFailure(
                "could not create admission objects: webhook does not accept known AdmissionReview versions (v1, v1beta1)");
        }
        var uid = Guid.NewGuid().ToString();
        var body = AdmissionReview.Request(version, uid, invocation, request,
            obj is null ? null : Json.ToBytes(obj), old is null ? null : Json.ToBytes(old));
        JsonObject answer;
        try
        {
            answer = await _client.PostAsync(hook.Endpoint, body, hook.Timeout).ConfigureAwait(false);
        }
        catch (WebhookCallException e)
        {
            throw new CallFailure(e.Stage == WebhookCallStage.Client
                ? $"could not get REST client: {e.Message}"
                : $"failed to call webhook: {e.Message}");
        }
        AdmissionResponse response;
        try
        {
            response = AdmissionReview.Response(answer, version, uid, hook.IsMutating);
        }
        catch (WebhookCallException e)
        {
            throw new CallFailure($"failed to call webhook: {e.Message}");
        }
        catch (AdmissionReview.InvalidResponseException e)
        {
            throw new CallFailure($"received invalid webhook response: {e.Message}");
        }
        if (addWarnings) AddWarnings(request, response.Warnings);
        return response;
    }

    private static void AddWarnings(AdmissionRequest request, string[] warnings)
    {
        foreach (var warning in warnings)
        {
            if (warning.Length > 0 && !request.Warnings.Contains(warning)) request.Warnings.Add(warning);
        }
    }

    /// <summary>errors.ToStatusErr: the webhook's Status with code ≥ 400 and kube's "denied the request" message.</summary>
    private static ApiError Denied(string webhook, JsonObject? status)
    {
        var code = (int)Math.Clamp(Json.Long(status, "code") ?? 0, 0, 599);
        if (code < 400) code = 400;
        var reason = Json.Str(status, "reason") ?? "";
        var message = Json.Str(status, "message");
        var deniedBy = $"admission webhook \"{webhook}\" denied the request";
        var text = !string.IsNullOrEmpty(message) ? $"{deniedBy}: {message}"
            : reason.Length > 0 ? $"{deniedBy}: {reason}"
            : $"{deniedBy} without explanation";
        return new ApiError(code, reason, text, (status?["details"] as JsonObject)?.DeepClone().AsObject());
    }

    /// <summary>A failed call (connection, timeout, garbage, protocol violation): what failurePolicy decides about.</summary>
    private sealed class CallFailure(string message) : Exception(message);

    // ------------------------------------------------------------------ matching

    /// <summary>ShouldCallHook: namespaceSelector, objectSelector, then the rules (exact, then equivalent versions).</summary>
    private Invocation? Match(Webhook hook, AdmissionRequest request, JsonObject? obj)
    {
        ApiError? namespaceError = null;
        if (!NamespaceMatches(hook, request, obj, out namespaceError) && namespaceError is null) return null;
        if (!hook.ObjectSelector.IsEmpty &&
            !hook.ObjectSelector.Matches(Labels(obj)) && !hook.ObjectSelector.Matches(Labels(request.OldObject))) return null;
        Invocation? invocation = null;
        foreach (var rule in hook.Rules)
        {
            if (RuleMatches(rule, request, request.Type))
            {
                invocation = new Invocation(hook, request.Type, request.Kind);
                break;
            }
        }
        if (invocation is null && !hook.ExactMatch && request.Type.IsCustom)
        {
            var equivalents = _types.Current.ByStorage(request.Type.StorageKey);
            foreach (var rule in hook.Rules)
            {
                var equivalent = equivalents.FirstOrDefault(t => t != request.Type && RuleMatches(rule, request, t));
                if (equivalent is null) continue;
                var kind = request.IsScale ? request.Kind : (equivalent.Group, equivalent.Version, equivalent.Kind);
                invocation = new Invocation(hook, equivalent, kind);
                break;
            }
        }
        if (invocation is null) return null;
        if (namespaceError is not null) throw namespaceError;
        return invocation;
    }

    private static bool RuleMatches(WebhookRule rule, AdmissionRequest request, ResourceType type) =>
        rule.Matches(request.Operation, type.Group, type.Version, type.Resource, request.Subresource, request.Namespace,
            request.IsNamespace);

    /// <summary>MatchNamespaceSelector; a missing namespace is a 404, reported only when the rules match too.</summary>
    private bool NamespaceMatches(Webhook hook, AdmissionRequest request, JsonObject? obj, out ApiError? error)
    {
        error = null;
        if (request.Namespace.Length == 0 && !request.IsNamespace) return true;
        if (hook.NamespaceSelector.IsEmpty) return true;
        JsonObject? labels;
        if (request.IsNamespace && request.Subresource.Length == 0 && request.Operation is "CREATE" or "UPDATE")
        {
            labels = Labels(obj);
        }
        else
        {
            var ns = _store.Get("namespaces", new ObjectKey("", request.Namespace));
            if (ns is null)
            {
                error = ApiError.NamespaceNotFound(request.Namespace);
                return false;
            }
            labels = ns.Labels;
        }
        return hook.NamespaceSelector.Matches(labels);
    }

    private static JsonObject? Labels(JsonObject? obj) => Json.Path(obj, "metadata.labels") as JsonObject;

    // ------------------------------------------------------------------ versions

    /// <summary>The object and old object in the invocation's version (converted when matched through another version).</summary>
    private async ValueTask<(JsonObject? Object, JsonObject? Old)> VersionedAsync(AdmissionRequest request, Invocation invocation,
        JsonObject? obj, ResourceType objType)
    {
        if (request.IsScale) return (obj, request.OldObject);
        var target = invocation.Resource;
        if (obj is not null && objType != target) obj = await ConvertAsync(obj, objType, target).ConfigureAwait(false);
        var old = request.OldObject;
        if (old is not null && request.Type != target) old = await ConvertAsync(old, request.Type, target).ConfigureAwait(false);
        return (obj, old);
    }

    private async ValueTask<JsonObject> ConvertAsync(JsonObject obj, ResourceType from, ResourceType to)
    {
        if (to.Custom is null || from == to) return obj;
        try
        {
            var converted = await _converter.ConvertAsync(to.Custom, to.Kind, [obj], to.GroupVersion, to.Custom.Schema)
                .ConfigureAwait(false);
            return converted[0];
        }
        catch (ApiError e) when (e.Code == 500 && e.Reason.Length == 0)
        {
            throw ApiError.Internal(e.Message);
        }
    }
}
