using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Orkestra.ApiMachinery.Meta;
using Orkestra.Sandbox.Api;

namespace Orkestra.Sandbox.Resources;

/// <summary>Object name rules: generateName suffixes and DNS-1123 validation with kube's messages.</summary>
internal static partial class Names
{
    private const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";

    /// <summary>prefix (cut to 58 chars) + 5 random characters from kube's alphabet (APISERVER names/generate.go).</summary>
    public static string Generate(string prefix)
    {
        if (prefix.Length > 58) prefix = prefix[..58];
        Span<char> suffix = stackalloc char[5];
        for (var i = 0; i < suffix.Length; i++) suffix[i] = Alphabet[Random.Shared.Next(Alphabet.Length)];
        return prefix + new string(suffix);
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Subdomain();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Label();

    /// <summary>kube's text for a name that is not a DNS-1123 subdomain.</summary>
    public const string SubdomainMessage = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or " +
        "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is " +
        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

    /// <summary>A DNS-1123 subdomain of at most 253 characters (IsDNS1123Subdomain).</summary>
    public static bool IsSubdomain(string name) => name.Length <= 253 && Subdomain().IsMatch(name);

    public static void Validate(ResourceType type, string name)
    {
        var isNamespace = type.Resource == "namespaces" && type.Group.Length == 0;
        string? problem = null;
        if (isNamespace)
        {
            if (name.Length > 63) problem = "must be no more than 63 characters";
            else if (!Label().IsMatch(name))
                problem = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end " +
                    "with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is " +
                    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
        }
        else if (type.Group == "rbac.authorization.k8s.io")
        {
            if (name.Contains('/') || name.Contains('%') || name is "." or "..") problem = "may not contain '/' or '%'";
        }
        else if (name.Length > 253)
        {
            problem = "must be no more than 253 characters";
        }
        else if (!Subdomain().IsMatch(name))
        {
            problem = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start " +
                "and end with an alphanumeric character (e.g. 'example.com', regex used for validation is " +
                "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
        }
        if (problem is not null) throw ApiError.Invalid(type, name, Cause.InvalidValue("metadata.name", $"\"{name}\"", problem));
    }

    /// <summary>Label keys and values as kube-apiserver checks them on every create and update (<see cref="LabelSyntax"/>):
    /// 422 with one <c>metadata.labels</c> cause per problem, in kube's words.</summary>
    public static void ValidateLabels(ResourceType type, string name, JsonObject metadata)
    {
        if (metadata["labels"] is not JsonObject labels) return;
        var causes = new List<Cause>();
        foreach (var (key, value) in labels)
        {
            foreach (var problem in LabelSyntax.KeyProblems(key)) causes.Add(Cause.InvalidValue("metadata.labels", $"\"{key}\"", problem));
            if (value is JsonValue v && v.TryGetValue<string>(out var text))
            {
                foreach (var problem in LabelSyntax.ValueProblems(text))
                    causes.Add(Cause.InvalidValue("metadata.labels", $"\"{text}\"", problem));
            }
        }
        if (causes.Count > 0) throw ApiError.Invalid(type, name, [.. causes]);
    }
}
