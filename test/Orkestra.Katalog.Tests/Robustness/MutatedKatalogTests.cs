using Orkestra.Katalog.Compilation;
using Orkestra.Katalog.Tests.Loading;

namespace Orkestra.Katalog.Tests.Robustness;

/// <summary>
/// Seeded mutations of valid Katalogs (byte edits, line deletions, indentation changes, key renames): loading and
/// compiling never throws, and every rejection carries at least one diagnostic with a real position (line ≥ 1).
/// </summary>
public class MutatedKatalogTests
{
    private const int Mutations = 10_000;

    private static readonly string[] s_keys =
    [
        "apiVersion", "kind", "metadata", "spec", "crds", "apiTypes", "operatorBox", "onCreate", "onReconcile", "deployments",
        "services", "when", "or", "field", "equals", "status", "fields", "path", "value", "replicas", "image", "name", "dependsOn",
    ];

    [Test, CancelAfter(60_000)]
    public void Mutated_katalogs_never_throw_and_every_rejection_is_located()
    {
        var seeds = SeedKatalogs();
        seeds.Count.ShouldBeGreaterThan(3);
        var random = new Random(20240611);
        var rejected = 0;
        for (var i = 0; i < Mutations; i++)
        {
            var (name, folder, text) = seeds[random.Next(seeds.Count)];
            var mutated = Mutate(text, random);
            KatalogCompileResult result;
            try
            {
                result = KatalogCompiler.CompileText(mutated, "katalog.yaml", folder);
            }
            catch (Exception e)
            {
                Assert.Fail($"mutation {i} of {name} threw {e.GetType().Name}: {e.Message}\n--- input ---\n{mutated}");
                return;
            }
            if (!result.HasErrors) continue;
            rejected++;
            result.Katalogs.Count.ShouldBe(0);
            var located = result.Diagnostics.Where(d => d.Severity == Diagnostics.DiagnosticSeverity.Error && d.Location.Line >= 1 && d.Location.Column >= 1).ToArray();
            located.ShouldNotBeEmpty($"mutation {i} of {name} was rejected without a located error:\n{string.Join("\n", result.Diagnostics)}\n--- input ---\n{mutated}");
        }
        rejected.ShouldBeGreaterThan(Mutations / 4, "the mutations must actually break Katalogs");
    }

    private static List<(string Name, string Folder, string Text)> SeedKatalogs()
    {
        var seeds = new List<(string, string, string)>();
        foreach (var dir in new[] { "seed-declare", "seed-shapes", "aliases" })
        {
            var folder = Path.Combine(TestKatalogs.TestData, dir);
            seeds.Add((dir, folder, File.ReadAllText(Path.Combine(folder, "katalog.yaml"))));
        }
        var samples = Path.Combine(TestKatalogs.RepositoryRoot, "samples");
        if (Directory.Exists(samples))
        {
            foreach (var file in Directory.GetFiles(samples, "katalog.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                seeds.Add((file, Path.GetDirectoryName(file)!, File.ReadAllText(file)));
        }
        return seeds;
    }

    private static string Mutate(string text, Random random)
    {
        var edits = 1 + random.Next(3);
        for (var e = 0; e < edits; e++)
        {
            var lines = text.Split('\n').ToList();
            var line = random.Next(lines.Count);
            switch (random.Next(6))
            {
                case 0: // byte edit: replace, insert or delete one character
                {
                    if (text.Length == 0) break;
                    var at = random.Next(text.Length);
                    var c = "{}[]:-'\"#|>&*!%@` \t\nab0.".ToCharArray()[random.Next(24)];
                    text = random.Next(3) switch
                    {
                        0 => text[..at] + c + text[(at + 1)..],
                        1 => text[..at] + c + text[at..],
                        _ => text.Remove(at, 1),
                    };
                    continue;
                }
                case 1: // delete a line
                    lines.RemoveAt(line);
                    break;
                case 2: // indent or dedent a line
                    lines[line] = random.Next(2) == 0 ? "  " + lines[line] : lines[line].TrimStart().PadLeft(Math.Max(0, lines[line].Length - lines[line].TrimStart().Length - 2) + lines[line].TrimStart().Length);
                    break;
                case 3: // rename a key
                {
                    var trimmed = lines[line].TrimStart();
                    var colon = trimmed.IndexOf(':');
                    if (colon <= 0) break;
                    var indent = lines[line][..^trimmed.Length];
                    var key = trimmed[..colon].TrimStart('-', ' ');
                    var dash = trimmed.StartsWith("- ", StringComparison.Ordinal) ? "- " : "";
                    var renamed = random.Next(2) == 0 ? s_keys[random.Next(s_keys.Length)] : key.Length > 1 ? key[1..] + key[0] : key + "x";
                    lines[line] = indent + dash + renamed + trimmed[colon..];
                    break;
                }
                case 4: // duplicate a line
                    lines.Insert(line, lines[line]);
                    break;
                default: // swap two lines
                {
                    var other = random.Next(lines.Count);
                    (lines[line], lines[other]) = (lines[other], lines[line]);
                    break;
                }
            }
            text = string.Join('\n', lines);
        }
        return text;
    }
}
