using System.Reflection;
using System.Text.RegularExpressions;

namespace Orkestra.ApiMachinery.Tests.Vocabulary;

/// <summary>
/// Each Kubernetes concept is defined once (issue 18): scans the shipping sources (runtime/, templating/) for type
/// definitions and literals, so a second <c>ObjectKey</c> or another copy of the timestamp layout fails here, in the
/// commit that adds it. The compiler cannot see this: two types of one name in two namespaces compile fine.
/// </summary>
public sealed partial class OneDefinitionTests
{
    private static readonly string Root =
        typeof(OneDefinitionTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!;

    private static readonly Lazy<IReadOnlyList<(string Path, string Text)>> Sources = new(() =>
        new[] { "runtime", "templating" }
            .SelectMany(dir => Directory.EnumerateFiles(Path.Combine(Root, dir), "*.cs", SearchOption.AllDirectories))
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(p => (Path.GetRelativePath(Root, p), File.ReadAllText(p)))
            .ToList());

    [Test]
    public void The_scan_sees_the_shipping_sources() => Sources.Value.Count.ShouldBeGreaterThan(100);

    [TestCase("ObjectKey", "runtime/Orkestra.ApiMachinery/Meta/ObjectKey.cs")]
    [TestCase("WatchEventType", "runtime/Orkestra.ApiMachinery/Meta/WatchEventType.cs")]
    [TestCase("WatchEvent", "runtime/Orkestra.Kube/Client/IKubeClient.cs")]
    [TestCase("WriteOptions", "runtime/Orkestra.ApiMachinery/Meta/WriteOptions.cs")]
    [TestCase("FieldValidation", "runtime/Orkestra.ApiMachinery/Meta/WriteOptions.cs")]
    [TestCase("DeleteOptions", "runtime/Orkestra.ApiMachinery/Meta/DeleteOptions.cs")]
    [TestCase("PropagationPolicy", "runtime/Orkestra.ApiMachinery/Meta/DeleteOptions.cs")]
    [TestCase("KubeTime", "runtime/Orkestra.ApiMachinery/Meta/KubeTime.cs")]
    [TestCase("WellKnownLabels", "runtime/Orkestra.ApiMachinery/Meta/WellKnownLabels.cs")]
    [TestCase("BuiltInKind", "runtime/Orkestra.ApiMachinery/Kinds/BuiltInKinds.cs")]
    [TestCase("BuiltInKinds", "runtime/Orkestra.ApiMachinery/Kinds/BuiltInKinds.cs")]
    [TestCase("YamlReader", "runtime/Orkestra.ApiMachinery/Yaml/YamlReader.cs")]
    [TestCase("YamlScalars", "runtime/Orkestra.ApiMachinery/Yaml/YamlScalars.cs")]
    [TestCase("GroupVersionKind", "runtime/Orkestra.Kube/KubeObjects.cs")]
    [TestCase("GroupVersionResource", "runtime/Orkestra.Kube/KubeObjects.cs")]
    public void Each_vocabulary_type_is_defined_once(string name, string home)
    {
        var definition = new Regex($@"\b(class|struct|interface|enum|record)\s+(struct\s+|class\s+)?{name}\b(?!\s*\.)");
        Definitions(definition).ShouldBe([home.Replace('/', Path.DirectorySeparatorChar)], $"definitions of {name}");
    }

    [TestCase("BuiltinKinds")]
    [TestCase("BuiltinKind")]
    [TestCase("ManagedLabels")]
    [TestCase("CoreSchema")]
    public void The_old_copies_are_gone(string name) =>
        Definitions(new Regex($@"\b(class|struct|interface|enum|record)\s+(struct\s+|class\s+)?{name}\b")).ShouldBeEmpty();

    [TestCase("yyyy-MM-dd'T'HH:mm:ss'Z'")]
    [TestCase("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'")]
    [TestCase("\"orkestra.orkspace.io/managed\"")]
    [TestCase("\"orkestra-owner\"")]
    public void Each_vocabulary_literal_is_written_once_in_the_runtime(string literal) =>
        Sources.Value
            .Where(f => f.Path.StartsWith("runtime", StringComparison.Ordinal) && f.Text.Contains(literal, StringComparison.Ordinal))
            .Select(f => f.Path).Count().ShouldBe(1, literal);

    [Test]
    public void Only_the_one_reader_parses_yaml_into_json() =>
        Sources.Value.Where(f => f.Text.Contains("YamlDotNet.Core", StringComparison.Ordinal))
            .Select(f => f.Path.Replace(Path.DirectorySeparatorChar, '/')).Order(StringComparer.Ordinal).ShouldBe([
                "runtime/Orkestra.ApiMachinery/Yaml/YamlReader.cs",
                "runtime/Orkestra.Katalog/Manifests/ManifestYamlWriter.cs", // writing, not reading
                "runtime/Orkestra.Katalog/Syntax/YamlTreeReader.cs",        // the Katalog's located tree (scalars: YamlScalars)
            ]);

    private static List<string> Definitions(Regex definition) =>
        Sources.Value.Where(f => definition.IsMatch(StripComments(f.Text))).Select(f => f.Path).ToList();

    /// <summary>Drops <c>//</c> comments (XML doc comments name types in prose).</summary>
    private static string StripComments(string text) => LineComment().Replace(text, "");

    [GeneratedRegex(@"//.*$", RegexOptions.Multiline)]
    private static partial Regex LineComment();
}
