using Orkestra.Templating.Functions;

namespace Orkestra.Host.Commands;

/// <summary>
/// <c>ork notes [search WORD | show NAME]</c>: browse the template functions ("notes"). Reads the same
/// <see cref="FunctionRegistry"/> that rendering uses, so the listing can never drift from what runs.
/// </summary>
internal static class NotesCommand
{
    public const string Summary = "list the template functions (notes); search WORD | show NAME";

    private const string Help = """
        Usage: ork notes                 list every function, by category
               ork notes search WORD     functions whose name, category or description contains WORD
               ork notes show NAME       one function: signature, category, description
        """;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) =>
        Run(args, stdout, stderr, FunctionRegistry.Standard);

    internal static int Run(string[] args, TextWriter stdout, TextWriter stderr, FunctionRegistry registry)
    {
        switch (args)
        {
            case [] :
                List(stdout, registry.All);
                return 0;
            case ["-h" or "--help"]:
                stdout.WriteLine(Help);
                return 0;
            case ["search", var word]:
                var hits = registry.All.Where(f => Matches(f, word)).ToArray();
                if (hits.Length == 0)
                {
                    stderr.WriteLine($"ork notes: no function matches \"{word}\"");
                    return 1;
                }
                List(stdout, hits);
                return 0;
            case ["show", var name]:
                if (!registry.TryGet(name, out var function))
                {
                    var close = registry.All.Where(f => f.Name.Contains(name, StringComparison.OrdinalIgnoreCase)).Select(f => f.Name)
                        .Take(5).ToArray();
                    stderr.WriteLine($"ork notes: no function named \"{name}\"" +
                        (close.Length > 0 ? $" (did you mean: {string.Join(", ", close)}?)" : ""));
                    return 1;
                }
                stdout.WriteLine(function.Signature);
                stdout.WriteLine($"  category: {function.Category}");
                stdout.WriteLine($"  returns:  {function.Returns.ToString().ToLowerInvariant()}");
                stdout.WriteLine($"  {function.Description}");
                return 0;
            default:
                stderr.WriteLine($"ork notes: unexpected arguments: {string.Join(' ', args)}");
                stderr.WriteLine(Help);
                return 2;
        }
    }

    private static bool Matches(FunctionDescriptor f, string word) =>
        f.Name.Contains(word, StringComparison.OrdinalIgnoreCase)
        || f.Category.Contains(word, StringComparison.OrdinalIgnoreCase)
        || f.Description.Contains(word, StringComparison.OrdinalIgnoreCase);

    private static void List(TextWriter stdout, IEnumerable<FunctionDescriptor> functions)
    {
        foreach (var group in functions.GroupBy(f => f.Category).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            stdout.WriteLine($"{group.Key}:");
            var width = group.Max(f => f.Signature.Length);
            foreach (var f in group.OrderBy(f => f.Name, StringComparer.Ordinal))
                stdout.WriteLine($"  {f.Signature.PadRight(width)}  {f.Description}");
        }
    }
}
