using Orkestra.Footprint.Measurement;

namespace Orkestra.Footprint.Tests;

public sealed class PrometheusTextTests
{
    const string Text = """
        # HELP controller_reconcile_total Reconciliations per CRD and result.
        # TYPE controller_reconcile_total counter
        controller_reconcile_total{crd="widget00",result="success"} 120
        controller_reconcile_total{crd="widget00",result="error"} 3
        controller_reconcile_total{crd="widget01",result="success"} 1.5e2 1700000000000
        dotnet_total_memory_bytes 4194304
        odd_label{path="a\"b\\c",empty=""} +Inf

        """;

    [Test]
    public void Sums_samples_by_name_and_optional_label_match()
    {
        var samples = PrometheusText.Parse(Text);
        PrometheusText.Sum(samples, "controller_reconcile_total").ShouldBe(273);
        PrometheusText.Sum(samples, "controller_reconcile_total", new Dictionary<string, string> { ["result"] = "success" }).ShouldBe(270);
        PrometheusText.Sum(samples, "controller_reconcile_total", new Dictionary<string, string> { ["crd"] = "widget01" }).ShouldBe(150);
        PrometheusText.Sum(samples, "absent").ShouldBeNull();
    }

    [Test]
    public void Unescapes_label_values_and_reads_special_values()
    {
        var odd = PrometheusText.Parse(Text).Single(s => s.Name == "odd_label");
        odd.Labels["path"].ShouldBe("a\"b\\c");
        odd.Labels["empty"].ShouldBe("");
        double.IsPositiveInfinity(odd.Value).ShouldBeTrue();
    }

    [Test]
    public void First_picks_the_first_exposed_name()
    {
        var samples = PrometheusText.Parse(Text);
        PrometheusText.First(samples, "dotnet_gc_heap_size_bytes", "dotnet_total_memory_bytes").ShouldBe(("dotnet_total_memory_bytes", 4194304d));
        PrometheusText.First(samples, "nope").ShouldBeNull();
    }

    [Test]
    public void A_malformed_line_is_an_error()
    {
        Should.Throw<FormatException>(() => PrometheusText.Parse("metric_without_value\n")).Message.ShouldContain("line 1");
        Should.Throw<FormatException>(() => PrometheusText.Parse("m{a=\"x} 1\n"));
        Should.Throw<FormatException>(() => PrometheusText.Parse("m one\n"));
    }
}
