using Orkestra.ApiMachinery.Meta;

namespace Orkestra.Sandbox.Handlers;

/// <summary>Which part of an object a write addresses.</summary>
internal enum Subresource { None, Status, Scale, Finalize }

/// <summary>
/// One write as the sandbox carries it through its handlers: the client's <see cref="WriteOptions"/> (query
/// parameters) and what the server decided about the call (subresource, patch or not, managedFields operation) plus
/// the Warning headers collected on the way. Per call, not shared.
/// </summary>
internal sealed class WriteRequest
{
    public WriteOptions Options { get; init; } = WriteOptions.None;
    /// <summary>The manager recorded in managedFields (the query's, else the User-Agent's prefix; "sandbox" internally).</summary>
    public string FieldManager => Options.FieldManager ?? "sandbox";
    public bool DryRun => Options.DryRun;
    public FieldValidation Validation => Options.Validation ?? FieldValidation.Warn;
    public Subresource Subresource { get; init; }
    /// <summary>Set for PATCH: the body was derived from the stored object, so a missing RV is no precondition.</summary>
    public bool IsPatch { get; init; }
    /// <summary>Server-side apply: an absent object is created.</summary>
    public bool CreateIfAbsent { get; init; }
    /// <summary>managedFields operation recorded for this write.</summary>
    public string Operation { get; init; } = "Update";
    /// <summary>A server-side apply: the patch already computed the managed fields.</summary>
    public bool IsApply => Operation == "Apply";
    /// <summary>Warning headers collected during the call (<c>299 - "text"</c>).</summary>
    public List<string> Warnings { get; init; } = new();
    /// <summary>The <c>fieldManager</c> query parameter as sent (admission's options object carries it; null: absent).</summary>
    public string? RequestFieldManager { get; init; }
    /// <summary>The <c>fieldValidation</c> query parameter as sent (null: absent).</summary>
    public string? RequestFieldValidation { get; init; }
    /// <summary>Who writes, when not the admin or the sandbox itself (null): RBAC writes are checked for escalation.</summary>
    public Auth.UserInfo? User { get; init; }

    public static WriteRequest Internal(string manager, Subresource subresource = Subresource.None) =>
        new()
        {
            Options = new WriteOptions { FieldManager = manager, Validation = FieldValidation.Ignore }, Subresource = subresource,
                IsPatch = true,
        };
}
