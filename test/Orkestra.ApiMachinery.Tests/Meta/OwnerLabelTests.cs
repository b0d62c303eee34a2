using Orkestra.ApiMachinery.Meta;

namespace Orkestra.ApiMachinery.Tests.Meta;

/// <summary>The owner label value is valid for every legal CR name, and label syntax follows kube's rules and texts.</summary>
public sealed class OwnerLabelTests
{
    [TestCase("hello")]
    [TestCase("a.b-c")]
    public void A_name_that_is_a_label_value_is_its_own_owner_value(string name) => WellKnownLabels.OwnerValue(name).ShouldBe(name);

    [Test]
    public void A_long_name_becomes_a_valid_stable_distinct_value()
    {
        var name = new string('a', 100);
        var value = WellKnownLabels.OwnerValue(name);
        value.Length.ShouldBeLessThanOrEqualTo(63);
        LabelSyntax.ValueProblems(value).ShouldBeEmpty();
        value.ShouldStartWith(new string('a', 52) + "-");
        WellKnownLabels.OwnerValue(name).ShouldBe(value);
        WellKnownLabels.OwnerValue(new string('a', 99) + "b").ShouldNotBe(value);
        // A name of 253 characters with dots cut right before a dot still ends in an alphanumeric.
        var dotted = string.Join('.', Enumerable.Repeat("abcdefghijklmnopqrstuvwxyz", 10))[..253];
        LabelSyntax.ValueProblems(WellKnownLabels.OwnerValue(dotted)).ShouldBeEmpty();
        WellKnownLabels.OwnerValue(new string('x', 51) + "." + new string('y', 40)).ShouldNotContain(".-");
    }

    [Test]
    public void Label_syntax_uses_kube_s_texts()
    {
        LabelSyntax.ValueProblems(new string('v', 64)).ShouldBe(["must be no more than 63 characters"]);
        LabelSyntax.ValueProblems("-x").ShouldBe([LabelSyntax.ValueMessage]);
        LabelSyntax.ValueProblems("").ShouldBeEmpty();
        LabelSyntax.KeyProblems(new string('k', 64)).ShouldBe(["name part must be no more than 63 characters"]);
        LabelSyntax.KeyProblems("Example.com/x").ShouldBe([LabelSyntax.PrefixMessage]);
        LabelSyntax.KeyProblems(new string('p', 254) + "/x").ShouldBe(["prefix part must be no more than 253 characters"]);
        LabelSyntax.KeyProblems("a/b/c").ShouldBe([LabelSyntax.QualifiedMessage]);
        LabelSyntax.KeyProblems("example.com/My_Name.1").ShouldBeEmpty();
    }
}
