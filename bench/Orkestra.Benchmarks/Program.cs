using BenchmarkDotNet.Running;

namespace Orkestra.Benchmarks;

/// <summary>Entry point: `./build.sh bench micro` runs every BenchmarkDotNet suite in this assembly; `./build.sh bench capacity` the sandbox capacity run.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args is ["capacity", .. var rest]) return Capacity.CapacityRun.RunAsync(rest).GetAwaiter().GetResult();
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
