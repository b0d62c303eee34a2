using System.Text;
using System.Text.Json.Nodes;

namespace Orkestra.Sandbox.Api;

/// <summary>
/// Protobuf request bodies (<c>application/vnd.kubernetes.protobuf</c>: the <c>k8s\0</c> magic, then a
/// <c>runtime.Unknown</c> with typeMeta 1 {apiVersion 1, kind 2} and raw 2) decoded to JSON for the few kinds kubectl's
/// typed clients send on the paths the sandbox serves for them: ServiceAccount (<c>create serviceaccount</c>),
/// TokenRequest (<c>create token</c>), SelfSubjectAccessReview and SelfSubjectRulesReview (<c>auth can-i</c>) and
/// SelfSubjectReview (<c>auth whoami</c>). Field numbers are those of the Kubernetes API's protobuf definitions;
/// fields a table does not name are skipped. Any other kind yields null (the caller answers 415).
/// </summary>
internal static class ProtobufBodies
{
    public const string MediaType = "application/vnd.kubernetes.protobuf";

    private abstract record Field(string Json);
    private sealed record Text(string Json) : Field(Json);
    private sealed record Number(string Json) : Field(Json);
    private sealed record Flag(string Json) : Field(Json);
    private sealed record Texts(string Json) : Field(Json);
    private sealed record TextMap(string Json) : Field(Json);
    private sealed record Message(string Json, Dictionary<int, Field> Fields) : Field(Json);

    private static readonly Dictionary<int, Field> ObjectMeta = new()
    {
        [1] = new Text("name"), [2] = new Text("generateName"), [3] = new Text("namespace"),
        [11] = new TextMap("labels"), [12] = new TextMap("annotations"), [14] = new Texts("finalizers"),
    };

    private static readonly Dictionary<int, Field> ResourceAttributes = new()
    {
        [1] = new Text("namespace"), [2] = new Text("verb"), [3] = new Text("group"), [4] = new Text("version"),
        [5] = new Text("resource"), [6] = new Text("subresource"), [7] = new Text("name"),
    };

    private static readonly Dictionary<int, Field> NonResourceAttributes = new() { [1] = new Text("path"), [2] = new Text("verb") };

    private static readonly Dictionary<string, Dictionary<int, Field>> Kinds = new(StringComparer.Ordinal)
    {
        ["v1/ServiceAccount"] = new()
        {
            [1] = new Message("metadata", ObjectMeta), [4] = new Flag("automountServiceAccountToken"),
        },
        ["authentication.k8s.io/v1/TokenRequest"] = new()
        {
            [1] = new Message("metadata", ObjectMeta),
            [2] = new Message("spec", new()
            {
                [1] = new Texts("audiences"), [4] = new Number("expirationSeconds"),
                [3] = new Message("boundObjectRef", new()
                {
                    [1] = new Text("kind"), [2] = new Text("apiVersion"), [3] = new Text("name"), [4] = new Text("uid"),
                }),
            }),
        },
        ["authorization.k8s.io/v1/SelfSubjectAccessReview"] = new()
        {
            [1] = new Message("metadata", ObjectMeta),
            [2] = new Message("spec", new()
            {
                [1] = new Message("resourceAttributes", ResourceAttributes),
                [2] = new Message("nonResourceAttributes", NonResourceAttributes),
            }),
        },
        ["authorization.k8s.io/v1/SelfSubjectRulesReview"] = new()
        {
            [1] = new Message("metadata", ObjectMeta), [2] = new Message("spec", new() { [1] = new Text("namespace") }),
        },
        ["authentication.k8s.io/v1/SelfSubjectReview"] = new() { [1] = new Message("metadata", ObjectMeta) },
    };

    /// <summary>The JSON form of a protobuf body of one of the known kinds; null for any other kind. Malformed
    /// bytes are a 400.</summary>
    public static JsonObject? TryDecode(ReadOnlySpan<byte> body)
    {
        if (body.Length < 4 || body[0] != (byte)'k' || body[1] != (byte)'8' || body[2] != (byte)'s' || body[3] != 0)
            throw ApiError.BadRequest("provided protobuf body does not begin with the k8s magic prefix");
        var reader = new Reader(body[4..].ToArray());
        string apiVersion = "", kind = "";
        byte[]? raw = null;
        while (reader.Next(out var number, out var wire))
        {
            if (number == 1 && wire == 2)
            {
                var type = new Reader(reader.Bytes());
                while (type.Next(out var n, out var w))
                {
                    if (n == 1 && w == 2) apiVersion = type.String();
                    else if (n == 2 && w == 2) kind = type.String();
                    else type.Skip(w);
                }
            }
            else if (number == 2 && wire == 2) raw = reader.Bytes();
            else reader.Skip(wire);
        }
        if (raw is null || !Kinds.TryGetValue($"{apiVersion}/{kind}", out var fields)) return null;
        var result = new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind };
        Fill(result, new Reader(raw), fields);
        return result;
    }

    private static void Fill(JsonObject target, Reader reader, Dictionary<int, Field> fields)
    {
        while (reader.Next(out var number, out var wire))
        {
            if (!fields.TryGetValue(number, out var field)) { reader.Skip(wire); continue; }
            switch (field)
            {
                case Number when wire == 0:
                    target[field.Json] = (long)reader.Varint();
                    break;
                case Flag when wire == 0:
                    target[field.Json] = reader.Varint() != 0;
                    break;
                case Text when wire == 2:
                    var text = reader.String();
                    if (text.Length > 0) target[field.Json] = text;
                    break;
                case Texts when wire == 2:
                    if (target[field.Json] is not JsonArray list) target[field.Json] = list = new JsonArray();
                    list.Add((JsonNode)reader.String());
                    break;
                case TextMap when wire == 2:
                    if (target[field.Json] is not JsonObject map) target[field.Json] = map = new JsonObject();
                    var entry = new Reader(reader.Bytes());
                    string key = "", value = "";
                    while (entry.Next(out var n, out var w))
                    {
                        if (n == 1 && w == 2) key = entry.String();
                        else if (n == 2 && w == 2) value = entry.String();
                        else entry.Skip(w);
                    }
                    map[key] = value;
                    break;
                case Message message when wire == 2:
                    if (target[field.Json] is not JsonObject child) target[field.Json] = child = new JsonObject();
                    Fill(child, new Reader(reader.Bytes()), message.Fields);
                    break;
                default:
                    throw ApiError.BadRequest($"protobuf field {number} ({field.Json}) has wire type {wire}");
            }
        }
    }

    /// <summary>The protobuf wire format: varints, length-delimited bytes, fixed 32/64-bit values.</summary>
    private sealed class Reader(byte[] data)
    {
        private int _position;

        public bool Next(out int number, out int wire)
        {
            number = 0;
            wire = 0;
            if (_position >= data.Length) return false;
            var tag = Varint();
            number = (int)(tag >> 3);
            wire = (int)(tag & 7);
            return true;
        }

        public ulong Varint()
        {
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                if (_position >= data.Length) throw Truncated();
                var b = data[_position++];
                value |= (ulong)(b & 0x7f) << shift;
                if (b < 0x80) return value;
            }
            throw ApiError.BadRequest("protobuf varint is longer than 10 bytes");
        }

        public byte[] Bytes()
        {
            var length = Varint();
            if (length > (ulong)(data.Length - _position)) throw Truncated();
            var bytes = data.AsSpan(_position, (int)length).ToArray();
            _position += (int)length;
            return bytes;
        }

        public string String() => Encoding.UTF8.GetString(Bytes());

        public void Skip(int wire)
        {
            switch (wire)
            {
                case 0: Varint(); break;
                case 1: Advance(8); break;
                case 2: Bytes(); break;
                case 5: Advance(4); break;
                default: throw ApiError.BadRequest($"protobuf wire type {wire} is not supported");
            }
        }

        private void Advance(int count)
        {
            if (_position + count > data.Length) throw Truncated();
            _position += count;
        }

        private static ApiError Truncated() => ApiError.BadRequest("protobuf body is truncated");
    }
}
