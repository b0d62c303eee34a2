namespace Orkestra.Katalog.Tests.Layering;

/// <summary>runtime/Orkestra.Katalog's folders depend on each other in one direction (see its README).</summary>
public class FolderOrderTests
{
    private static readonly Lazy<IReadOnlyList<FolderLayers.SourceFile>> Katalog =
        new(() => FolderLayers.Read(Repo.Path("runtime/Orkestra.Katalog")));

    [Test]
    public void Every_folder_has_a_place_in_the_order() => FolderLayers.Unplaced(Katalog.Value).ShouldBeEmpty();

    [Test]
    public void Namespaces_follow_folders() => FolderLayers.NamespaceMismatches(Katalog.Value).ShouldBeEmpty();

    [Test]
    public void No_folder_uses_a_later_one() => FolderLayers.BackwardReferences(Katalog.Value).ShouldBeEmpty();

    [Test]
    public void The_reader_finds_a_using_a_qualified_name_and_a_partly_qualified_type()
    {
        using var dir = new TempDirectory();
        dir.Write("Rendering/Renderer.cs", "namespace Orkestra.Katalog.Rendering;\npublic static class Renderer { }\n");
        dir.Write("Compilation/Compiled.cs", "namespace Orkestra.Katalog.Compilation;\npublic sealed record Compiled(int A);\n");
        dir.Write("Syntax/Reader.cs", string.Join('\n',
            "using Orkestra.Katalog.Rendering;",                 // line 1: a using of a later folder
            "namespace Orkestra.Katalog.Syntax;",
            "// Rendering.Renderer in a comment is not a use",
            "internal static class Reader",
            "{",
            "    private static readonly object A = typeof(Orkestra.Katalog.Compilation.Compiled);", // line 6
            "    private static readonly object B = typeof(Rendering.Renderer);",                  // line 7
            "    private static readonly object C = typeof(Console.Out);",                         // not a folder
            "}"));
        dir.Write("Rendering/Uses.cs", "using Orkestra.Katalog.Syntax;\nnamespace Orkestra.Katalog.Rendering;\n");

        var files = FolderLayers.Read(dir.Path);

        FolderLayers.BackwardReferences(files).Select(v => v[..v.IndexOf(' ', StringComparison.Ordinal)]).ShouldBe(
            ["Syntax/Reader.cs:1:", "Syntax/Reader.cs:6:", "Syntax/Reader.cs:7:"]);
        FolderLayers.NamespaceMismatches(files).ShouldBeEmpty();
    }

    [Test]
    public void The_reader_names_a_namespace_that_does_not_follow_its_folder_and_an_unplaced_folder()
    {
        using var dir = new TempDirectory();
        dir.Write("Model/Thing.cs", "namespace Orkestra.Katalog.Loading;\n");
        dir.Write("Loading/Other.cs", "namespace Orkestra.Katalog.Loading;\n");

        var files = FolderLayers.Read(dir.Path);

        FolderLayers.NamespaceMismatches(files).ShouldBe(
            ["Model/Thing.cs:1: namespace Orkestra.Katalog.Loading, expected Orkestra.Katalog.Model"]);
        FolderLayers.Unplaced(files).ShouldBe(["Loading/Other.cs: folder 'Loading' is not in the order"]);
    }
}
