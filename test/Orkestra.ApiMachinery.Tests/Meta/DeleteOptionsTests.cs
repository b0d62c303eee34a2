using Orkestra.ApiMachinery.Meta;

namespace Orkestra.ApiMachinery.Tests.Meta;

public sealed class DeleteOptionsTests
{
    [Test]
    public void Defaults_write_only_kind_and_apiVersion() =>
        DeleteOptions.None.ToJson().ToJsonString().ShouldBe("""{"kind":"DeleteOptions","apiVersion":"v1"}""");

    [Test]
    public void Every_field_is_written_under_kube_s_name()
    {
        var options = new DeleteOptions
        {
            Propagation = PropagationPolicy.Foreground, GracePeriodSeconds = 0, PreconditionUid = "u1",
            PreconditionResourceVersion = "7", DryRun = true,
        };
        const string Expected = """
            {"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Foreground","gracePeriodSeconds":0,
            "preconditions":{"uid":"u1","resourceVersion":"7"},"dryRun":["All"]}
            """;
        options.ToJson().ToJsonString().ShouldBe(Expected.Replace("\n", "", StringComparison.Ordinal));
    }

    [TestCase(PropagationPolicy.Default, null, PropagationPolicy.Default)]
    [TestCase(PropagationPolicy.Default, true, PropagationPolicy.Orphan)]
    [TestCase(PropagationPolicy.Default, false, PropagationPolicy.Background)]
    [TestCase(PropagationPolicy.Foreground, null, PropagationPolicy.Foreground)]
    public void The_effective_policy_falls_back_to_orphanDependents(PropagationPolicy given, bool? orphan, PropagationPolicy effective) =>
        new DeleteOptions { Propagation = given, OrphanDependents = orphan }.EffectivePropagation.ShouldBe(effective);

    [TestCase(null, true, PropagationPolicy.Default)]
    [TestCase("Foreground", true, PropagationPolicy.Foreground)]
    [TestCase("Background", true, PropagationPolicy.Background)]
    [TestCase("Orphan", true, PropagationPolicy.Orphan)]
    [TestCase("", false, PropagationPolicy.Default)]
    [TestCase("orphan", false, PropagationPolicy.Default)]
    [TestCase("Default", false, PropagationPolicy.Default)]
    public void Policy_texts_are_kube_s_case_sensitive_three(string? text, bool known, PropagationPolicy policy)
    {
        PropagationPolicies.TryParse(text, out var parsed).ShouldBe(known);
        parsed.ShouldBe(policy);
    }
}
