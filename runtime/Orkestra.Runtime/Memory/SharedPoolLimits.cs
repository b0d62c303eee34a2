namespace Orkestra.Runtime.Memory;

/// <summary>
/// Bounds what <see cref="System.Buffers.ArrayPool{T}.Shared"/> keeps after a burst. The shared pool holds up to 32
/// arrays per size per core and gives them back only on full collections at least a minute after their last use,
/// so a ramp of reconciles (HTTP/2 frames, TLS records, JSON buffers of 16 and 32 KiB) left ~2.5 MiB of buffers
/// cached for minutes. Four per size per core keep the steady reuse and let the rest be collected.
/// The runtime reads the setting from the environment once, on the pool's first use: <see cref="ApplyDefaults"/> must
/// run first thing in <c>Main</c>. A value the user set in the environment wins.
/// </summary>
public static class SharedPoolLimits
{
    public const string MaxArraysPerPartitionVariable = "DOTNET_SYSTEM_BUFFERS_SHAREDARRAYPOOL_MAXARRAYSPERPARTITION";
    public const int MaxArraysPerPartition = 4;

    public static void ApplyDefaults()
    {
        if (Environment.GetEnvironmentVariable(MaxArraysPerPartitionVariable) is { Length: > 0 }) return;
        Environment.SetEnvironmentVariable(MaxArraysPerPartitionVariable,
            MaxArraysPerPartition.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
