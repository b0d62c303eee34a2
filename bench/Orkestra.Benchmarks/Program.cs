using BenchmarkDotNet.Running;

namespace Orkestra.Benchmarks;

/// <summary>Entry point: `./build.sh bench micro` runs every BenchmarkDotNet suite in this assembly.</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
