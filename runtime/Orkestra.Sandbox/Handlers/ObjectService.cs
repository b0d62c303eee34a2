using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Apply;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Sandbox.Admission;
using Orkestra.Sandbox.Api;
using Orkestra.Sandbox.Resources;
using Orkestra.Sandbox.Storage;

namespace Orkestra.Sandbox.Handlers;

/// <summary>
/// The object semantics (create, read, update, patch, delete, finalizers and graceful deletion), shared by the HTTP handlers and the
/// in-process controllers (garbage collector, namespace finaliser, simulators), so every writer goes through the same rules: uid,
/// creationTimestamp, generation, status-subresource rules both ways, optimistic concurrency, no-op suppression, finalizers and
/// deletionTimestamp. Every failure is an <see cref="ApiError"/> carrying kube's Status. Thread-safe: each write is one store transaction.
/// </summary>
internal sealed class ObjectService
{
    private const string NamespacesKey = "namespaces";
    private readonly ObjectStore _store;
    private readonly ResourceRegistry _registry;
    private readonly TimeProvider _time;
    private readonly BuiltInDefaults _defaults;
    private readonly CustomResourcePipeline _custom;

    public ObjectService(ObjectStore store, ResourceRegistry registry, TimeProvider time, CustomResourcePipeline custom)
    {
        _store = store;
        _registry = registry;
        _time = time;
        _defaults = new BuiltInDefaults();
        _custom = custom;
    }

    public ObjectStore Store => _store;
    public ResourceRegistry Registry => _registry;
    public TimeProvider Time => _time;

    /// <summary>Hook run inside the write transaction after a CRD write, before commit returns (CRD establishment).</summary>
    public Action<ObjectStore.WriteScope, StoredObject?, StoredObject?>? OnCrdWritten { get; set; }

    /// <summary>Admission webhooks (<c>Admission/</c>); null: writes are not admitted.</summary>
    public AdmissionChain? Admission { get; set; }

    /// <summary>Privilege-escalation prevention on RBAC writes; null: none.</summary>
    public Auth.EscalationCheck? Escalation { get; set; }

    /// <summary>Custom resource conversion (webhook strategy); null: only apiVersion is ever rewritten.</summary>
    public CustomResourceConverter? Converter { get; set; }

    public StoredObject Get(ResourceType type, string? ns, string name) =>
        _store.Get(type.StorageKey, new ObjectKey(type.Namespaced ? ns ?? "" : "", name)) ?? throw ApiError.NotFound(type, name);

    // ---------------------------------------------------------------- create

    /// <summary>Create for in-process callers (controllers): admission, if any, is awaited on this thread.</summary>
    public StoredObject Create(ResourceType type, string? ns, JsonObject obj, WriteRequest options) =>
        Wait(CreateAsync(type, ns, obj, options));

    public async ValueTask<StoredObject> CreateAsync(ResourceType type, string? ns, JsonObject obj, WriteRequest options)
    {
        PrepareBody(type, ns, obj, urlName: null);
        var metadata = (JsonObject)obj["metadata"]!;
        if (!string.IsNullOrEmpty(Json.Str(metadata, "resourceVersion")))
            throw ApiError.Internal("resourceVersion should not be set on objects to be created");
        var generateName = Json.Str(metadata, "generateName");
        if (string.IsNullOrEmpty(Json.Str(metadata, "name")) && string.IsNullOrEmpty(generateName))
            throw ApiError.Invalid(type, "", Cause.Required("metadata.name", "name or generateName is required"));
        if (type.HasStatus) obj.Remove("status");
        var webhooks = Admission?.For(type);
        if (webhooks is { Mutating.Length: > 0 })
        {
            // kube's order: decode (prune, default), mutating admission on an object without uid/timestamps, decode again
            _custom.Decode(type, obj, options);
            obj = await Admission!.MutateAsync(webhooks, Request("CREATE", type, ns, obj, null, options)).ConfigureAwait(false) ?? obj;
            PrepareBody(type, ns, obj, urlName: null);
            CustomResourcePipeline.Redecode(type, obj);
            metadata = (JsonObject)obj["metadata"]!;
            generateName = Json.Str(metadata, "generateName");
        }
        _custom.Prepare(type, obj, options, old: null);
        metadata.Remove("deletionTimestamp");
        metadata.Remove("deletionGracePeriodSeconds");
        metadata["uid"] = Guid.NewGuid().ToString();
        metadata["creationTimestamp"] = KubeTime.Format(_time.GetUtcNow());
        if (type.TracksGeneration) metadata["generation"] = 1;
        else metadata.Remove("generation");
        _defaults.OnCreate(type, obj);
        if (!options.IsApply) TrackUpdate(type, null, obj, options);
        var generatedEarly = false;
        if (webhooks is { Validating.Length: > 0 })
        {
            // validating webhooks see the final object, generated name included (a collision still retries in the commit)
            if (string.IsNullOrEmpty(Json.Str(metadata, "name")) && !string.IsNullOrEmpty(generateName))
            {
                metadata["name"] = Names.Generate(generateName);
                generatedEarly = true;
            }
            await Admission!.ValidateAsync(webhooks, Request("CREATE", type, ns, obj, null, options)).ConfigureAwait(false);
        }
        Escalation?.Check(type, obj, null, options.User);
        obj = await ForStorageAsync(type, obj).ConfigureAwait(false);
        return _store.Write(tx => CommitCreate(tx, type, obj, options, generateName, generatedEarly));
    }

    private StoredObject CommitCreate(ObjectStore.WriteScope tx, ResourceType type, JsonObject obj, WriteRequest options,
        string? generateName, bool generatedEarly)
    {
        var metadata = (JsonObject)obj["metadata"]!;
        var ns = Json.Str(metadata, "namespace") ?? "";
        if (type.Namespaced) CheckNamespaceAcceptsContent(tx, ns);
        if (type.IsCustom && IsCrdTerminating(tx, type))
            throw ApiError.MethodNotAllowed("create not allowed while custom resource definition is terminating");
        var name = Json.Str(metadata, "name");
        if (generatedEarly && tx.Get(type.StorageKey, new ObjectKey(ns, name!)) is not null)
        {
            name = null; // a name generated before validating admission collided: generate again, as kube retries
        }
        if (string.IsNullOrEmpty(name))
        {
            for (var attempt = 0; ; attempt++)
            {
                var candidate = Names.Generate(generateName!);
                if (tx.Get(type.StorageKey, new ObjectKey(ns, candidate)) is null) { name = candidate; break; }
                if (attempt == 7) throw ApiError.AlreadyExists(type, candidate,
                    ", the server was not able to generate a unique name for the object");
            }
            metadata["name"] = name;
        }
        Names.Validate(type, name);
        Names.ValidateLabels(type, name, metadata);
        if (tx.Get(type.StorageKey, new ObjectKey(ns, name)) is not null) throw ApiError.AlreadyExists(type, name);
        if (options.DryRun) return new StoredObject(obj, 0);
        var stored = tx.Put(type.StorageKey, obj);
        if (type.Resource == "customresourcedefinitions" && type.Group == "apiextensions.k8s.io") OnCrdWritten?.Invoke(tx, null, stored);
        return stored;
    }

    private void CheckNamespaceAcceptsContent(ObjectStore.WriteScope tx, string ns)
    {
        var namespaceObject = tx.Get(NamespacesKey, new ObjectKey("", ns)) ?? throw ApiError.NamespaceNotFound(ns);
        if (namespaceObject.IsDeleting)
        {
            throw ApiError.Forbidden($"unable to create new content in namespace {ns} because it is being terminated",
                new JsonObject
                {
                    ["name"] = ns, ["kind"] = "namespaces",
                    ["causes"] = new JsonArray(new JsonObject
                    {
                        ["reason"] = "NamespaceTerminating", ["message"] = $"namespace {ns} is being terminated",
                        ["field"] = "metadata.namespace",
                    }),
                });
        }
    }

    private static bool IsCrdTerminating(ObjectStore.WriteScope tx, ResourceType type) =>
        tx.Get("customresourcedefinitions.apiextensions.k8s.io", new ObjectKey("", type.Custom!.CrdName)) is { IsDeleting: true };

    /// <summary>apiVersion/kind, namespace and name consistency between body and URL.</summary>
    private static void PrepareBody(ResourceType type, string? urlNamespace, JsonObject obj, string? urlName)
    {
        var apiVersion = Json.Str(obj, "apiVersion");
        var kind = Json.Str(obj, "kind");
        if (!string.IsNullOrEmpty(kind) && kind != type.Kind)
            throw ApiError.BadRequest($"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: " +
                $"the kind in the data ({kind}) does not match the expected kind ({type.Kind})");
        if (!string.IsNullOrEmpty(apiVersion) && apiVersion != type.GroupVersion)
        {
            throw ApiError.BadRequest(
                $"the API version in the data ({apiVersion}) does not match the expected API version ({type.GroupVersion})");
        }
        obj["apiVersion"] = type.GroupVersion;
        obj["kind"] = type.Kind;
        if (obj["metadata"] is not JsonObject metadata)
        {
            if (obj["metadata"] is not null)
                throw ApiError.BadRequest(
                    $"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: metadata must be an object");
            metadata = new JsonObject();
            obj["metadata"] = metadata;
        }
        if (type.Namespaced)
        {
            var bodyNamespace = Json.Str(metadata, "namespace");
            if (string.IsNullOrEmpty(bodyNamespace)) metadata["namespace"] = urlNamespace;
            else if (bodyNamespace != urlNamespace)
                throw ApiError.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }
        else
        {
            metadata.Remove("namespace");
        }
        if (urlName is not null)
        {
            var bodyName = Json.Str(metadata, "name");
            if (string.IsNullOrEmpty(bodyName)) metadata["name"] = urlName;
            else if (bodyName != urlName)
                throw ApiError.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({urlName})");
        }
    }

    // ---------------------------------------------------------------- update (PUT, PATCH, status writes, controllers)

    /// <summary>
    /// Replaces an object with what <paramref name="produce"/> derives from the stored state (PUT ignores it; PATCH
    /// and apply transform it). Null current state means the object is absent (only apply may then create).
    /// Returns the stored result and whether it was created. For in-process callers; see <see cref="UpdateAsync"/>.
    /// </summary>
    public (StoredObject Result, bool Created) Update(ResourceType type, string? ns, string name, Func<StoredObject?, JsonObject> produce,
        WriteRequest options) => Wait(UpdateAsync(type, ns, name, produce, options));

    /// <summary>
    /// <see cref="Update"/> with admission: <paramref name="produce"/> sees the stored object in the request's version;
    /// mutating webhooks see the produced object, validating webhooks the prepared one; a custom resource with a
    /// conversion webhook is stored in its storage version.
    /// </summary>
    public async ValueTask<(StoredObject Result, bool Created)> UpdateAsync(ResourceType type, string? ns, string name,
        Func<StoredObject?, JsonObject> produce, WriteRequest options)
    {
        var key = new ObjectKey(type.Namespaced ? ns ?? "" : "", name);
        // Patches and transforms run outside the lock against a snapshot; the commit re-checks the snapshot's RV and retries on races.
        for (var attempt = 0; ; attempt++)
        {
            var current = _store.Get(type.StorageKey, key);
            if (current is null && !options.CreateIfAbsent) throw ApiError.NotFound(type, name);
            var view = current is null ? null : await InRequestVersionAsync(type, current).ConfigureAwait(false);
            var desired = produce(view);
            if (current is null)
            {
                if (options.Subresource != Subresource.None) throw ApiError.NotFound(type, name);
                return (await CreateAsync(type, ns, desired, options).ConfigureAwait(false), true);
            }
            PrepareBody(type, ns, desired, name);
            var webhooks = Admission?.For(type);
            if (webhooks is { Mutating.Length: > 0 })
                desired = await MutateUpdateAsync(webhooks, type, ns, view!, desired, options).ConfigureAwait(false);
            var prepared = PrepareUpdate(type, view!, desired, options);
            if (webhooks is { Validating.Length: > 0 })
                await Admission!.ValidateAsync(webhooks, UpdateRequest(type, ns, view!, prepared, options)).ConfigureAwait(false);
            Escalation?.Check(type, prepared, view!.Object, options.User);
            prepared = await ForStorageAsync(type, prepared).ConfigureAwait(false);
            var outcome = _store.Write(tx =>
            {
                var latest = tx.Get(type.StorageKey, key);
                if (latest is null) return options.CreateIfAbsent ? (null, true) : throw ApiError.NotFound(type, name);
                if (!ReferenceEquals(latest, current)) return ((StoredObject?)null, true);
                return ((StoredObject?)CommitUpdate(tx, type, current, prepared, options), false);
            });
            if (!outcome.Item2) return (outcome.Item1!, false);
            if (attempt > 50) throw ApiError.Internal("too many concurrent updates");
        }
    }

    /// <summary>Mutating admission of an update: decode, webhooks (a Scale for /scale), decode again.</summary>
    private async ValueTask<JsonObject> MutateUpdateAsync(WebhookSnapshot webhooks, ResourceType type, string? ns, StoredObject view,
        JsonObject desired, WriteRequest options)
    {
        if (options.Subresource == Subresource.Scale)
        {
            var request = UpdateRequest(type, ns, view, desired, options);
            var scale = await Admission!.MutateAsync(webhooks, request).ConfigureAwait(false);
            if (Json.Long(scale?["spec"], "replicas") is { } replicas) Scales.SetReplicas(type, desired, replicas);
            return desired;
        }
        _custom.Decode(type, desired, options);
        var mutated = await Admission!.MutateAsync(webhooks, UpdateRequest(type, ns, view, desired, options)).ConfigureAwait(false)
                      ?? desired;
        PrepareBody(type, ns, mutated, view.Name);
        CustomResourcePipeline.Redecode(type, mutated);
        return mutated;
    }

    private AdmissionRequest UpdateRequest(ResourceType type, string? ns, StoredObject view, JsonObject obj, WriteRequest options) =>
        options.Subresource == Subresource.Scale
            ? Request("UPDATE", type, ns, Scales.ToScale(type, obj), Scales.ToScale(type, view.Object), options)
            : Request("UPDATE", type, ns, obj, view.Object, options);

    private JsonObject PrepareUpdate(ResourceType type, StoredObject current, JsonObject desired, WriteRequest options)
    {
        var metadata = (JsonObject)desired["metadata"]!;
        var old = current.Object;
        var oldMeta = current.Metadata;
        var requestedRv = Json.Str(metadata, "resourceVersion");
        if (string.IsNullOrEmpty(requestedRv))
        {
            if (!type.AllowUnconditionalUpdate && !options.IsPatch && options.Subresource == Subresource.None)
                throw ApiError.Invalid(type, current.Name,
                    Cause.InvalidValue("metadata.resourceVersion", "0x0", "must be specified for an update"));
        }
        else if (requestedRv != current.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            throw ApiError.StaleResourceVersion(type, current.Name);
        }

        JsonObject result;
        if (options.Subresource == Subresource.Finalize)
        {
            // /finalize (namespaces): only spec.finalizers comes from the request.
            result = current.Clone();
            Json.Obj(result, "spec")["finalizers"] = Json.Path(desired, "spec.finalizers")?.DeepClone() ?? new JsonArray();
            TrackUpdate(type, old, result, options);
        }
        else if (options.Subresource == Subresource.Status)
        {
            // /status: only status comes from the request; spec and all metadata stay as stored.
            result = current.Clone();
            if (desired["status"] is { } status) result["status"] = status.DeepClone();
            else result.Remove("status");
            _custom.Prepare(type, result, options, old);
            if (!options.IsApply) TrackUpdate(type, old, result, options);
            else if (metadata["managedFields"] is { } mf) ((JsonObject)result["metadata"]!)["managedFields"] = mf.DeepClone();
            else ((JsonObject)result["metadata"]!).Remove("managedFields");
        }
        else
        {
            result = desired;
            if (type.HasStatus)
            {
                if (old["status"] is { } status) result["status"] = status.DeepClone();
                else result.Remove("status");
            }
            var uid = Json.Str(metadata, "uid");
            if (!string.IsNullOrEmpty(uid) && uid != current.Uid)
                throw ApiError.Invalid(type, current.Name, Cause.Immutable("metadata.uid", $"\"{uid}\""));
            metadata["uid"] = current.Uid;
            metadata["creationTimestamp"] = oldMeta["creationTimestamp"]?.DeepClone();
            CarryOver(oldMeta, metadata, "deletionTimestamp");
            CarryOver(oldMeta, metadata, "deletionGracePeriodSeconds");
            CarryOver(oldMeta, metadata, "generation");
            if (current.IsDeleting)
            {
                var added = Finalizers(metadata).Except(current.Finalizers).ToList();
                if (added.Count > 0)
                {
                    throw ApiError.Invalid(type, current.Name, Cause.Forbidden("metadata.finalizers",
                        $"no new finalizers can be added if the object is being deleted, found new finalizers []string{{{string.Join(", ",
                            added.Select(a => $"\"{a}\""))}}}"));
                }
            }
            _custom.Prepare(type, result, options, old);
            _defaults.OnUpdate(type, result, old);
            if (type.TracksGeneration && SpecChanged(type, old, result))
                metadata["generation"] = (Json.Long(oldMeta, "generation") ?? 0) + 1;
            if (!options.IsApply) TrackUpdate(type, old, result, options);
        }
        ((JsonObject)result["metadata"]!)["resourceVersion"] =
            current.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return result;
    }

    private StoredObject CommitUpdate(ObjectStore.WriteScope tx, ResourceType type, StoredObject current, JsonObject result,
        WriteRequest options)
    {
        // Managed fields count: a change of ownership alone (a second applier sharing a value) is a write.
        if (Json.DeepEquals(current.Object, result)) return current;
        var metadata = (JsonObject)result["metadata"]!;
        Names.ValidateLabels(type, current.Key.Name, metadata);
        if (metadata["deletionTimestamp"] is not null && Finalizers(metadata).Count == 0
            && (Json.Long(metadata, "deletionGracePeriodSeconds") ?? 0) == 0
            && !HasNamespaceFinalizers(type, result))
        {
            if (options.DryRun) return new StoredObject(result, current.ResourceVersion);
            return RemoveNow(tx, type, current.Key)!;
        }
        if (options.DryRun) return new StoredObject(result, current.ResourceVersion);
        var stored = tx.Put(type.StorageKey, result);
        if (type.Resource == "customresourcedefinitions" && type.Group == "apiextensions.k8s.io") OnCrdWritten?.Invoke(tx, current, stored);
        return stored;
    }

    private StoredObject? RemoveNow(ObjectStore.WriteScope tx, ResourceType type, ObjectKey key)
    {
        var removed = tx.Remove(type.StorageKey, key);
        if (removed is not null && type.Resource == "customresourcedefinitions" && type.Group == "apiextensions.k8s.io")
            OnCrdWritten?.Invoke(tx, removed, null);
        return removed;
    }

    private static bool HasNamespaceFinalizers(ResourceType type, JsonObject obj) =>
        type.Resource == "namespaces" && type.Group.Length == 0 && (Json.Path(obj, "spec.finalizers") as JsonArray)?.Count > 0;

    private static void CarryOver(JsonObject from, JsonObject to, string key)
    {
        if (from[key] is { } value) to[key] = value.DeepClone();
        else to.Remove(key);
    }

    private static List<string> Finalizers(JsonObject metadata) =>
        (metadata["finalizers"] as JsonArray ?? []).Select(f => Json.ScalarText(f) ?? "").ToList();

    private static bool SpecChanged(ResourceType type, JsonObject old, JsonObject updated)
    {
        var keys = old.Select(p => p.Key).Concat(updated.Select(p => p.Key)).Distinct();
        foreach (var key in keys)
        {
            if (key is "metadata" or "apiVersion" or "kind") continue;
            if (key == "status" && type.HasStatus) continue;
            if (!Json.DeepEquals(old[key], updated[key])) return true;
        }
        return false;
    }

    // ---------------------------------------------------------------- field ownership

    /// <summary>What server-side apply and ownership tracking need to know about a write to <paramref name="type"/>.</summary>
    public FieldManagerContext FieldContext(ResourceType type, Subresource subresource) => new()
    {
        Shape = type.Shape,
        ApiVersion = type.GroupVersion,
        Scope = subresource == Subresource.Status ? FieldScope.StatusOnly : type.HasStatus ? FieldScope.AllButStatus : FieldScope.Whole,
        Subresource = subresource switch
        {
            Subresource.Status => "status", Subresource.Scale => "scale", Subresource.Finalize => "finalize", _ => "",
        },
        Now = _time.GetUtcNow(),
    };

    /// <summary>
    /// Records what a non-apply write changed in <paramref name="result"/>'s managedFields. Like kube's UpdateNoErrors, an
    /// object that does not fit its shape is still written, without managed fields.
    /// </summary>
    private void TrackUpdate(ResourceType type, JsonObject? old, JsonObject result, WriteRequest options)
    {
        try
        {
            FieldManager.Update(old, result, options.FieldManager, FieldContext(type, options.Subresource));
        }
        catch (InvalidStructureException)
        {
            (result["metadata"] as JsonObject)?.Remove("managedFields");
        }
    }

    // ---------------------------------------------------------------- delete

    /// <summary>DELETE of one object. Returns the object still present (finalizers pending) or the removed one.</summary>
    public (StoredObject Object, bool Removed) Delete(ResourceType type, string? ns, string name, DeleteOptions options) =>
        Wait(DeleteAsync(type, ns, name, options));

    /// <summary>
    /// <see cref="Delete"/> with admission: webhooks see the stored object as oldObject; a change meanwhile re-admits.
    /// Their warnings go to <paramref name="warnings"/> (null: dropped).
    /// </summary>
    public async ValueTask<(StoredObject Object, bool Removed)> DeleteAsync(ResourceType type, string? ns, string name,
        DeleteOptions options, List<string>? warnings = null)
    {
        var key = new ObjectKey(type.Namespaced ? ns ?? "" : "", name);
        if (type.Resource == "namespaces" && type.Group.Length == 0 && name is "default" or "kube-system" or "kube-public")
            throw ApiError.Forbidden($"namespaces \"{name}\" is forbidden: this namespace may not be deleted",
                new JsonObject { ["name"] = name, ["kind"] = "namespaces" });
        for (var attempt = 0; ; attempt++)
        {
            StoredObject? admitted = null;
            if (Admission?.For(type) is { } webhooks)
            {
                admitted = _store.Get(type.StorageKey, key) ?? throw ApiError.NotFound(type, name);
                var view = await InRequestVersionAsync(type, admitted).ConfigureAwait(false);
                var request = DeleteRequest(type, ns, view, options, warnings ?? []);
                if (webhooks.Mutating.Length > 0) await Admission.MutateAsync(webhooks, request).ConfigureAwait(false);
                if (webhooks.Validating.Length > 0) await Admission.ValidateAsync(webhooks, request).ConfigureAwait(false);
            }
            var stale = false;
            var result = DeleteNow(type, key, name, options, admitted, () => stale = true);
            if (!stale) return result;
            if (attempt > 50) throw ApiError.Internal("too many concurrent updates");
        }
    }

    /// <summary>The delete itself, one transaction; <paramref name="onStale"/> when the object changed since admission.</summary>
    private (StoredObject Object, bool Removed) DeleteNow(ResourceType type, ObjectKey key, string name, DeleteOptions options,
        StoredObject? admitted, Action onStale)
    {
        return _store.Write(tx =>
        {
            var current = tx.Get(type.StorageKey, key) ?? throw ApiError.NotFound(type, name);
            if (admitted is not null && !ReferenceEquals(current, admitted))
            {
                onStale();
                return (current, false);
            }
            if (options.PreconditionUid is { } uid && uid != current.Uid)
                throw ApiError.Conflict(type, name, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {current.Uid}");
            if (options.PreconditionResourceVersion is { } rv
                && rv != current.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture))
                throw ApiError.Conflict(type, name,
                    $"Precondition failed: ResourceVersion in precondition: {rv}, " +
                    $"ResourceVersion in object meta: {current.ResourceVersion}");

            var updated = current.Clone();
            var metadata = (JsonObject)updated["metadata"]!;
            var finalizers = Finalizers(metadata);
            var policy = options.EffectivePropagation;
            if (policy != PropagationPolicy.Default)
            {
                finalizers.Remove("orphan");
                finalizers.Remove("foregroundDeletion");
                if (policy == PropagationPolicy.Orphan) finalizers.Add("orphan");
                if (policy == PropagationPolicy.Foreground) finalizers.Add("foregroundDeletion");
            }
            if (type.Resource == "namespaces" && type.Group.Length == 0)
            {
                Json.Obj(updated, "spec")["finalizers"] ??= new JsonArray("kubernetes");
                Json.Obj(updated, "status")["phase"] = "Terminating";
            }
            if (type.Resource == "customresourcedefinitions" && !finalizers.Contains("customresourcecleanup.apiextensions.k8s.io"))
                finalizers.Add("customresourcecleanup.apiextensions.k8s.io");

            long grace = 0;
            if (type.Resource == "pods" && type.Group.Length == 0)
            {
                grace = options.GracePeriodSeconds ?? Json.Long(updated["spec"], "terminationGracePeriodSeconds") ?? 30;
                var phase = Json.Str(updated["status"], "phase");
                if (string.IsNullOrEmpty(Json.Str(updated["spec"], "nodeName")) || phase is "Succeeded" or "Failed") grace = 0;
            }
            if (finalizers.Count == 0 && grace == 0 && !HasNamespaceFinalizers(type, updated))
            {
                if (options.DryRun) return (current, true);
                return (RemoveNow(tx, type, key)!, true);
            }
            metadata["finalizers"] = finalizers.Count == 0 ? null : new JsonArray(finalizers.Select(f => (JsonNode?)f).ToArray());
            if (finalizers.Count == 0) metadata.Remove("finalizers");
            var now = _time.GetUtcNow();
            var deadline = now.AddSeconds(grace);
            if (current.Metadata["deletionTimestamp"] is null)
            {
                metadata["deletionTimestamp"] = KubeTime.Format(deadline);
                metadata["deletionGracePeriodSeconds"] = grace;
                if (Json.Long(metadata, "generation") is > 0 and var g) metadata["generation"] = g + 1;
            }
            else if (grace < (Json.Long(metadata, "deletionGracePeriodSeconds") ?? 0))
            {
                metadata["deletionTimestamp"] = KubeTime.Format(deadline);
                metadata["deletionGracePeriodSeconds"] = grace;
            }
            if (Json.DeepEquals(current.Object, updated) || options.DryRun) return (current, false);
            var stored = tx.Put(type.StorageKey, updated);
            if (type.Resource == "customresourcedefinitions") OnCrdWritten?.Invoke(tx, current, stored);
            return (stored, false);
        });
    }

    /// <summary>Removes an object at once regardless of finalizers (the pod "kubelet" final delete, GC of emptied objects).</summary>
    public StoredObject? ForceRemove(ResourceType type, ObjectKey key) => _store.Write(tx => RemoveNow(tx, type, key));

    // ---------------------------------------------------------------- admission and conversion plumbing

    /// <summary>Completes a write for a synchronous caller: at once when no webhook was involved (the common case).</summary>
    private static T Wait<T>(ValueTask<T> pending) =>
        pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();

    /// <summary>The stored object as the request's version (a webhook conversion when the CRD has one and versions differ).</summary>
    private async ValueTask<StoredObject> InRequestVersionAsync(ResourceType type, StoredObject stored)
    {
        if (Converter is null || !CustomResourceConverter.NeedsCall(type, stored.Object)) return stored;
        var converted = await Converter.ConvertAsync(type.Custom!, type.Kind, [stored.Object], type.GroupVersion, type.Custom!.Schema)
            .ConfigureAwait(false);
        return new StoredObject(converted[0], stored.ResourceVersion);
    }

    /// <summary>A custom resource with a conversion webhook, converted to its storage version before it is stored.</summary>
    private async ValueTask<JsonObject> ForStorageAsync(ResourceType type, JsonObject obj)
    {
        if (Converter is null || type.Custom is not { Conversion: not null } custom || custom.StorageVersion == type.Version) return obj;
        var storage = Registry.Current.ByStorage(type.StorageKey).FirstOrDefault(t => t.Version == custom.StorageVersion);
        var apiVersion = $"{type.Group}/{custom.StorageVersion}";
        var converted = await Converter.ConvertAsync(custom, type.Kind, [obj], apiVersion, storage?.Custom?.Schema).ConfigureAwait(false);
        return converted[0];
    }

    private AdmissionRequest Request(string operation, ResourceType type, string? ns, JsonObject? obj, JsonObject? old,
        WriteRequest writeOptions)
    {
        var name = Json.Str((obj ?? old)?["metadata"], "name") ?? "";
        var options = new JsonObject
        {
            ["kind"] = operation == "CREATE" ? "CreateOptions" : "UpdateOptions",
            ["apiVersion"] = "meta.k8s.io/v1",
        };
        if (writeOptions.DryRun) options["dryRun"] = new JsonArray("All");
        if (!string.IsNullOrEmpty(writeOptions.RequestFieldManager)) options["fieldManager"] = writeOptions.RequestFieldManager;
        if (!string.IsNullOrEmpty(writeOptions.RequestFieldValidation)) options["fieldValidation"] = writeOptions.RequestFieldValidation;
        return new AdmissionRequest
        {
            Operation = operation,
            Type = type,
            Subresource = SubresourceName(writeOptions.Subresource),
            Namespace = AdmissionNamespace(type, ns, operation, name),
            Name = name,
            Object = obj,
            OldObject = old,
            Options = options,
            DryRun = writeOptions.DryRun,
            Warnings = writeOptions.Warnings,
        };
    }

    private AdmissionRequest DeleteRequest(ResourceType type, string? ns, StoredObject view, DeleteOptions delete, List<string> warnings)
    {
        var options = new JsonObject { ["kind"] = "DeleteOptions", ["apiVersion"] = "meta.k8s.io/v1" };
        if (delete.GracePeriodSeconds is { } grace) options["gracePeriodSeconds"] = grace;
        if (delete.PreconditionUid is not null || delete.PreconditionResourceVersion is not null)
        {
            var preconditions = new JsonObject();
            if (delete.PreconditionUid is { } uid) preconditions["uid"] = uid;
            if (delete.PreconditionResourceVersion is { } rv) preconditions["resourceVersion"] = rv;
            options["preconditions"] = preconditions;
        }
        if (delete.OrphanDependents is { } orphan) options["orphanDependents"] = orphan;
        if (delete.Propagation != PropagationPolicy.Default) options["propagationPolicy"] = delete.Propagation.ToString();
        if (delete.DryRun) options["dryRun"] = new JsonArray("All");
        return new AdmissionRequest
        {
            Operation = "DELETE",
            Type = type,
            Namespace = AdmissionNamespace(type, ns, "DELETE", view.Name),
            Name = view.Name,
            OldObject = view.Object,
            Options = options,
            DryRun = delete.DryRun,
            Warnings = warnings,
        };
    }

    /// <summary>kube's request namespace: the object's, or for a Namespace object its own name (except on create).</summary>
    private static string AdmissionNamespace(ResourceType type, string? ns, string operation, string name) =>
        type.Resource == NamespacesKey && type.Group.Length == 0 ? (operation == "CREATE" ? "" : name) : type.Namespaced ? ns ?? "" : "";

    private static string SubresourceName(Subresource subresource) => subresource switch
    {
        Subresource.Status => "status",
        Subresource.Scale => "scale",
        Subresource.Finalize => "finalize",
        _ => "",
    };
}
