using System.Text;
using Fluid.Values;
using static Orkestra.Templating.Functions.Library.Args;

namespace Orkestra.Templating.Functions.Library;

/// <summary>Random values from the render's injected random source. Use them with <c>once: true</c> secrets.</summary>
internal static class RandomFunctions
{
    private const string C = "random";
    private const string Alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static void Register(FunctionRegistry r)
    {
        r.Add(C, "randomAlphanumeric", "randomAlphanumeric N", "N random characters from [a-zA-Z0-9]", 1, 1, ValueShape.String, (a, in c) =>
        {
            var n = Length("randomAlphanumeric", a[0]);
            var sb = new StringBuilder(n);
            for (var i = 0; i < n; i++) sb.Append(Alphanumeric[c.Scope.Random.Next(Alphanumeric.Length)]);
            return Str(sb.ToString());
        }, deterministic: false);
        r.Add(C, "randomHex", "randomHex N", "N random bytes as 2N hex characters", 1, 1, ValueShape.String,
            (a, in c) => Str(Convert.ToHexString(Bytes(c.Scope.Random, Length("randomHex", a[0]))).ToLowerInvariant()),
                deterministic: false);
        r.Add(C, "randomBase64", "randomBase64 N", "N random bytes as URL-safe base64 (no padding)", 1, 1, ValueShape.String,
            (a, in c) => Str(Convert.ToBase64String(Bytes(c.Scope.Random, Length("randomBase64", a[0]))).TrimEnd('=').Replace('+', '-')
                .Replace('/', '_')), deterministic: false);
        r.Add(C, "uuidv4", "uuidv4", "a random version-4 UUID", 0, 0, ValueShape.String, (a, in c) =>
        {
            var b = Bytes(c.Scope.Random, 16);
            b[6] = (byte)((b[6] & 0x0F) | 0x40);
            b[8] = (byte)((b[8] & 0x3F) | 0x80);
            var hex = Convert.ToHexString(b).ToLowerInvariant();
            return Str($"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}");
        }, deterministic: false);
    }

    private static int Length(string fn, FluidValue v)
    {
        var n = Int(fn, v);
        if (n < 0 || n > 4096) throw new TemplateFunctionException($"{fn}: length {n} is out of range 0..4096");
        return (int)n;
    }

    private static byte[] Bytes(Random random, int n)
    {
        var bytes = new byte[n];
        random.NextBytes(bytes);
        return bytes;
    }
}
