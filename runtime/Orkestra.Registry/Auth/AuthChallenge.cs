using System.Text;

namespace Orkestra.Registry.Auth;

/// <summary>
/// One <c>WWW-Authenticate</c> challenge (RFC 7235): a scheme (<c>Basic</c>, <c>Bearer</c>) and its parameters
/// (<c>realm</c>, <c>service</c>, <c>scope</c>, <c>error</c>). Pure.
/// </summary>
public sealed record AuthChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    public string? this[string name] => Parameters.GetValueOrDefault(name);

    /// <summary>Parses one header value; null when it has no scheme.</summary>
    public static AuthChallenge? Parse(string header)
    {
        var text = header.Trim();
        var space = text.IndexOf(' ');
        var scheme = space < 0 ? text : text[..space];
        if (scheme.Length == 0) return null;
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = space < 0 ? text.Length : space + 1;
        while (i < text.Length)
        {
            while (i < text.Length && (text[i] == ' ' || text[i] == ',')) i++;
            var eq = text.IndexOf('=', i);
            if (eq < 0) break;
            var name = text[i..eq].Trim();
            i = eq + 1;
            var value = new StringBuilder();
            if (i < text.Length && text[i] == '"')
            {
                i++;
                while (i < text.Length && text[i] != '"')
                {
                    if (text[i] == '\\' && i + 1 < text.Length) i++;
                    value.Append(text[i++]);
                }
                i++;
            }
            else
            {
                while (i < text.Length && text[i] != ',') value.Append(text[i++]);
            }
            if (name.Length > 0) parameters[name] = value.ToString().Trim();
        }
        return new AuthChallenge(scheme, parameters);
    }
}
