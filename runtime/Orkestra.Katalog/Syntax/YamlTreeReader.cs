using Orkestra.ApiMachinery.Yaml;
using Orkestra.Katalog.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Orkestra.Katalog.Syntax;

/// <summary>
/// Reads YAML text into the located tree with YamlDotNet's event parser (no reflection, AOT-safe).
/// One document per file: a second document is an error at its start. Anchors and aliases are resolved
/// (an alias shares its anchor's node); merge keys (<c>&lt;&lt;</c>), complex keys, duplicate keys and tags other than
/// <c>!!str</c> are errors. Scalars keep their text and style: what a plain one means is <see cref="YamlScalar.Kind"/>,
/// the shared resolution of <c>Orkestra.ApiMachinery.Yaml</c>.
/// A syntax error stops the file (YamlDotNet cannot resume) and is reported at its position.
/// Stateless; safe on any thread.
/// </summary>
internal static class YamlTreeReader
{
    public static YamlNode? Read(SourceText source, DiagnosticBag diagnostics) => Read(source, diagnostics, single: true).FirstOrDefault();

    private static IReadOnlyList<YamlNode> Read(SourceText source, DiagnosticBag diagnostics, bool single)
    {
        var roots = new List<YamlNode>();
        var anchors = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        var parser = new Parser(new StringReader(source.Text));
        var documents = 0;
        try
        {
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case DocumentStart start:
                        documents++;
                        if (single && documents == 2)
                        {
                            diagnostics.Error(source.Location((int)start.Start.Index),
                                "a Katalog file holds exactly one YAML document; remove the second document (after '---')");
                            return roots;
                        }
                        anchors.Clear();
                        break;
                    case NodeEvent:
                        var root = ReadNode(parser, source, anchors, diagnostics, 0);
                        if (root is not YamlScalar { IsNull: true }) roots.Add(root);
                        continue; // ReadNode consumed the node's events
                }
            }
        }
        catch (YamlException e)
        {
            var at = e.Start.Line > 0 ? new SourceLocation(source.File, (int)e.Start.Line,
                (int)e.Start.Column) : source.Location(source.Text.Length);
            diagnostics.Error(at, "YAML syntax error: " + e.Message.TrimEnd('.'));
            return [];
        }
        catch (TooDeepException e)
        {
            diagnostics.Error(Loc(source, e.At), e.Message);
            return [];
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's parser gives up this way on some truncated flow collections.
            diagnostics.Error(source.Location(source.Text.TrimEnd().Length),
                "YAML syntax error: the document ends inside an unclosed '{' or '['");
            return [];
        }
        if (roots.Count == 0) diagnostics.Error(new SourceLocation(source.File, 1, 1), "the file is empty; expected a YAML document");
        return roots;
    }

    /// <summary>Reads the node at <c>parser.Current</c> and leaves the parser on the event after it.</summary>
    private static YamlNode ReadNode(Parser parser, SourceText source, Dictionary<string, YamlNode> anchors, DiagnosticBag diagnostics,
        int depth)
    {
        var current = parser.Current!;
        if (depth >= MaxDepth && current is SequenceStart or MappingStart) throw new TooDeepException(current.Start);
        switch (current)
        {
            case AnchorAlias alias:
            {
                parser.MoveNext();
                if (anchors.TryGetValue(alias.Value.Value, out var target)) return target;
                diagnostics.Error(Loc(source, alias.Start), $"unknown alias '*{alias.Value.Value}'");
                return new YamlScalar(source, (int)alias.Start.Index, (int)alias.End.Index, "", YamlScalarStyle.Plain);
            }
            case Scalar scalar:
            {
                parser.MoveNext();
                var style = scalar.Style switch
                {
                    ScalarStyle.SingleQuoted => YamlScalarStyle.SingleQuoted,
                    ScalarStyle.DoubleQuoted => YamlScalarStyle.DoubleQuoted,
                    ScalarStyle.Literal => YamlScalarStyle.Literal,
                    ScalarStyle.Folded => YamlScalarStyle.Folded,
                    _ => YamlScalarStyle.Plain,
                };
                // An explicit !!str (or the non-specific '!') makes a plain scalar a string, like quoting it. Other tags
                // would type the value another way than its text says; a Katalog writes the value itself instead.
                if (!scalar.Tag.IsEmpty)
                {
                    if (scalar.Tag.IsNonSpecific || scalar.Tag.Value == "tag:yaml.org,2002:str")
                    {
                        if (style == YamlScalarStyle.Plain) style = YamlScalarStyle.DoubleQuoted;
                    }
                    else
                    {
                        diagnostics.Error(Loc(source, scalar.Start), $"YAML tag '{scalar.Tag.Value}' is not supported in a Katalog; "
                            + "write the value plainly, or quote it for a string");
                    }
                }
                var node = new YamlScalar(source, (int)scalar.Start.Index, (int)scalar.End.Index, scalar.Value, style);
                Remember(scalar, node, anchors);
                return node;
            }
            case SequenceStart start:
            {
                parser.MoveNext();
                var items = new List<YamlNode>();
                while (parser.Current is not SequenceEnd)
                    items.Add(ReadNode(parser, source, anchors, diagnostics, depth + 1));
                var end = parser.Current;
                parser.MoveNext();
                var node = new YamlList(source, (int)start.Start.Index, (int)end.End.Index, items);
                Remember(start, node, anchors);
                return node;
            }
            case MappingStart start:
            {
                parser.MoveNext();
                var entries = new List<YamlEntry>();
                var seen = new HashSet<string>(StringComparer.Ordinal);
                while (parser.Current is not MappingEnd)
                {
                    var keyEvent = parser.Current!;
                    var key = ReadNode(parser, source, anchors, diagnostics, depth + 1);
                    var value = ReadNode(parser, source, anchors, diagnostics, depth + 1);
                    if (key is not YamlScalar keyScalar)
                    {
                        diagnostics.Error(Loc(source, keyEvent.Start),
                            $"a map key must be a plain name, not {key.Describe()} (quote templates: \"{{{{ ... }}}}\")");
                        continue;
                    }
                    if (keyScalar.Value == "<<" && keyScalar.IsPlain)
                    {
                        diagnostics.Error(keyScalar.Location, "YAML merge keys ('<<') are not supported; write the keys out");
                        continue;
                    }
                    if (!seen.Add(keyScalar.Value))
                    {
                        diagnostics.Error(keyScalar.Location, $"duplicate key '{keyScalar.Value}'");
                        continue;
                    }
                    entries.Add(new YamlEntry(keyScalar, value));
                }
                var end = parser.Current;
                parser.MoveNext();
                var node = new YamlMap(source, (int)start.Start.Index, (int)end.End.Index, entries);
                Remember(start, node, anchors);
                return node;
            }
            default:
                // Comments and other events are not nodes; skip them.
                if (current is null || !parser.MoveNext()) throw new YamlException("unexpected end of the document");
                return ReadNode(parser, source, anchors, diagnostics, depth);
        }
    }

    /// <summary>Nesting a Katalog may have: the same bound as every other YAML ork reads (<see cref="YamlReadLimits"/>).</summary>
    private static readonly int MaxDepth = YamlReadLimits.Default.MaxDepth;

    /// <summary>A collection opened at <see cref="MaxDepth"/>: the file stops there (the parser cannot skip it).</summary>
    private sealed class TooDeepException(Mark at) : Exception($"the YAML nests deeper than {MaxDepth} levels")
    {
        public Mark At { get; } = at;
    }

    private static void Remember(NodeEvent e, YamlNode node, Dictionary<string, YamlNode> anchors)
    {
        if (!e.Anchor.IsEmpty) anchors[e.Anchor.Value] = node;
    }

    private static SourceLocation Loc(SourceText source, Mark mark) => new(source.File, (int)mark.Line, (int)mark.Column);
}
