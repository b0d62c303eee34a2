namespace Orkestra.Sandbox.Handlers;

/// <summary>How unknown fields in a write are treated (query parameter <c>fieldValidation</c>).</summary>
internal enum FieldValidation { Ignore, Warn, Strict }

/// <summary>Which part of an object a write addresses.</summary>
internal enum Subresource { None, Status, Scale, Finalize }

/// <summary>Per-call options of one write (query parameters of create/update/patch/delete). Per call, not shared.</summary>
internal sealed class WriteOptions
{
    public string FieldManager { get; init; } = "sandbox";
    public bool DryRun { get; init; }
    public FieldValidation Validation { get; init; } = FieldValidation.Warn;
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

    public static WriteOptions Internal(string manager, Subresource subresource = Subresource.None) =>
        new() { FieldManager = manager, Subresource = subresource, IsPatch = true, Validation = FieldValidation.Ignore };
}
