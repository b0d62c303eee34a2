using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Orkestra.Kube.Tests.Support;

/// <summary>Every JSON and YAML document in the repository (samples, test data, golden files, benchmark results)
/// as JSON text: JSON files as written, YAML documents converted (plain scalars that read as JSON numbers or
/// literals become those; everything else a string).</summary>
public static partial class RepoCorpus
{
    /// <summary>(file relative to the root, document index, JSON text).</summary>
    public static IEnumerable<(string File, int Document, string Json)> Documents()
    {
        var root = Repo.Root;
        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetExtension(f) is ".json" or ".yaml" or ".yml")
            .Select(f => Path.GetRelativePath(root, f))
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is ".build" or "bin" or "obj" or ".git"))
            .Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var text = File.ReadAllText(Path.Combine(root, file));
            if (file.EndsWith(".json", StringComparison.Ordinal))
            {
                yield return (file, 0, text.Trim());
                continue;
            }
            List<string> documents;
            try
            {
                documents = YamlDocuments(text);
            }
            catch (YamlException)
            {
                continue;                               // deliberately malformed test input
            }
            for (var i = 0; i < documents.Count; i++) yield return (file, i, documents[i]);
        }
    }

    static List<string> YamlDocuments(string yaml)
    {
        var result = new List<string>();
        var parser = new Parser(new StringReader(yaml));
        parser.Consume<StreamStart>();
        while (parser.TryConsume<DocumentStart>(out _))
        {
            var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer)) Write(parser, writer);
            parser.Consume<DocumentEnd>();
            result.Add(Encoding.UTF8.GetString(buffer.ToArray()));
        }
        return result;
    }

    static void Write(IParser parser, Utf8JsonWriter writer)
    {
        if (parser.TryConsume<Scalar>(out var scalar))
        {
            var value = scalar.Value;
            if (!scalar.IsKey && scalar.Style == ScalarStyle.Plain && value is "null" or "~" or "" or "true" or "false" or "True" or "False")
                writer.WriteRawValue(value is "~" or "" ? "null" : value.ToLowerInvariant());
            else if (!scalar.IsKey && scalar.Style == ScalarStyle.Plain && JsonNumber().IsMatch(value)) writer.WriteRawValue(value);
            else writer.WriteStringValue(value);
        }
        else if (parser.TryConsume<MappingStart>(out _))
        {
            writer.WriteStartObject();
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                writer.WritePropertyName(parser.Consume<Scalar>().Value);
                Write(parser, writer);
            }
            writer.WriteEndObject();
        }
        else if (parser.TryConsume<SequenceStart>(out _))
        {
            writer.WriteStartArray();
            while (!parser.TryConsume<SequenceEnd>(out _)) Write(parser, writer);
            writer.WriteEndArray();
        }
        else
        {
            parser.Consume<AnchorAlias>();
            writer.WriteNullValue();
        }
    }

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$")]
    private static partial Regex JsonNumber();
}
