using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Yaml;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Orkestra.Katalog.Manifests;

/// <summary>
/// Writes JSON nodes as block YAML documents (keys in their JSON order). A string that would read back as
/// another type under kube's rules (<see cref="YamlScalars"/>: <c>"true"</c>, <c>"yes"</c>, <c>"8080"</c>, <c>""</c>)
/// is quoted, so writing and re-reading with <see cref="ManifestYaml"/> gives the same JSON. Stateless and thread-safe.
/// </summary>
public static class ManifestYamlWriter
{
    /// <summary>Writes each node as one document (<c>---</c> separated).</summary>
    public static void Write(TextWriter output, IEnumerable<JsonNode?> documents)
    {
        var emitter = new Emitter(output, new EmitterSettings(bestIndent: 2, bestWidth: int.MaxValue, isCanonical: false,
            maxSimpleKeyLength: 1024, indentSequences: false));
        emitter.Emit(new StreamStart());
        foreach (var document in documents)
        {
            emitter.Emit(new DocumentStart(null, null, isImplicit: false));
            Emit(emitter, document);
            emitter.Emit(new DocumentEnd(isImplicit: true));
        }
        emitter.Emit(new StreamEnd());
    }

    public static string ToYaml(JsonNode? node)
    {
        var sw = new StringWriter(CultureInfo.InvariantCulture);
        Write(sw, [node]);
        return sw.ToString();
    }

    private static void Emit(IEmitter emitter, JsonNode? node)
    {
        switch (node)
        {
            case null:
                emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, "null", ScalarStyle.Plain, true, false));
                break;
            case JsonObject obj:
                emitter.Emit(new MappingStart(AnchorName.Empty, TagName.Empty, true, MappingStyle.Block));
                foreach (var (key, value) in obj)
                {
                    EmitString(emitter, key);
                    Emit(emitter, value);
                }
                emitter.Emit(new MappingEnd());
                break;
            case JsonArray arr:
                emitter.Emit(new SequenceStart(AnchorName.Empty, TagName.Empty, true, SequenceStyle.Block));
                foreach (var item in arr) Emit(emitter, item);
                emitter.Emit(new SequenceEnd());
                break;
            default:
                var scalar = node.AsValue();
                switch (scalar.GetValueKind())
                {
                    case JsonValueKind.String:
                        EmitString(emitter, scalar.GetValue<string>());
                        break;
                    case JsonValueKind.True or JsonValueKind.False:
                        emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty,
                            scalar.GetValueKind() == JsonValueKind.True ? "true" : "false", ScalarStyle.Plain, true, false));
                        break;
                    case JsonValueKind.Number:
                        emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, scalar.ToJsonString(), ScalarStyle.Plain, true, false));
                        break;
                    default:
                        emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, "null", ScalarStyle.Plain, true, false));
                        break;
                }
                break;
        }
    }

    private static void EmitString(IEmitter emitter, string value)
    {
        var style = ScalarStyle.Plain;
        if (value.Contains('\n')) style = ScalarStyle.Literal;
        else if (YamlScalars.Classify(value) != YamlScalarKind.String || value == "<<") style = ScalarStyle.DoubleQuoted;
        emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, value, style, true, true));
    }
}
