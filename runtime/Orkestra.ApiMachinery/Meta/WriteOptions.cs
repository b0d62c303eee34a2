namespace Orkestra.ApiMachinery.Meta;

/// <summary>How the server treats fields the schema does not know (query parameter <c>fieldValidation</c>).</summary>
public enum FieldValidation { Ignore, Warn, Strict }

/// <summary>
/// The query parameters of a create, update or patch (<c>meta.k8s.io/v1</c> CreateOptions, UpdateOptions,
/// PatchOptions): <c>fieldManager</c>, <c>force</c>, <c>dryRun=All</c>, <c>fieldValidation</c>. Null means "not sent",
/// and the server's default applies (the manager from the User-Agent; <c>Warn</c>). Immutable; the client writes
/// these, the sandbox reads them into the same record.
/// </summary>
public sealed record WriteOptions
{
    public static readonly WriteOptions None = new();

    /// <summary>The field manager; required for a server-side apply.</summary>
    public string? FieldManager { get; init; }

    /// <summary>Server-side apply only: take ownership of fields another manager owns.</summary>
    public bool Force { get; init; }

    /// <summary>Validate and default without persisting (<c>dryRun=All</c>).</summary>
    public bool DryRun { get; init; }

    /// <summary>Unknown and duplicate fields: ignored, warned about, or refused.</summary>
    public FieldValidation? Validation { get; init; }
}
