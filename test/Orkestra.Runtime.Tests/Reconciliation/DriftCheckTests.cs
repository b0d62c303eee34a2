using System.Text.Json.Nodes;
using Orkestra.Runtime.Reconciliation;

namespace Orkestra.Runtime.Tests.Reconciliation;

public class DriftCheckTests
{
    private static bool Met(string desired, string live) => DriftCheck.Contains(JsonNode.Parse(desired), StepKit.Element(live));

    /// <summary>A desired null is satisfied by an absent field, and the keys after it are still compared.</summary>
    [Test]
    public void A_desired_null_that_is_absent_live_does_not_hide_drift_in_the_keys_after_it()
    {
        const string desired = """{"spec":{"paused":null,"replicas":2,"template":{"image":"nginx:1.27"}}}""";
        Met(desired, """{"spec":{"replicas":2,"template":{"image":"nginx:1.27"},"extra":1}}""").ShouldBeTrue();
        Met(desired, """{"spec":{"paused":null,"replicas":2,"template":{"image":"nginx:1.27"}}}""").ShouldBeTrue();
        Met(desired, """{"spec":{"replicas":9,"template":{"image":"nginx:1.27"}}}""").ShouldBeFalse();
        Met(desired, """{"spec":{"replicas":2,"template":{"image":"nginx:1.28"}}}""").ShouldBeFalse();
        Met(desired, """{"spec":{"paused":true,"replicas":2,"template":{"image":"nginx:1.27"}}}""").ShouldBeFalse();
    }

    [Test]
    public void Fields_the_server_added_do_not_count_but_a_missing_desired_field_does()
    {
        Met("""{"a":"x"}""", """{"a":"x","status":{"ready":1},"metadata":{"uid":"u"}}""").ShouldBeTrue();
        Met("""{"a":"x","b":"y"}""", """{"a":"x"}""").ShouldBeFalse();
    }

    [Test]
    public void Numbers_compare_by_value_and_kinds_must_match()
    {
        Met("""{"n":2}""", """{"n":2.0}""").ShouldBeTrue();
        Met("""{"n":2}""", """{"n":"2"}""").ShouldBeFalse();
        Met("""{"b":true}""", """{"b":false}""").ShouldBeFalse();
        Met("""{"s":"a"}""", """{"s":{"a":1}}""").ShouldBeFalse();
    }

    [Test]
    public void Arrays_must_match_in_length_and_element_by_element()
    {
        Met("""{"l":[{"name":"a"},{"name":"b"}]}""", """{"l":[{"name":"a","x":1},{"name":"b"}]}""").ShouldBeTrue();
        Met("""{"l":[{"name":"a"}]}""", """{"l":[{"name":"a"},{"name":"b"}]}""").ShouldBeFalse();
        Met("""{"l":[{"name":"a"},{"name":"b"}]}""", """{"l":[{"name":"b"},{"name":"a"}]}""").ShouldBeFalse();
    }
}
