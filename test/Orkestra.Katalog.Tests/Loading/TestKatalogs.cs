using System.Runtime.CompilerServices;
using Orkestra.Katalog.Compilation;

namespace Orkestra.Katalog.Tests.Loading;

/// <summary>Helpers shared by the loader, compiler and robustness tests.</summary>
internal static class TestKatalogs
{
    /// <summary>The test project's source folder (testdata lives next to the sources, not in the output).</summary>
    public static string ProjectDirectory([CallerFilePath] string here = "") => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, ".."));

    public static string TestData => Path.Combine(ProjectDirectory(), "testdata");

    public static string RepositoryRoot => Path.GetFullPath(Path.Combine(ProjectDirectory(), "..", ".."));

    /// <summary>Compiles Katalog text as file <c>katalog.yaml</c> and returns every diagnostic line.</summary>
    public static string[] Diagnose(string yaml, string? directory = null) =>
        KatalogCompiler.CompileText(yaml, "katalog.yaml", directory ?? TestData).Diagnostics.Select(d => d.ToString()).ToArray();

    /// <summary>A minimal valid Katalog with the given CRD body (indented under spec.crds.web).</summary>
    public static string WithCrd(string crdBody) => $"""
        apiVersion: orkestra.orkspace.io/v1
        kind: Katalog
        metadata:
          name: test
        spec:
          crds:
            web:
              apiTypes:
                group: demo.example.com
                version: v1
                kind: Web
                plural: webs
        {Indent(crdBody, 6)}
        """;

    public static string Indent(string text, int spaces) =>
        string.Join("\n", text.Split('\n').Select(l => l.Length == 0 ? l : new string(' ', spaces) + l));
}
