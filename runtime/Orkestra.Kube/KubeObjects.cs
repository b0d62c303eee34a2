namespace Orkestra.Kube;

/// <summary>Identifies a REST resource: group ("" for core), version, plural resource name.</summary>
public readonly record struct GroupVersionResource(string Group, string Version, string Resource)
{
    public override string ToString() => Group.Length == 0 ? $"{Version}/{Resource}" : $"{Group}/{Version}/{Resource}";
}
