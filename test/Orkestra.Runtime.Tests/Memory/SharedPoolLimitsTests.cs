using Orkestra.Runtime.Memory;

namespace Orkestra.Runtime.Tests.Memory;

// The variable is process-wide; the shared pool of this test process read it long before these tests run, so
// changing it here affects nothing else. NonParallelizable: both tests set and restore it.
[NonParallelizable]
public sealed class SharedPoolLimitsTests
{
    private string? _saved;

    [SetUp]
    public void Save() => _saved = Environment.GetEnvironmentVariable(SharedPoolLimits.MaxArraysPerPartitionVariable);

    [TearDown]
    public void Restore() => Environment.SetEnvironmentVariable(SharedPoolLimits.MaxArraysPerPartitionVariable, _saved);

    [Test]
    public void Sets_four_arrays_per_size_and_core_when_the_environment_says_nothing()
    {
        Environment.SetEnvironmentVariable(SharedPoolLimits.MaxArraysPerPartitionVariable, null);
        SharedPoolLimits.ApplyDefaults();
        Environment.GetEnvironmentVariable(SharedPoolLimits.MaxArraysPerPartitionVariable).ShouldBe("4");
    }

    [Test]
    public void A_value_the_user_set_wins()
    {
        Environment.SetEnvironmentVariable(SharedPoolLimits.MaxArraysPerPartitionVariable, "16");
        SharedPoolLimits.ApplyDefaults();
        Environment.GetEnvironmentVariable(SharedPoolLimits.MaxArraysPerPartitionVariable).ShouldBe("16");
    }
}
