using Orkestra.Katalog.Children.Kinds;

namespace Orkestra.Katalog.Children;

/// <summary>
/// Every child kind an operatorBox hook can declare, by its Katalog key (Orkestra's Go YAML tags), and the hook
/// keys Orkestra has that we do not build yet (the loader reports those as "not supported yet").
/// </summary>
public static class ChildKinds
{
    public static IReadOnlyList<IChildKind> All { get; } =
    [
        new DeploymentKind(),
        new ReplicaSetKind(),
        new StatefulSetKind(),
        new JobKind(),
        new CronJobKind(),
        new ServiceKind(),
        new IngressKind(),
        new NetworkPolicyKind(),
        new ConfigMapKind(),
        new SecretKind(),
        new ServiceAccountKind(),
        new PersistentVolumeClaimKind(),
        new RoleKind(cluster: false),
        new RoleBindingKind(cluster: false),
        new RoleKind(cluster: true),
        new RoleBindingKind(cluster: true),
        new HpaKind(),
        new PdbKind(),
        new NamespaceKind(),
        new PersistentVolumeKind(),
        new ResourceQuotaKind(),
        new LimitRangeKind(),
        new CustomKind(),
    ];

    private static readonly Dictionary<string, IChildKind> s_byKey = All.ToDictionary(k => k.YamlKey, StringComparer.Ordinal);

    /// <summary>Orkestra hook keys we do not build yet, including Orkestra's own parsed-but-ignored placeholders.</summary>
    public static IReadOnlySet<string> NotSupportedYet { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "pods",
        "volumes", "volumeMounts", "serviceMonitors", "podSecurityPolicies", "priorityClasses", "runtimeClasses",
        "priorityLevelConfigurations", "podTemplates", "daemonSets", "storageClasses", "storageLocations",
        "storagePools", "storageBackups", "storageSnapshots", "storageVolumes",
    };

    public static bool TryGet(string yamlKey, out IChildKind kind) => s_byKey.TryGetValue(yamlKey, out kind!);
}
