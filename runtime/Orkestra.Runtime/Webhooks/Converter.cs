using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Katalog.Compilation;
using Orkestra.Katalog.Rendering;
using Orkestra.Templating;

namespace Orkestra.Runtime.Webhooks;

/// <summary>One object converted (or not): the result, the versions, and the failure message when it failed.</summary>
public readonly record struct Conversion(JsonNode? Result, string From, string To, string? Failure);

/// <summary>
/// A CRD's <c>conversion.paths</c> applied to one object: the path declared from the object's
/// version to the desired one renders its <c>spec</c> map against the source object, and that map is the converted
/// object's <c>spec</c> (what the path does not declare is not carried over; a template that yields nothing leaves its
/// field out). <c>apiVersion</c> changes; metadata and
/// status stay as they are (kube allows no other metadata change). Without a direct path, a conversion through
/// <c>storageVersion</c> (two declared paths, hub and spoke) is used. An object already in the desired version is
/// returned unchanged. A missing path, another group or kind, or a failing template fails with a message naming the
/// CRD, the path and its location. Pure; thread-safe.
/// </summary>
public static class Converter
{
    /// <summary><see cref="Convert(CompiledOperator, CompiledConversion, JsonElement, string, TimeProvider, Utf8JsonWriter)"/>
    /// with the converted object as a node in <see cref="Conversion.Result"/>.</summary>
    public static Conversion Convert(CompiledOperator op, CompiledConversion conversion, JsonElement obj, string desiredApiVersion,
        TimeProvider time)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using var writer = new Utf8JsonWriter(buffer);
        var conversionResult = Convert(op, conversion, obj, desiredApiVersion, time, writer);
        if (conversionResult.Failure is not null) return conversionResult;
        writer.Flush();
        return conversionResult with { Result = JsonNode.Parse(buffer.WrittenSpan, documentOptions: DecodeLimits.Document) };
    }

    /// <summary>Writes the converted object to <paramref name="output"/> (<see cref="Conversion.Result"/> stays null). On a
    /// failure part of it may have been written: the caller discards the output.</summary>
    public static Conversion Convert(CompiledOperator op, CompiledConversion conversion, JsonElement obj, string desiredApiVersion,
        TimeProvider time, Utf8JsonWriter output)
    {
        var slash = desiredApiVersion.IndexOf('/');
        var to = Known(conversion, desiredApiVersion.AsSpan(slash + 1)) ?? desiredApiVersion[(slash + 1)..];
        var apiVersion = obj.TryGetProperty("apiVersion", out var av) && av.ValueKind == JsonValueKind.String ? av : default;
        var group = op.ApiTypes.Group;
        var from = VersionOf(conversion, apiVersion);
        if (!desiredApiVersion.AsSpan(0, slash).SequenceEqual(group))
            return new(null, from, to, $"spec.crds.{op.Name} converts group {group}, not {desiredApiVersion[..slash]}");
        if (!(obj.TryGetProperty("kind", out var k) && k.ValueKind == JsonValueKind.String && k.ValueEquals(op.ApiTypes.Kind))
            || !InGroup(apiVersion, group))
        {
            var kind = k.ValueKind == JsonValueKind.String ? k.GetString() : null;
            return new(null, from, to, $"spec.crds.{op.Name} converts {op.ApiTypes.Kind}.{group}, " +
                $"not {kind ?? "an object without kind"} {(apiVersion.ValueKind == JsonValueKind.String ? apiVersion.GetString() : "")}");
        }
        if (from == to)
        {
            obj.WriteTo(output);
            return new(null, from, to, null);
        }

        if (Find(conversion, from, to) is { } direct) return Step(op, direct, obj, from, to, time, output);
        var hub = conversion.StorageVersion;
        if (from == hub || to == hub || Find(conversion, from, hub) is not { } up || Find(conversion, hub, to) is not { } down)
        {
            return new(null, from, to, $"spec.crds.{op.Name}.conversion declares no path from {from} to {to}" +
                (from != hub && to != hub ? $" (nor through {hub})" : ""));
        }
        // through the storage version: the first step into a buffer, read again as the second step's source
        var buffer = new ArrayBufferWriter<byte>();
        using (var first = new Utf8JsonWriter(buffer))
        {
            if (Step(op, up, obj, from, to, time, first) is { Failure: not null } failed) return failed;
        }
        using var document = JsonDocument.Parse(buffer.WrittenMemory, DecodeLimits.Document);
        return Step(op, down, document.RootElement, from, to, time, output);
    }

    /// <summary>One declared path: the object with the path's apiVersion and its rendered <c>spec</c> (in the place of the
    /// old one, or last), every other field copied.</summary>
    private static Conversion Step(CompiledOperator op, CompiledConversionPath path, JsonElement source, string from, string to,
        TimeProvider time, Utf8JsonWriter output)
    {
        var data = new ObjectScope(source, time);
        try
        {
            output.WriteStartObject();
            var specWritten = false;
            foreach (var property in source.EnumerateObject())
            {
                if (property.NameEquals("apiVersion"))
                {
                    output.WriteString("apiVersion", path.ApiVersion);
                }
                else if (property.NameEquals("spec"))
                {
                    if (!WriteSpec(op, path, data, output, out var failure)) return new(null, from, to, failure);
                    specWritten = true;
                }
                else
                {
                    property.WriteTo(output);
                }
            }
            if (!specWritten && !WriteSpec(op, path, data, output, out var missing)) return new(null, from, to, missing);
            output.WriteEndObject();
            return new(null, from, to, null);
        }
        catch (KatalogRenderException e)
        {
            return new(null, from, to, $"converting {op.ApiTypes.Kind} {Name(source)} from {path.From} to {path.To}: " +
                $"spec.crds.{op.Name}.conversion.paths ({path.Source.Location}): {e.ToDiagnostic()}");
        }
    }

    /// <summary>The path's <c>spec</c>: a declared map is written as it is walked (<see cref="CompiledNode.Write"/>), what its
    /// templates do not find left out; anything else must render a map (or nothing: an empty spec).</summary>
    private static bool WriteSpec(CompiledOperator op, CompiledConversionPath path, ObjectScope data, Utf8JsonWriter output,
        out string? failure)
    {
        failure = null;
        if (path.Spec.IsMap)
        {
            path.Spec.Write(output, "spec", data, withoutNulls: true);
            return true;
        }
        var spec = path.Spec.Render(data.Scope);
        if (spec is not (JsonObject or null))
        {
            failure = $"converting {op.ApiTypes.Kind} {Name(data.Source)}: spec.crds.{op.Name}.conversion path {path.From} to " +
                $"{path.To} ({path.Source.Location}) must render a map";
            return false;
        }
        output.WritePropertyName("spec");
        if (spec is null)
        {
            output.WriteStartObject();
            output.WriteEndObject();
        }
        else
        {
            CompiledNode.WriteNode(output, null, spec, withoutNulls: true);
        }
        return true;
    }

    /// <summary>True when <paramref name="apiVersion"/> is <c>GROUP/…</c>.</summary>
    private static bool InGroup(JsonElement apiVersion, string group)
    {
        if (apiVersion.ValueKind != JsonValueKind.String) return false;
        var text = Unescaped(apiVersion);
        if (text.IsEmpty) return apiVersion.GetString()!.StartsWith(group + "/", StringComparison.Ordinal);
        return text.Length > group.Length && text[group.Length] == (byte)'/' && Ascii.Equals(text[..group.Length], group);
    }

    /// <summary>The version of <paramref name="apiVersion"/> (after the slash; all of it without one) — one of the conversion's
    /// own strings when it is a declared version.</summary>
    private static string VersionOf(CompiledConversion conversion, JsonElement apiVersion)
    {
        if (apiVersion.ValueKind != JsonValueKind.String) return "";
        var text = Unescaped(apiVersion);
        var slash = text.IndexOf((byte)'/');
        if (text.Length > 0 && Known(conversion, text[(slash + 1)..]) is { } known) return known;
        var value = apiVersion.GetString()!;
        return value.Contains('/') ? value[(value.IndexOf('/') + 1)..] : value;
    }

    /// <summary>The UTF-8 text of a JSON string without escapes; empty when it has escapes (or is empty).</summary>
    private static ReadOnlySpan<byte> Unescaped(JsonElement text)
    {
        var raw = JsonMarshal.GetRawUtf8Value(text);
        return raw.Length >= 2 && raw.IndexOf((byte)'\\') < 0 ? raw[1..^1] : default;
    }

    private static string? Known(CompiledConversion conversion, ReadOnlySpan<byte> version)
    {
        if (Ascii.Equals(version, conversion.StorageVersion)) return conversion.StorageVersion;
        for (var i = 0; i < conversion.Paths.Count; i++)
        {
            var path = conversion.Paths[i];
            if (Ascii.Equals(version, path.From)) return path.From;
            if (Ascii.Equals(version, path.To)) return path.To;
        }
        return null;
    }

    private static string? Known(CompiledConversion conversion, ReadOnlySpan<char> version)
    {
        if (version.SequenceEqual(conversion.StorageVersion)) return conversion.StorageVersion;
        for (var i = 0; i < conversion.Paths.Count; i++)
        {
            var path = conversion.Paths[i];
            if (version.SequenceEqual(path.From)) return path.From;
            if (version.SequenceEqual(path.To)) return path.To;
        }
        return null;
    }

    private static CompiledConversionPath? Find(CompiledConversion conversion, string from, string to)
    {
        for (var i = 0; i < conversion.Paths.Count; i++)
        {
            if (conversion.Paths[i].From == from && conversion.Paths[i].To == to) return conversion.Paths[i];
        }
        return null;
    }

    private static string Name(JsonElement obj) =>
        obj.TryGetProperty("metadata", out var md) && md.ValueKind == JsonValueKind.Object
            ? (md.TryGetProperty("namespace", out var ns) && ns.ValueKind == JsonValueKind.String ? ns.GetString() + "/" : "")
              + (md.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : "(unnamed)")
            : "(no metadata)";
}
