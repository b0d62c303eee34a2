using Orkestra.Runtime.Hosting;

namespace Orkestra.Runtime.Tests.Hosting;

public sealed class RuntimeDefaultsTests
{
    [Test]
    public void Orkestra_environment_variables_set_the_defaults()
    {
        var env = new Dictionary<string, string> { ["DEFAULT_WORKERS"] = "7", ["DEFAULT_RESYNC"] = "1m30s", ["FAILURE_THRESHOLD"] = "0" };
        var defaults = RuntimeDefaults.FromEnvironment(k => env.GetValueOrDefault(k), out var errors);
        errors.ShouldBeEmpty();
        defaults.Workers.ShouldBe(7);
        defaults.Resync.ShouldBe(TimeSpan.FromSeconds(90));
        defaults.FailureThreshold.ShouldBe(0);
    }

    [Test]
    public void Unset_variables_keep_Orkestras_defaults_and_bad_ones_are_reported()
    {
        var defaults = RuntimeDefaults.FromEnvironment(_ => null, out var none);
        none.ShouldBeEmpty();
        (defaults.Workers, defaults.Resync, defaults.FailureThreshold).ShouldBe((3, TimeSpan.FromSeconds(15), 5));

        RuntimeDefaults.FromEnvironment(k => k == "DEFAULT_WORKERS" ? "99" : k == "DEFAULT_RESYNC" ? "soon" : null, out var errors);
        errors.ShouldBe(["DEFAULT_WORKERS must be a whole number from 1 to 50, got \"99\"", "DEFAULT_RESYNC must be a duration such as 30s, got \"soon\""]);
    }

    [Test]
    public void Lease_names_derive_from_the_Katalog_names_and_stay_valid()
    {
        OperatorHost.DefaultLeaseName(["website-operator"]).ShouldBe("orkestra-website-operator");
        OperatorHost.DefaultLeaseName(["b", "A_x"]).ShouldBe("orkestra-a-x-b");
        var longName = OperatorHost.DefaultLeaseName([new string('k', 100)]);
        longName.Length.ShouldBeLessThanOrEqualTo(63);
        longName.ShouldBe(OperatorHost.DefaultLeaseName([new string('k', 100)]));
        longName.ShouldNotBe(OperatorHost.DefaultLeaseName([new string('k', 101)]));
    }
}
