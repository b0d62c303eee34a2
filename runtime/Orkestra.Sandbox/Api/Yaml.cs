using System.Text;
using System.Text.Json.Nodes;
using Orkestra.ApiMachinery.Yaml;

namespace Orkestra.Sandbox.Api;

/// <summary>
/// YAML request bodies (apply patches) to JSON nodes through the one reader, <see cref="YamlReader"/> (kube's rules:
/// YAML 1.1 scalars, duplicate keys refused). JSON is YAML, so JSON bodies take the JSON parser's fast path. One
/// document only.
/// </summary>
internal static class Yaml
{
    /// <summary>Parses a JSON or YAML body; malformed input becomes kube's 400 "error decoding YAML".</summary>
    public static JsonNode? Parse(byte[] body)
    {
        var start = 0;
        while (start < body.Length && body[start] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') start++;
        if (start < body.Length && body[start] == (byte)'{') return Json.Parse(body, "error decoding YAML");
        try
        {
            return YamlReader.ReadOne(Encoding.UTF8.GetString(body));
        }
        catch (YamlReadException e)
        {
            throw ApiError.BadRequest($"error decoding YAML: line {e.Line}: {e.Message}");
        }
    }
}
