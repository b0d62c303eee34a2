namespace Orkestra.ApiMachinery.Meta;

/// <summary>
/// Labels with one meaning across ork: what the Katalog's child builders stamp on every object they build and what
/// the runtime selects and indexes children by (the Orkestra schema's labels section). Constants only.
/// </summary>
public static class WellKnownLabels
{
    /// <summary><c>"true"</c> on every object an operator built (children and the CRs it adopted); child informers select it.</summary>
    public const string Managed = "orkestra.orkspace.io/managed";

    /// <summary>The name of the CR that owns a child; the runtime's label index finds a CR's children by it.</summary>
    public const string Owner = "orkestra-owner";

    /// <summary>Pod selector label of workloads built from a Katalog: the workload's name.</summary>
    public const string App = "app";
}
