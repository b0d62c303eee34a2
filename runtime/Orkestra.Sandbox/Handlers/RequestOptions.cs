using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Sandbox.Api;

namespace Orkestra.Sandbox.Handlers;

/// <summary>
/// The options of one request read from its query (and, for deletes, its body) and checked as kube checks them:
/// <c>dryRun</c>, <c>fieldValidation</c>, <c>fieldManager</c> (defaulted from the User-Agent), delete propagation
/// and preconditions, and the integer parameters. A write's options also carry its warnings to the response.
/// </summary>
internal static class RequestOptions
{
    /// <summary>The options of a create, update or patch.</summary>
    public static WriteRequest ForWrite(HttpContext context, Subresource sub, bool isPatch, string operation, bool createIfAbsent = false)
    {
        var query = context.Request.Query;
        var dryRun = query["dryRun"].ToArray();
        foreach (var value in dryRun)
        {
            if (value != "All")
                throw ApiError.Invalid("CreateOptions", "meta.k8s.io", "", [Cause.NotSupported("dryRun", $"\"{value}\"", ["All"])]);
        }
        var validation = query["fieldValidation"].FirstOrDefault() switch
        {
            null or "" or "Warn" => FieldValidation.Warn,
            "Strict" => FieldValidation.Strict,
            "Ignore" => FieldValidation.Ignore,
            var other => throw ApiError.BadRequest($"fieldValidation {other} is invalid, valid values are: Ignore, Warn, Strict"),
        };
        var manager = query["fieldManager"].FirstOrDefault();
        if (string.IsNullOrEmpty(manager))
        {
            // kube's prefixFromUserAgent: the part before the first '/', printable characters only, at most 128.
            var prefix = context.Request.Headers.UserAgent.ToString().Split('/')[0];
            manager = new string(prefix.Where(c => !char.IsControl(c)).Take(128).ToArray());
        }
        else if (manager.Length > 128)
        {
            var cause = Cause.InvalidValue("fieldManager", $"\"{manager}\"", "must be no more than 128 characters");
            throw ApiError.Invalid("PatchOptions", "meta.k8s.io", "", [cause]);
        }
        var options = new WriteRequest
        {
            Options = new WriteOptions
            {
                FieldManager = manager, DryRun = dryRun.Length > 0, Validation = validation,
                Force = query["force"].FirstOrDefault() is "true" or "1",
            },
            Subresource = sub, IsPatch = isPatch, Operation = operation, CreateIfAbsent = createIfAbsent,
            RequestFieldManager = query["fieldManager"].FirstOrDefault(),
            RequestFieldValidation = query["fieldValidation"].FirstOrDefault(),
            User = context.Features.Get<Auth.UserInfo>(),
        };
        Responses.CollectWarnings(context, options.Warnings);
        return options;
    }

    /// <summary>
    /// The options of a delete or deletecollection (a DeleteOptions body when one is sent, else the query), and the
    /// list its admission warnings are collected in for the response.
    /// </summary>
    public static async Task<(DeleteOptions Options, List<string> Warnings)> ForDeleteAsync(HttpContext context)
    {
        var options = await ParseDeleteAsync(context).ConfigureAwait(false);
        var warnings = new List<string>();
        Responses.CollectWarnings(context, warnings);
        return (options, warnings);
    }

    /// <summary><c>includeObject</c> of a Table request (default Metadata).</summary>
    public static string IncludeObject(HttpContext context) => context.Request.Query["includeObject"].FirstOrDefault() ?? "Metadata";

    /// <summary>A non-negative integer query parameter (null: absent or empty); anything else is a 400 naming it.</summary>
    public static long? ParseLong(string? text, string name)
    {
        if (string.IsNullOrEmpty(text)) return null;
        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 0
            ? n : throw ApiError.BadRequest($"invalid value for {name}: \"{text}\"");
    }

    private static async Task<DeleteOptions> ParseDeleteAsync(HttpContext context)
    {
        var body = await Responses.ReadBodyAsync(context).ConfigureAwait(false);
        if (body.Length > 0 && Json.Parse(body, "error decoding DeleteOptions") is JsonObject o)
        {
            var preconditions = o["preconditions"] as JsonObject;
            var orphan = Json.Bool(o, "orphanDependents");
            return new DeleteOptions
            {
                Propagation = Propagation(Json.Str(o, "propagationPolicy"), orphan), OrphanDependents = orphan,
                GracePeriodSeconds = Json.Long(o, "gracePeriodSeconds"),
                PreconditionUid = Json.Str(preconditions, "uid"),
                PreconditionResourceVersion = Json.Str(preconditions, "resourceVersion"),
                DryRun = o["dryRun"] is JsonArray d && d.Count > 0,
            };
        }
        var query = context.Request.Query;
        var orphanQuery = query["orphanDependents"].FirstOrDefault() is { } od ? od == "true" : (bool?)null;
        return new DeleteOptions
        {
            Propagation = Propagation(query["propagationPolicy"].FirstOrDefault(), orphanQuery), OrphanDependents = orphanQuery,
            GracePeriodSeconds = ParseLong(query["gracePeriodSeconds"].FirstOrDefault(), "gracePeriodSeconds"),
            DryRun = query["dryRun"].Count > 0,
        };
    }

    /// <summary>The propagation policy of a DELETE, refused with kube's texts when unknown or given with orphanDependents.</summary>
    private static PropagationPolicy Propagation(string? text, bool? orphanDependents)
    {
        if (!PropagationPolicies.TryParse(text, out var policy))
        {
            var cause = Cause.NotSupported("propagationPolicy", $"\"{text}\"", [.. PropagationPolicies.Known, "nil"]);
            throw ApiError.Invalid("DeleteOptions", "meta.k8s.io", "", [cause]);
        }
        if (text is not null && orphanDependents is not null)
        {
            var cause = Cause.Forbidden("propagationPolicy", "orphanDependents and deletionPropagation cannot be both set");
            throw ApiError.Invalid("DeleteOptions", "meta.k8s.io", "", [cause]);
        }
        return policy;
    }
}
