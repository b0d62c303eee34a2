using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Orkestra.ApiMachinery.Tls;

namespace Orkestra.Registry.Tests;

/// <summary>How a test registry authenticates.</summary>
public enum RegistryAuth
{
    Anonymous,
    /// <summary>htpasswd (Basic) with <see cref="RegistryServer.User"/>/<see cref="RegistryServer.Password"/>.</summary>
    Htpasswd,
    /// <summary>The token flow: a Bearer challenge whose realm is <see cref="TokenServer"/>.</summary>
    Token,
}

/// <summary>
/// A real CNCF distribution registry (Debian's <c>docker-registry</c>) on a random loopback port, with storage in a temp
/// folder, TLS from a throw-away CA (its PEM in <see cref="CaFile"/>, and as <c>ca.crt</c> in <see cref="CertDir"/> for
/// skopeo) and the chosen auth. Ready when <c>/v2/</c> answers (polled with a deadline). Stopped and deleted on dispose.
/// </summary>
public sealed class RegistryServer : IAsyncDisposable
{
    public const string User = "ork-user";
    public const string Password = "s3cret-pass";

    private readonly TempDirectory _dir = new("ork-registry-");
    private readonly TokenServer? _tokens;
    private Process? _process;
    private readonly StringBuilder _log = new();

    private RegistryServer(RegistryAuth auth, bool tls)
    {
        Auth = auth;
        Tls = tls;
        if (auth == RegistryAuth.Token) _tokens = new TokenServer(User, Password, "ork-test-registry");
    }

    public RegistryAuth Auth { get; }
    public TokenServer? Tokens => _tokens;
    public bool Tls { get; }
    public int Port { get; private set; }
    public string Host => $"127.0.0.1:{Port}";
    public string Storage => Path.Combine(_dir.Path, "data");
    /// <summary>Where the registry's filesystem driver keeps a blob (for the tests that corrupt one).</summary>
    public string StoredBlob(string digest)
    {
        var hex = digest["sha256:".Length..];
        return Path.Combine(Storage, "docker", "registry", "v2", "blobs", "sha256", hex[..2], hex, "data");
    }

    public string CertDir => Path.Combine(_dir.Path, "certs");
    public string CaFile => Path.Combine(CertDir, "ca.crt");
    private string ServerDir => Path.Combine(_dir.Path, "server");

    /// <summary>Why registry tests cannot run here, or null (the binaries are installed by .ci/run).</summary>
    public static string? MissingTool(bool needHtpasswd = false)
    {
        foreach (var tool in needHtpasswd ? new[] { "docker-registry", "skopeo", "htpasswd" } : ["docker-registry", "skopeo"])
            if (Which(tool) is null)
                return $"{tool} is not installed (apt-get install docker-registry skopeo apache2-utils; .ci/run installs them)";
        return null;
    }

    public static string? Which(string tool) =>
        (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);

    public static async Task<RegistryServer> StartAsync(RegistryAuth auth = RegistryAuth.Anonymous, bool tls = true)
    {
        var server = new RegistryServer(auth, tls);
        try
        {
            await server.StartCoreAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private async Task StartCoreAsync()
    {
        Directory.CreateDirectory(CertDir);
        Directory.CreateDirectory(ServerDir);
        var (ca, serving) = ServingCertificates.Issue("ork-test-ca", "127.0.0.1", ["localhost"], [IPAddress.Loopback], DateTimeOffset.UtcNow);
        File.WriteAllText(CaFile, ca.ExportCertificatePem());
        File.WriteAllText(Path.Combine(ServerDir, "server.crt"), serving.ExportCertificatePem());
        using (var key = serving.GetECDsaPrivateKey()!) File.WriteAllText(Path.Combine(ServerDir, "server.key"), key.ExportPkcs8PrivateKeyPem());
        var authConfig = "";
        if (Auth == RegistryAuth.Htpasswd)
        {
            var htpasswd = Path.Combine(_dir.Path, "htpasswd");
            var line = await RunAsync("htpasswd", ["-Bbn", User, Password]);
            File.WriteAllText(htpasswd, line.Stdout.Trim() + "\n");
            authConfig = $"auth:\n  htpasswd:\n    realm: ork-test\n    path: {htpasswd}\n";
        }
        else if (Auth == RegistryAuth.Token)
        {
            var bundle = Path.Combine(_dir.Path, "token-ca.pem");
            File.WriteAllText(bundle, _tokens!.SigningCertificatePem);
            authConfig = $"auth:\n  token:\n    realm: {_tokens.Realm}\n    service: {_tokens.Service}\n" +
                         $"    issuer: {TokenServer.Issuer}\n    rootcertbundle: {bundle}\n";
        }
        for (var attempt = 0; ; attempt++)
        {
            Port = FreePort();
            var config = Path.Combine(_dir.Path, "config.yml");
            var tlsConfig = Tls
                ? $"  tls:\n    certificate: {Path.Combine(ServerDir, "server.crt")}\n    key: {Path.Combine(ServerDir, "server.key")}\n"
                : "";
            File.WriteAllText(config, $"version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: {Storage}\n" +
                                      $"  delete:\n    enabled: true\nhttp:\n  addr: {Host}\n{tlsConfig}{authConfig}");
            _process = Process.Start(new ProcessStartInfo("docker-registry", ["serve", config])
            {
                RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
            })!;
            _process.ErrorDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
            _process.OutputDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
            _process.BeginErrorReadLine();
            _process.BeginOutputReadLine();
            try
            {
                await Bounded.UntilAsync(AnswersAsync, $"docker-registry answers /v2/ on {Host}", TimeSpan.FromSeconds(20), Log);
                return;
            }
            catch (TimeoutException) when (attempt < 2 && _process.HasExited)
            {
                // the port was taken between FreePort and the registry's bind: another port
            }
        }
    }

    public string Log()
    {
        lock (_log) return _log.ToString();
    }

    private async Task<bool> AnswersAsync()
    {
        if (_process!.HasExited) throw new TimeoutException($"docker-registry exited with {_process.ExitCode}:\n{Log()}");
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            using var response = await http.GetAsync($"{(Tls ? "https" : "http")}://{Host}/v2/");
            return response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Unauthorized;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>Stops the registry (the data stays until dispose): for the tests of an unreachable registry.</summary>
    public async Task StopAsync()
    {
        if (_process is null || _process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>The environment ork and skopeo see: the credentials (when the registry has auth) and a private cache.</summary>
    public Dictionary<string, string?> Environment(string cacheHome, bool credentials = true) => new()
    {
        ["XDG_CACHE_HOME"] = cacheHome,
        ["HOME"] = cacheHome,
        ["ORK_REGISTRY_CA_FILE"] = CaFile,
        ["ORK_REGISTRY_USERNAME"] = credentials && Auth != RegistryAuth.Anonymous ? User : null,
        ["ORK_REGISTRY_PASSWORD"] = credentials && Auth != RegistryAuth.Anonymous ? Password : null,
    };

    /// <summary>skopeo's flags for this registry as source or destination (<paramref name="side"/> "src"/"dest"/"").</summary>
    public string[] SkopeoFlags(string side)
    {
        var prefix = side.Length == 0 ? "--" : $"--{side}-";
        var flags = new List<string> { $"{prefix}cert-dir", CertDir };
        if (!Tls) flags.AddRange([$"{prefix}tls-verify=false"]);
        if (Auth != RegistryAuth.Anonymous) flags.AddRange([$"{prefix}creds", $"{User}:{Password}"]);
        return [.. flags];
    }

    public record Output(int ExitCode, string Stdout, string Stderr);

    /// <summary>Runs a tool to completion (bounded); a non-zero exit is returned, not thrown.</summary>
    public static async Task<Output> RunAsync(string tool, IEnumerable<string> args, TimeSpan? timeout = null)
    {
        using var process = Process.Start(new ProcessStartInfo(tool, args)
        {
            RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
        })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout ?? TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} {string.Join(' ', args)} did not finish");
        }
        return new Output(process.ExitCode, await stdout, await stderr);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process?.Dispose();
        _tokens?.Dispose();
        _dir.Dispose();
    }
}

/// <summary>
/// A minimal token service of the distribution token flow, for the Bearer tests: checks Basic credentials and issues an
/// ES256 JWT (x5c: its self-signed signing certificate, which the registry trusts via rootcertbundle) granting the scope
/// asked for. Counts the tokens it issued.
/// </summary>
public sealed class TokenServer : IDisposable
{
    public const string Issuer = "ork-test-issuer";

    private readonly HttpListener _listener = new();
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 _certificate;
    private readonly string _user;
    private readonly string _password;
    private int _issued;

    public TokenServer(string user, string password, string service)
    {
        _user = user;
        _password = password;
        Service = service;
        var request = new CertificateRequest("CN=ork-test-token-signer", _key, HashAlgorithmName.SHA256);
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        for (var attempt = 0; ; attempt++)
        {
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                Realm = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/token";
            }
            try
            {
                _listener.Prefixes.Clear();
                _listener.Prefixes.Add(Realm[..^"token".Length]);
                _listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 3)
            {
            }
        }
        _ = Task.Run(ServeAsync);
    }

    public string Realm { get; private set; } = "";
    public string Service { get; }
    public int Issued => Volatile.Read(ref _issued);
    public string SigningCertificatePem => _certificate.ExportCertificatePem();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            using var response = context.Response;
            var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_user}:{_password}"));
            if (context.Request.Headers["Authorization"] != expected)
            {
                response.StatusCode = 401;
                continue;
            }
            var scope = context.Request.QueryString["scope"] ?? "";
            var token = Jwt(scope, context.Request.QueryString["service"] ?? "");
            Interlocked.Increment(ref _issued);
            var body = Encoding.UTF8.GetBytes($"{{\"token\":\"{token}\",\"expires_in\":300}}");
            response.ContentType = "application/json";
            await response.OutputStream.WriteAsync(body);
        }
    }

    private string Jwt(string scope, string audience)
    {
        var access = "";
        var parts = scope.Split(':');
        if (parts.Length == 3)
        {
            var actions = string.Join(',', parts[2].Split(',').Select(a => $"\"{a}\""));
            access = $"{{\"type\":\"{parts[0]}\",\"name\":\"{parts[1]}\",\"actions\":[{actions}]}}";
        }
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = $"{{\"typ\":\"JWT\",\"alg\":\"ES256\",\"x5c\":[\"{Convert.ToBase64String(_certificate.RawData)}\"]}}";
        var claims = $"{{\"iss\":\"{Issuer}\",\"sub\":\"{_user}\",\"aud\":\"{audience}\",\"exp\":{now + 300},\"nbf\":{now - 60}," +
                     $"\"iat\":{now},\"jti\":\"{Guid.NewGuid():N}\",\"access\":[{access}]}}";
        var signingInput = $"{Base64Url(Encoding.UTF8.GetBytes(header))}.{Base64Url(Encoding.UTF8.GetBytes(claims))}";
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256);
        return $"{signingInput}.{Base64Url(signature)}";
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public void Dispose()
    {
        _listener.Close();
        _key.Dispose();
        _certificate.Dispose();
    }
}
