namespace Orkestra.Runtime.Observability;

/// <summary>
/// Which name a quantity that has two names is exported under (<c>--metrics-names</c>, <c>ORK_METRICS_NAMES</c>):
/// Orkestra's (<c>controller_reconcile_total{crd,result}</c>, …) and controller-runtime's / client-go's
/// (<c>controller_runtime_reconcile_total{controller,result}</c>, …). Families that have only one name are exported
/// whatever is chosen.
/// </summary>
public enum MetricNames
{
    Both,
    Orkestra,
    ControllerRuntime,
}

public static class MetricNamesText
{
    /// <summary>The flag's spelling: <c>both</c>, <c>orkestra</c>, <c>controller-runtime</c>.</summary>
    public static bool TryParse(string text, out MetricNames names)
    {
        names = text switch
        {
            "both" => MetricNames.Both,
            "orkestra" => MetricNames.Orkestra,
            "controller-runtime" => MetricNames.ControllerRuntime,
            _ => (MetricNames)(-1),
        };
        return names >= MetricNames.Both;
    }
}
