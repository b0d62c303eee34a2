using System.Globalization;
using System.Text;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Sandbox.Api;
using Orkestra.Sandbox.Storage;

namespace Orkestra.Sandbox.Handlers;

/// <summary>The opaque <c>continue</c> token of a paginated list: the list RV and the last key returned (base64 JSON-free text).</summary>
internal static class ContinueToken
{
    public static string Create(long revision, ObjectKey last) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{revision.ToString(CultureInfo.InvariantCulture)}\n{last.Namespace}\n{last.Name}"));

    public static (long Revision, ObjectKey After) Parse(string token)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split('\n');
            if (parts.Length == 3 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var rv))
                return (rv, new ObjectKey(parts[1], parts[2]));
        }
        catch (FormatException)
        {
        }
        throw ApiError.BadRequest("continue key is not valid: malformed token");
    }
}
