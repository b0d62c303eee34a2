using System.Text.RegularExpressions;

namespace Orkestra.Registry.Tests;

/// <summary>
/// The folders of runtime/Orkestra.Registry in dependency order: each may use those before it, never one after it. Each
/// folder is its own namespace, so a use of another folder is a <c>using Orkestra.Registry.X;</c> or a qualified
/// <c>Orkestra.Registry.X.</c>; both are found in the source (comments ignored).
/// </summary>
public sealed partial class FolderOrderTests
{
    private static readonly string[] Order = ["Diagnostics", "References", "Artifacts", "Auth", "Distribution", "Cache", "Transfer"];

    private static string Root => Repo.Path("runtime/Orkestra.Registry");

    private static IEnumerable<(string Folder, string Path, string[] Lines)> Sources() =>
        Directory.EnumerateFiles(Root, "*.cs", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(Root, p).Replace('\\', '/'))
            .Where(p => !p.StartsWith("bin/", StringComparison.Ordinal) && !p.StartsWith("obj/", StringComparison.Ordinal))
            .Select(p => (p.Contains('/') ? p[..p.IndexOf('/')] : "", p, File.ReadAllLines(Path.Combine(Root, p))));

    [Test]
    public void Every_file_is_in_a_placed_folder_with_its_namespace()
    {
        var sources = Sources().ToArray();
        sources.Length.ShouldBeGreaterThan(10);
        var wrong = sources.Where(s => !Order.Contains(s.Folder)
                                       || !s.Lines.Contains($"namespace Orkestra.Registry.{s.Folder};"))
            .Select(s => s.Path).ToArray();
        wrong.ShouldBeEmpty("files outside the folder order or with another namespace");
    }

    [Test]
    public void No_folder_uses_a_later_one()
    {
        var backward = new List<string>();
        foreach (var (folder, path, lines) in Sources())
        {
            var rank = Array.IndexOf(Order, folder);
            for (var i = 0; i < lines.Length; i++)
            {
                var code = lines[i].Split("//")[0];
                foreach (Match m in FolderUse().Matches(code))
                {
                    var used = Array.IndexOf(Order, m.Groups["folder"].Value);
                    if (used > rank) backward.Add($"{path}:{i + 1}: {folder} uses {m.Groups["folder"].Value}");
                }
            }
        }
        backward.ShouldBeEmpty();
    }

    [Test]
    public void The_check_sees_a_backward_use() =>
        FolderUse().Match("using Orkestra.Registry.Transfer;").Groups["folder"].Value.ShouldBe("Transfer");

    [GeneratedRegex(@"Orkestra\.Registry\.(?<folder>[A-Z][A-Za-z]+)\b")]
    private static partial Regex FolderUse();
}
