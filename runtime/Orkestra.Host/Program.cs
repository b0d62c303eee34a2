namespace Orkestra.Host;

internal static class Program
{
    public static int Main(string[] args)
    {
        Orkestra.Runtime.Memory.SharedPoolLimits.ApplyDefaults();   // before anything rents from the shared array pool
        try
        {
            return Cli.Run(args, Console.Out, Console.Error);
        }
        catch (Exception e)
        {
            // Every expected failure is reported by the commands themselves; this is a bug, said plainly.
            Console.Error.WriteLine($"ork: internal error: {e.GetType().Name}: {e.Message} (please report this with the command you ran)");
            return 70;
        }
    }
}
