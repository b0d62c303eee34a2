using System.Text.Json.Nodes;

namespace Orkestra.Katalog.Children;

/// <summary>How a child entry field is typed, for load-time checks and build-time coercion.</summary>
public enum FieldType
{
    /// <summary>Text; numbers and bools are printed.</summary>
    String,
    /// <summary>A JSON integer; accepts a number or a numeric string.</summary>
    Int,
    /// <summary>Kubernetes IntOrString: a numeric string becomes a number, anything else stays text (e.g. "http", "25%").</summary>
    IntOrString,
    /// <summary>true/false; accepts "true"/"false" strings.</summary>
    Bool,
    /// <summary>A map of string → string (labels, annotations, data, selectors).</summary>
    StringMap,
    /// <summary>A list of strings (command, args, accessModes).</summary>
    StringList,
    /// <summary>A structured object validated by the kind's builder.</summary>
    Object,
    /// <summary>A list of structured objects validated by the kind's builder.</summary>
    List,
    /// <summary>Free-form JSON passed through (custom spec, raw rules).</summary>
    Any,
}

/// <summary>One key an entry of a child kind accepts, beyond the keys every entry has
/// (reconcile, when, or, anyOf, forEach, sleep, forceConflict).</summary>
public sealed record ChildField(string Name, FieldType Type, bool Required = false);

/// <summary>The CR that owns the children being built.</summary>
public sealed record ChildOwner(string ApiVersion, string Kind, string Name, string? Namespace, string Uid);

/// <summary>Per-build inputs: the owner and the managed labels to stamp. Per call; not thread-safe.</summary>
public sealed class ChildBuildContext(ChildOwner owner, TimeProvider time)
{
    public ChildOwner Owner { get; } = owner;
    public TimeProvider Time { get; } = time;
}

/// <summary>
/// A child kind an operatorBox hook can declare (deployments, services, … custom). Turns one rendered entry —
/// the Katalog entry after every template in it was evaluated, as JSON — into the complete Kubernetes object
/// the reconciler applies: apiVersion, kind, metadata (name, namespace, managed labels, owner reference for
/// namespaced children), and a spec the API server accepts, with field names and defaults as
/// Orkestra documents them (the table in Children/README.md). Implementations are stateless singletons, safe on
/// any thread.
/// </summary>
public interface IChildKind
{
    /// <summary>The hook key, exactly as Orkestra's Go YAML tags spell it (e.g. <c>persistentVolumeClaims</c>).</summary>
    string YamlKey { get; }

    /// <summary>apiVersion of the built object (<c>apps/v1</c>); empty for <c>custom</c> (taken from the entry).</summary>
    string ApiVersion { get; }

    /// <summary>Kind of the built object; empty for <c>custom</c>.</summary>
    string Kind { get; }

    /// <summary>REST resource name (plural, lower case), e.g. <c>deployments</c>.</summary>
    string Resource { get; }

    bool Namespaced { get; }

    /// <summary>Keys under <c>.children</c>: singular (first object) and plural (name → object).</summary>
    string SingularChildKey { get; }
    string PluralChildKey { get; }

    /// <summary>Every key an entry of this kind accepts (beyond the common ones), with its type.</summary>
    IReadOnlyDictionary<string, ChildField> Fields { get; }

    /// <summary>Name used when the entry has none (e.g. <c>&lt;cr&gt;-deployment</c>).</summary>
    string DefaultName(string ownerName);

    /// <summary>Builds the object. Throws <see cref="ChildBuildException"/> naming the entry field on bad input.</summary>
    JsonObject Build(JsonObject entry, ChildBuildContext context);
}

/// <summary>A rendered entry that cannot become a valid object; <see cref="FieldPath"/> names the entry field
/// (e.g. <c>replicas</c>, <c>env[1].valueFrom</c>) so the message can point at the Katalog.</summary>
public sealed class ChildBuildException(string fieldPath, string message) : Exception(message)
{
    public string FieldPath { get; } = fieldPath;
}
