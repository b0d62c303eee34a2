using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Yaml;
using Orkestra.Katalog.Diagnostics;

namespace Orkestra.Katalog.Manifests;

/// <summary>One document of a manifest file, with where it starts.</summary>
public sealed record ManifestDocument(JsonNode? Content, SourceLocation Location);

/// <summary>
/// Reads Kubernetes manifests (multi-document YAML, or JSON, which is YAML) into JSON nodes through the one reader,
/// <see cref="YamlReader"/>: kube's rules (YAML 1.1 scalars such as <c>yes</c>/<c>off</c> and <c>007</c>, duplicate
/// keys refused), so <c>ork run --apply</c> and <c>kubectl apply</c> read a file alike. Empty documents are skipped,
/// as kubectl skips them. Stateless and thread-safe.
/// </summary>
public static class ManifestYaml
{
    /// <summary>Parses every document; a problem becomes one diagnostic at its position (never an exception).</summary>
    public static IReadOnlyList<ManifestDocument> Parse(string text, string file, DiagnosticBag diagnostics)
    {
        try
        {
            return YamlReader.ReadAll(text)
                .Where(d => d.Content is not null)
                .Select(d => new ManifestDocument(d.Content, new SourceLocation(file, d.Line, d.Column)))
                .ToList();
        }
        catch (YamlReadException e)
        {
            diagnostics.Error(new SourceLocation(file, e.Line, e.Column), e.Message);
            return [];
        }
    }

    /// <summary>Reads a file; a missing or unreadable file becomes a diagnostic at <paramref name="reference"/>.</summary>
    public static IReadOnlyList<ManifestDocument> Load(string path, DiagnosticBag diagnostics, SourceLocation? reference = null)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            diagnostics.Error(reference ?? SourceLocation.None(path), $"cannot read {path}: {e.Message}");
            return [];
        }
        return Parse(text, path, diagnostics);
    }
}
