namespace Orkestra.Runtime.Webhooks;

/// <summary>
/// How <c>ork run</c> serves and registers the Katalogs' webhooks, resolved once from flags and the environment
/// (Orkestra's webhook variables and flags). Immutable.
/// </summary>
public sealed record WebhookOptions
{
    public const int DefaultPort = 9443;

    /// <summary>HTTPS port of the webhook listener (<c>--webhook-port</c>; 0 = any free port).</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary><c>ENABLE_ADMISSION_WEBHOOK=true</c>: admission webhooks for every Katalog, as
    /// <c>security.webhooks.admission.enabled</c> does for one.</summary>
    public bool EnableAdmission { get; init; }

    /// <summary><c>ENABLE_CONVERSION=true</c>: conversion for every Katalog, as <c>security.conversion.enabled</c> does for one.</summary>
    public bool EnableConversion { get; init; }

    /// <summary><c>TLS_CERT</c> / <c>TLS_KEY</c>: PEM files of the serving certificate; both or neither. Without them a CA and a
    /// serving certificate are generated in memory at start.</summary>
    public string? CertificateFile { get; init; }

    public string? KeyFile { get; init; }

    /// <summary><c>ORK_SERVICE_NAME</c> (default <c>orkestra</c>): the Service in front of ork inside a cluster, used when
    /// the Katalog names none (<c>security.webhooks.serviceName</c>, <c>security.serviceName</c>).</summary>
    public string ServiceName { get; init; } = "orkestra";

    /// <summary><c>ORK_NAMESPACE</c> / <c>NAMESPACE</c>: the runtime's namespace (default: the connection's).</summary>
    public string? Namespace { get; init; }

    /// <summary><c>--webhook-url</c>: the base URL the API server reaches this process at (overrides the Service inside a
    /// cluster and loopback outside).</summary>
    public Uri? AdvertisedUrl { get; init; }

    /// <summary>Reads the environment switches; invalid values are reported.</summary>
    public static WebhookOptions FromEnvironment(Func<string, string?> env, out IReadOnlyList<string> errors)
    {
        var problems = new List<string>();
        bool Switch(string name)
        {
            var text = env(name);
            if (string.IsNullOrEmpty(text)) return false;
            if (bool.TryParse(text, out var on)) return on;
            problems.Add($"{name} must be true or false, got \"{text}\"");
            return false;
        }
        var options = new WebhookOptions
        {
            EnableAdmission = Switch("ENABLE_ADMISSION_WEBHOOK"),
            EnableConversion = Switch("ENABLE_CONVERSION"),
            CertificateFile = env("TLS_CERT") is { Length: > 0 } cert ? cert : null,
            KeyFile = env("TLS_KEY") is { Length: > 0 } key ? key : null,
            ServiceName = env("ORK_SERVICE_NAME") is { Length: > 0 } service ? service : "orkestra",
            Namespace = env("ORK_NAMESPACE") is { Length: > 0 } ns ? ns : env("NAMESPACE") is { Length: > 0 } ns2 ? ns2 : null,
        };
        if ((options.CertificateFile is null) != (options.KeyFile is null)) problems.Add("TLS_CERT and TLS_KEY must be given together");
        errors = problems;
        return options;
    }
}
