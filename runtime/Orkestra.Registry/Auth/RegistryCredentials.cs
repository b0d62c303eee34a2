using System.Text;
using System.Text.Json;
using Orkestra.Registry.Artifacts;

namespace Orkestra.Registry.Auth;

/// <summary>A user name and password (or token) for one registry, and where they came from (for messages).</summary>
public sealed record RegistryCredential(string Username, string Password, string Origin)
{
    public string BasicHeaderValue => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Username}:{Password}"));
}

/// <summary>
/// Finds the credentials for a registry host: <c>ORK_REGISTRY_USERNAME</c>/<c>ORK_REGISTRY_PASSWORD</c> first, then the
/// <c>auths.&lt;host&gt;</c> entry of <c>$DOCKER_CONFIG/config.json</c> (default <c>~/.docker/config.json</c>), whose
/// <c>auth</c> is base64 of <c>user:password</c>. None found means anonymous. The environment is passed in
/// (a lookup function), so tests need not change the process's. Reads one small file; thread-safe.
/// </summary>
public static class RegistryCredentials
{
    public const string UsernameVariable = "ORK_REGISTRY_USERNAME";
    public const string PasswordVariable = "ORK_REGISTRY_PASSWORD";
    private const int MaxConfigBytes = 1 << 20;

    /// <exception cref="FormatException">the Docker config exists but cannot be read; the message names the file.</exception>
    public static RegistryCredential? Find(string registry, Func<string, string?> environment)
    {
        var user = environment(UsernameVariable);
        var password = environment(PasswordVariable);
        if (!string.IsNullOrEmpty(user) && password is not null)
            return new RegistryCredential(user, password, $"{UsernameVariable}/{PasswordVariable}");
        var path = DockerConfigPath(environment);
        if (path is null || !File.Exists(path)) return null;
        return FromDockerConfig(path, registry);
    }

    private static string? DockerConfigPath(Func<string, string?> environment)
    {
        var dir = environment("DOCKER_CONFIG");
        if (!string.IsNullOrEmpty(dir)) return Path.Combine(dir, "config.json");
        var home = environment("HOME");
        return string.IsNullOrEmpty(home) ? null : Path.Combine(home, ".docker", "config.json");
    }

    private static RegistryCredential? FromDockerConfig(string path, string registry)
    {
        DockerConfig? config;
        try
        {
            var info = new FileInfo(path);
            if (info.Length > MaxConfigBytes) throw new FormatException($"{path}: larger than {MaxConfigBytes} bytes");
            config = JsonSerializer.Deserialize(File.ReadAllBytes(path), RegistryJson.Default.DockerConfig);
        }
        catch (JsonException e)
        {
            throw new FormatException($"{path}: not valid JSON ({e.Message})", e);
        }
        if (config?.Auths is null) return null;
        foreach (var (key, entry) in config.Auths)
        {
            if (!SameHost(key, registry)) continue;
            if (!string.IsNullOrEmpty(entry.Auth))
            {
                string decoded;
                try
                {
                    decoded = Encoding.UTF8.GetString(Convert.FromBase64String(entry.Auth));
                }
                catch (FormatException e)
                {
                    throw new FormatException($"{path}: auths.{key}.auth is not base64", e);
                }
                var colon = decoded.IndexOf(':');
                if (colon <= 0) throw new FormatException($"{path}: auths.{key}.auth does not decode to user:password");
                return new RegistryCredential(decoded[..colon], decoded[(colon + 1)..], $"{path} (auths.{key})");
            }
            if (!string.IsNullOrEmpty(entry.Username) && entry.Password is not null)
                return new RegistryCredential(entry.Username, entry.Password, $"{path} (auths.{key})");
        }
        return null;
    }

    /// <summary>Docker writes keys as <c>host</c>, <c>https://host</c> or <c>https://host/v1/</c>.</summary>
    private static bool SameHost(string key, string registry)
    {
        var host = key;
        var scheme = host.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0) host = host[(scheme + 3)..];
        var slash = host.IndexOf('/');
        if (slash >= 0) host = host[..slash];
        return string.Equals(host, registry, StringComparison.OrdinalIgnoreCase);
    }
}
