using System.Buffers;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using Orkestra.ApiMachinery.Meta;

namespace Orkestra.Kube.Informers;

/// <summary>
/// The compact, lossless form of a cached object. Objects of one kind repeat most of their bytes — property names,
/// defaulted values (<c>"/dev/termination-log"</c>, <c>"ClusterFirst"</c>, <c>"25%"</c>), label keys, the owner's name
/// in labels and selectors — so an entry is the object's token stream (one tag byte per token) in which
/// <list type="bullet">
/// <item>a string seen in two different objects becomes an id into an <see cref="InternTable"/> shared by the codec
/// (names and values alike, 3–64 bytes, never shapes that are unique by nature: UIDs, timestamps, all-digit strings
/// such as resourceVersions);</item>
/// <item>a string repeated inside one object is written once and then referred back to (owner names, timestamps);</item>
/// <item>everything else — numbers (their exact text), other strings (still escaped) — stays inline.</item>
/// </list>
/// Decoding writes the same tokens with the separators JSON requires, so a minified text (what the API server and
/// <c>Utf8JsonWriter</c> produce) comes back byte for byte. Text that decoding would not rebuild exactly (any
/// whitespace) is kept as it is instead; an entry's first byte says which form it has.
/// Concurrency: <see cref="Encode"/> is serialised by the codec's own gate (uncontended under the cache's write
/// gate); <see cref="Decode"/> and <see cref="Parse"/> are lock-free and may run on any thread at any time.
/// </summary>
internal sealed class EntryCodec(int maxInterned = EntryCodec.DefaultMaxInterned)
{
    /// <summary>Ids per codec. At ~60 B of table per id plus the string, the full table costs ~250 KiB.</summary>
    public const int DefaultMaxInterned = 2048;

    /// <summary>Longest string interned; longer ones are messages and payloads, rarely repeated exactly.</summary>
    public const int MaxInternLength = 64;

    /// <summary>Shortest string interned or referred back to: shorter ones cost no more inline than as an id.</summary>
    public const int MinSharedLength = 3;

    /// <summary>Strings an entry can refer back to (the first ones written inline, of at least <see cref="MinSharedLength"/>).</summary>
    private const int MaxLocals = 64;

    /// <summary>Strings seen in one object so far, remembered by hash; the table starts over when full.</summary>
    private const int MaxCandidates = 1024;

    /// <summary>Nesting the encoder reads; deeper text is kept verbatim (readers parse up to
    /// <see cref="DecodeLimits.MaxDepth"/>).</summary>
    private const int MaxDepth = 256;

    private const byte Raw = 0, Tokens = 1;

    private readonly InternTable _table = new(maxInterned);
    private readonly object _encodeGate = new();
    // string hash → identity of the object it was first seen in; under _encodeGate
    private readonly Dictionary<int, int> _candidates = new();
    private int _unnamed;                                          // identities of values without metadata.name; under _encodeGate

    public InternTable Table => _table;

    /// <summary>The entry to keep for <paramref name="value"/> (a standalone array, exactly sized).</summary>
    public byte[] Encode(JsonElement value)
    {
        var json = JsonMarshal.GetRawUtf8Value(value);
        lock (_encodeGate)
        {
            var encoder = new Encoder(this, json, Identity(value),
                stackalloc int[MaxLocals], stackalloc int[MaxLocals], stackalloc int[MaxLocals]);
            try
            {
                return encoder.TryWrite() ? encoder.Written.ToArray() : [Raw, .. json];
            }
            finally
            {
                encoder.Dispose();
            }
        }
    }

    /// <summary>A standalone element over the JSON text of <paramref name="entry"/>.</summary>
    public JsonElement Parse(byte[] entry) =>
        entry[0] == Raw
            ? JsonDocument.Parse(entry.AsMemory(1), DecodeLimits.Document).RootElement
            : JsonDocument.Parse(Decode(entry), DecodeLimits.Document).RootElement;

    /// <summary>The exact JSON text <paramref name="entry"/> was encoded from.</summary>
    public byte[] Decode(ReadOnlySpan<byte> entry)
    {
        if (entry[0] == Raw) return entry[1..].ToArray();
        var at = 1;
        var json = new byte[checked((int)ReadVarint(entry, ref at))];
        var o = 0;
        var comma = false;                                 // the next value or name follows one in the same container
        Span<int> localStart = stackalloc int[MaxLocals];
        Span<int> localLength = stackalloc int[MaxLocals];
        var locals = 0;
        while (at < entry.Length)
        {
            var tag = entry[at++];
            ReadOnlySpan<byte> text;
            bool isName;
            switch (tag)
            {
                case >= Tag.Interned:
                    isName = tag < Tag.InternedValue;
                    var id = tag & Tag.SmallMask;
                    if (id == Tag.SmallMask) id += (int)ReadVarint(entry, ref at);
                    text = _table.Get(id);
                    break;
                case >= Tag.LocalName:
                    isName = tag < Tag.LocalValue;
                    var index = tag & Tag.SmallLocals;
                    if (index == Tag.SmallLocals) index += (int)ReadVarint(entry, ref at);
                    text = json.AsSpan(localStart[index], localLength[index]);
                    break;
                case >= Tag.Number:
                    if (comma) json[o++] = (byte)',';
                    var n = tag - Tag.Number + 1;
                    entry.Slice(at, n).CopyTo(json.AsSpan(o));
                    at += n;
                    o += n;
                    comma = true;
                    continue;
                case >= Tag.InlineValue:
                    isName = tag >= Tag.InlineName;
                    text = entry.Slice(at, tag - (isName ? Tag.InlineName : Tag.InlineValue));
                    at += text.Length;
                    break;
                case Tag.LongNumber:
                    if (comma) json[o++] = (byte)',';
                    var length = (int)ReadVarint(entry, ref at);
                    entry.Slice(at, length).CopyTo(json.AsSpan(o));
                    at += length;
                    o += length;
                    comma = true;
                    continue;
                case Tag.LongInlineName or Tag.LongInlineValue:
                    isName = tag == Tag.LongInlineName;
                    var size = (int)ReadVarint(entry, ref at);
                    text = entry.Slice(at, size);
                    at += size;
                    break;
                default:
                    WriteStructural(json, ref o, ref comma, tag);
                    continue;
            }
            if (comma) json[o++] = (byte)',';
            json[o++] = (byte)'"';
            var inline = tag is (>= Tag.InlineValue and < Tag.Number) or Tag.LongInlineName or Tag.LongInlineValue;
            if (inline && text.Length >= MinSharedLength && locals < MaxLocals)
            {
                localStart[locals] = o;
                localLength[locals++] = text.Length;
            }
            text.CopyTo(json.AsSpan(o));
            o += text.Length;
            json[o++] = (byte)'"';
            if (isName) json[o++] = (byte)':';
            comma = !isName;
        }
        Debug.Assert(o == json.Length, "an entry rebuilds exactly the length it recorded");
        return json;
    }

    private static void WriteStructural(byte[] json, ref int o, ref bool comma, byte tag)
    {
        var text = tag switch
        {
            Tag.StartObject => "{"u8,
            Tag.EndObject => "}"u8,
            Tag.StartArray => "["u8,
            Tag.EndArray => "]"u8,
            Tag.True => "true"u8,
            Tag.False => "false"u8,
            Tag.Null => "null"u8,
            _ => throw new InvalidOperationException($"cache entry holds unknown tag 0x{tag:x2}"),
        };
        if (comma && tag is not (Tag.EndObject or Tag.EndArray)) json[o++] = (byte)',';
        text.CopyTo(json.AsSpan(o));
        o += text.Length;
        comma = tag is not (Tag.StartObject or Tag.StartArray);
    }

    /// <summary>Which object a value is, so that repeats within one object (or its next version) are not taken for
    /// strings many objects share: a hash of metadata.namespace/name; every unnamed value counts as a new object.</summary>
    private int Identity(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("metadata"u8, out var metadata)
            && metadata.ValueKind == JsonValueKind.Object && metadata.TryGetProperty("name"u8, out var name))
        {
            var hash = new HashCode();
            hash.AddBytes(JsonMarshal.GetRawUtf8Value(name));
            if (metadata.TryGetProperty("namespace"u8, out var ns)) hash.AddBytes(JsonMarshal.GetRawUtf8Value(ns));
            return hash.ToHashCode();
        }
        return ++_unnamed;
    }

    /// <summary>Values that are unique by nature and would only fill the table: UIDs, RFC 3339 timestamps, and
    /// all-digit strings (resourceVersions).</summary>
    private static bool LooksUnique(ReadOnlySpan<byte> s) =>
        s.Length == 36 && s[8] == '-' && s[13] == '-' && s[18] == '-' && s[23] == '-'
        || s.Length >= 20 && s[4] == '-' && s[7] == '-' && s[10] == 'T' && s[13] == ':'
        || !s.ContainsAnyExceptInRange((byte)'0', (byte)'9');

    /// <summary>Interns <paramref name="s"/> if it was already seen in another object; otherwise remembers where it
    /// was seen. Caller holds the encode gate.</summary>
    private bool TryPromote(ReadOnlySpan<byte> s, int hash, int identity, out int id)
    {
        id = -1;
        if (_table.IsFull || LooksUnique(s)) return false;
        if (_candidates.TryGetValue(hash, out var firstSeenIn))
        {
            if (firstSeenIn == identity) return false;
            _candidates.Remove(hash);
            id = _table.Add(s);
            return true;
        }
        if (_candidates.Count >= MaxCandidates) _candidates.Clear();
        _candidates.Add(hash, identity);
        return false;
    }

    /// <summary>One encoding: walks the text's tokens and writes the entry into a pooled buffer.</summary>
    private ref struct Encoder(
        EntryCodec codec, ReadOnlySpan<byte> json, int identity, Span<int> localHash, Span<int> localStart, Span<int> localLength)
    {
        private readonly ReadOnlySpan<byte> _json = json;
        private readonly Span<int> _localHash = localHash;     // hash of each string an entry may refer back to
        private readonly Span<int> _localStart = localStart;   // where that string starts in _json
        private readonly Span<int> _localLength = localLength; // and its length
        private int _locals;
        private byte[] _buffer = ArrayPool<byte>.Shared.Rent(json.Length + 16);
        private int _at;

        public readonly ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _at);

        /// <summary>Writes the entry; false when decoding it would not give back <c>_json</c> byte for byte.</summary>
        public bool TryWrite()
        {
            Span<byte> header = stackalloc byte[6];
            header[0] = Tokens;
            var headerLength = 1 + WriteVarint(header[1..], (uint)_json.Length);
            Reserve(headerLength);
            header[..headerLength].CopyTo(_buffer);
            _at = headerLength;

            // Lenient, so that text a lenient parser accepted (comments, trailing commas) is read; its length then
            // differs from the rebuilt text's and it is kept verbatim. Too deep for the reader: verbatim too.
            var reader = new Utf8JsonReader(_json, new JsonReaderOptions
            {
                CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = MaxDepth,
            });
            long decoded = 0;                          // length of the text decoding will write
            var comma = false;
            while (Read(ref reader))
            {
                var type = reader.TokenType;
                if (comma && type is not (JsonTokenType.EndObject or JsonTokenType.EndArray)) decoded++;
                switch (type)
                {
                    case JsonTokenType.StartObject: Put(Tag.StartObject); decoded++; comma = false; break;
                    case JsonTokenType.EndObject: Put(Tag.EndObject); decoded++; comma = true; break;
                    case JsonTokenType.StartArray: Put(Tag.StartArray); decoded++; comma = false; break;
                    case JsonTokenType.EndArray: Put(Tag.EndArray); decoded++; comma = true; break;
                    case JsonTokenType.True: Put(Tag.True); decoded += 4; comma = true; break;
                    case JsonTokenType.False: Put(Tag.False); decoded += 5; comma = true; break;
                    case JsonTokenType.Null: Put(Tag.Null); decoded += 4; comma = true; break;
                    case JsonTokenType.Number:
                        var number = reader.ValueSpan;
                        if (number.Length <= 16) Put((byte)(Tag.Number + number.Length - 1));
                        else PutVarint(Tag.LongNumber, (uint)number.Length);
                        PutBytes(number);
                        decoded += number.Length;
                        comma = true;
                        break;
                    case JsonTokenType.PropertyName:
                        PutString(reader.ValueSpan, checked((int)reader.TokenStartIndex) + 1, isName: true);
                        decoded += reader.ValueSpan.Length + 3;
                        comma = false;
                        break;
                    case JsonTokenType.String:
                        PutString(reader.ValueSpan, checked((int)reader.TokenStartIndex) + 1, isName: false);
                        decoded += reader.ValueSpan.Length + 2;
                        comma = true;
                        break;
                    default:
                        return false;                  // comments are not read by default; nothing else can occur
                }
            }
            // The same tokens with only the separators JSON requires: equal lengths mean the text had no whitespace.
            return decoded == _json.Length;
        }

        private static bool Read(ref Utf8JsonReader reader)
        {
            try
            {
                return reader.Read();
            }
            catch (JsonException)
            {
                return false;                          // deeper than MaxDepth: the lengths will not match
            }
        }

        private void PutString(ReadOnlySpan<byte> s, int start, bool isName)
        {
            Debug.Assert(_json.Slice(start, s.Length).SequenceEqual(s), "a string's value span starts after its quote");
            if (s.Length >= MinSharedLength)
            {
                var interns = s.Length <= MaxInternLength;
                if (interns && codec._table.TryGetId(s, out var id))
                {
                    PutSmallOrVarint(isName ? Tag.InternedName : Tag.InternedValue, Tag.SmallMask, (uint)id);
                    return;
                }
                var hash = InternTable.Hash(s);
                if (interns && codec.TryPromote(s, hash, identity, out id))
                {
                    PutSmallOrVarint(isName ? Tag.InternedName : Tag.InternedValue, Tag.SmallMask, (uint)id);
                    return;
                }
                if (TryLocal(s, hash, out var index))
                {
                    PutSmallOrVarint(isName ? Tag.LocalName : Tag.LocalValue, Tag.SmallLocals, (uint)index);
                    return;
                }
                // The decoder remembers the first MaxLocals inline strings of this length too, in the same order.
                if (_locals < MaxLocals)
                {
                    _localHash[_locals] = hash;
                    _localStart[_locals] = start;
                    _localLength[_locals++] = s.Length;
                }
            }
            if (s.Length < 32) Put((byte)((isName ? Tag.InlineName : Tag.InlineValue) + s.Length));
            else PutVarint(isName ? Tag.LongInlineName : Tag.LongInlineValue, (uint)s.Length);
            PutBytes(s);
        }

        private readonly bool TryLocal(ReadOnlySpan<byte> s, int hash, out int index)
        {
            for (index = 0; index < _locals; index++)
                if (_localHash[index] == hash && _localLength[index] == s.Length
                    && _json.Slice(_localStart[index], s.Length).SequenceEqual(s))
                    return true;
            return false;
        }

        /// <summary>A tag that carries values below <paramref name="small"/> in its low bits; from <paramref name="small"/>
        /// on, the tag's last value is followed by a varint of the rest.</summary>
        private void PutSmallOrVarint(byte baseTag, int small, uint value)
        {
            if (value < small) Put((byte)(baseTag + value));
            else PutVarint((byte)(baseTag + small), value - (uint)small);
        }

        private void Put(byte tag)
        {
            Reserve(1);
            _buffer[_at++] = tag;
        }

        private void PutVarint(byte tag, uint value)
        {
            Reserve(6);
            _buffer[_at++] = tag;
            _at += WriteVarint(_buffer.AsSpan(_at), value);
        }

        private void PutBytes(ReadOnlySpan<byte> bytes)
        {
            Reserve(bytes.Length);
            bytes.CopyTo(_buffer.AsSpan(_at));
            _at += bytes.Length;
        }

        private void Reserve(int count)
        {
            if (_at + count <= _buffer.Length) return;
            var grown = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _at + count));
            _buffer.AsSpan(0, _at).CopyTo(grown);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = grown;
        }

        public void Dispose()
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    private static int WriteVarint(Span<byte> destination, uint value)
    {
        var i = 0;
        for (; value >= 0x80; value >>= 7) destination[i++] = (byte)(value | 0x80);
        destination[i++] = (byte)value;
        return i;
    }

    private static uint ReadVarint(ReadOnlySpan<byte> source, ref int at)
    {
        uint value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = source[at++];
            value |= (uint)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
    }

    /// <summary>The token tags: one byte per token, small lengths, back-references and ids folded in.</summary>
    private static class Tag
    {
        public const byte StartObject = 0x00, EndObject = 0x01, StartArray = 0x02, EndArray = 0x03;
        public const byte True = 0x04, False = 0x05, Null = 0x06;
        public const byte LongNumber = 0x07;                      // varint length, text
        public const byte LongInlineName = 0x08, LongInlineValue = 0x09;   // varint length (32 or more), bytes
        public const byte InlineValue = 0x10;                     // + length 0..31, bytes
        public const byte InlineName = 0x30;                      // + length 0..31, bytes
        public const byte Number = 0x50;                          // + length 1..16 − 1, text
        // + index 0..14 of an earlier inline string; + 15 then varint (index − 15)
        public const byte LocalName = 0x60, LocalValue = 0x70;
        public const int SmallLocals = 0x0F;
        public const byte Interned = 0x80;
        public const byte InternedName = 0x80, InternedValue = 0xC0;       // + id 0..62; + 63 then varint (id − 63)
        public const int SmallMask = 0x3F;
    }
}
