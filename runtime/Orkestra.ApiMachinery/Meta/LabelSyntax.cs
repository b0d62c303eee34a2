namespace Orkestra.ApiMachinery.Meta;

/// <summary>
/// kube-apiserver's syntax of label keys and values (k8s.io/apimachinery <c>validation.IsQualifiedName</c> and
/// <c>IsValidLabelValue</c>), with its texts: a key is an optional DNS-1123 subdomain prefix (at most 253 characters)
/// and <c>/</c>, then a name of at most 63 alphanumerics, <c>-</c>, <c>_</c>, <c>.</c> that starts and ends with an
/// alphanumeric; a value is empty or such a name. Pure functions.
/// </summary>
public static class LabelSyntax
{
    /// <summary>Longest label value and longest name part of a key.</summary>
    public const int MaxLength = 63;

    /// <summary>Longest prefix of a key (a DNS-1123 subdomain).</summary>
    public const int MaxPrefixLength = 253;

    public const string NameMessage = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with " +
        "an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is " +
        "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

    public const string ValueMessage = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', " +
        "and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for " +
        "validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

    public const string PrefixMessage = "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric " +
        "characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for " +
        "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

    public const string QualifiedMessage = "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start " +
        "and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is " +
        "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";

    /// <summary>What is wrong with <paramref name="key"/> as a label key, in kube's words (empty: nothing).</summary>
    public static IReadOnlyList<string> KeyProblems(string key)
    {
        var problems = new List<string>();
        var parts = key.Split('/');
        if (parts.Length > 2)
        {
            problems.Add(QualifiedMessage);
            return problems;
        }
        var name = parts[^1];
        var prefix = parts.Length == 2 ? parts[0] : null;
        if (prefix is not null)
        {
            if (prefix.Length == 0) problems.Add("prefix part must be non-empty");
            else
            {
                if (prefix.Length > MaxPrefixLength) problems.Add($"prefix part must be no more than {MaxPrefixLength} characters");
                if (!prefix.Split('.').All(IsDnsLabel)) problems.Add(PrefixMessage);
            }
        }
        if (name.Length == 0) problems.Add("name part must be non-empty");
        else if (name.Length > MaxLength) problems.Add($"name part must be no more than {MaxLength} characters");
        if (!IsName(name)) problems.Add(NameMessage);
        return problems;
    }

    /// <summary>What is wrong with <paramref name="value"/> as a label value, in kube's words (empty: nothing).</summary>
    public static IReadOnlyList<string> ValueProblems(string value)
    {
        var problems = new List<string>();
        if (value.Length > MaxLength) problems.Add($"must be no more than {MaxLength} characters");
        if (value.Length > 0 && !IsName(value)) problems.Add(ValueMessage);
        return problems;
    }

    /// <summary>Whether <paramref name="value"/> is a valid label value.</summary>
    public static bool IsValue(string value) => value.Length == 0 || (value.Length <= MaxLength && IsName(value));

    private static bool IsName(string text) =>
        text.Length > 0 && char.IsAsciiLetterOrDigit(text[0]) && char.IsAsciiLetterOrDigit(text[^1])
        && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    private static bool IsDnsLabel(string label) =>
        label.Length > 0 && IsLowerAlnum(label[0]) && IsLowerAlnum(label[^1]) && label.All(c => IsLowerAlnum(c) || c == '-');

    private static bool IsLowerAlnum(char c) => char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c);
}
