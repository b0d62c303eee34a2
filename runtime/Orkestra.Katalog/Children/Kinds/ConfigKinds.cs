using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text;
using Orkestra.ApiMachinery.Kinds;
using Orkestra.Katalog.Syntax;
using static Orkestra.Katalog.Children.Coerce;

namespace Orkestra.Katalog.Children.Kinds;

/// <summary>configMaps → v1 ConfigMap. Default name &lt;cr&gt;-config; data values are text.</summary>
internal sealed class ConfigMapKind() : ChildKindBase("configMaps", BuiltInKinds.Get("", "ConfigMap"), "configmap", "configmaps", "config",
    new ChildField("data", FieldType.StringMap), new ChildField("annotations", FieldType.StringMap))
{
    protected override void BuildBody(JsonObject obj, JsonObject entry, ChildBuildContext context, string name) =>
        obj["data"] = StringMap(entry, "data") ?? new JsonObject();
}

/// <summary>
/// secrets → v1 Secret. Default name &lt;cr&gt;-secret, type Opaque; <c>data</c> values are plain text, stored
/// base64-encoded. <c>tls</c> generates a self-signed CA and server certificate (type kubernetes.io/tls with
/// tls.crt, tls.key, ca.crt). <c>once</c>/<c>rotateAfter</c> are honoured by the reconciler.
/// </summary>
internal sealed class SecretKind() : ChildKindBase("secrets", BuiltInKinds.Get("", "Secret"), "secret", "secrets", "secret",
    new ChildField("type", FieldType.String), new ChildField("data", FieldType.StringMap), new ChildField("annotations",
        FieldType.StringMap),
    new ChildField("tls", FieldType.Object))
{
    public const string GeneratedAt = "orkestra.orkspace.io/generated-at";

    protected override void BuildBody(JsonObject obj, JsonObject entry, ChildBuildContext context, string name)
    {
        if (Section(entry, "tls", "commonName", "dnsNames", "validFor") is { } tls)
        {
            obj["type"] = "kubernetes.io/tls";
            obj["data"] = Certificate(tls, name, context);
            return;
        }
        obj["type"] = Text(entry, "type") ?? "Opaque";
        var data = new JsonObject();
        foreach (var (key, value) in StringMap(entry, "data") ?? new JsonObject())
            data[key] = Convert.ToBase64String(Encoding.UTF8.GetBytes((string?)value ?? ""));
        obj["data"] = data;
    }

    /// <summary>A <c>tls:</c> secret without a name is called orkestra-tls (Orkestra's default).</summary>
    protected override string DefaultNameFor(JsonObject entry, string ownerName) => entry["tls"] is not null ? "orkestra-tls"
        : DefaultName(ownerName);

    private static JsonObject Certificate(JsonObject tls, string name, ChildBuildContext context)
    {
        var commonName = Text(tls["commonName"], "tls.commonName") is { Length: > 0 } cn ? cn : name;
        var validFor = TimeSpan.FromDays(365);
        if (Text(tls["validFor"], "tls.validFor") is { Length: > 0 } text
            && (!Durations.TryParse(text, true, out validFor, out _) || validFor <= TimeSpan.Zero))
            throw new ChildBuildException("tls.validFor", $"tls.validFor: \"{text}\" is not a duration like 90d, 12w, 1y or 8760h");
        var now = context.Time.GetUtcNow();
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN={commonName} CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now + validFor);

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        var dnsNames = StringList(tls["dnsNames"], "tls.dnsNames")?.Select(n => (string?)n ?? "").Where(n => n.Length > 0).ToList() ?? [];
        if (dnsNames.Count == 0) dnsNames.Add(commonName);
        foreach (var dns in dnsNames) san.AddDnsName(dns);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var serial = new byte[16];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7F;
        using var cert = request.Create(ca, now.AddMinutes(-5), now + validFor, serial);

        static string B64(string pem) => Convert.ToBase64String(Encoding.ASCII.GetBytes(pem));
        return new JsonObject
        {
            ["tls.crt"] = B64(cert.ExportCertificatePem()),
            ["tls.key"] = B64(key.ExportPkcs8PrivateKeyPem()),
            ["ca.crt"] = B64(ca.ExportCertificatePem()),
        };
    }
}

/// <summary>serviceAccounts → v1 ServiceAccount. Default name &lt;cr&gt;-sa.</summary>
internal sealed class ServiceAccountKind() : ChildKindBase("serviceAccounts", BuiltInKinds.Get("", "ServiceAccount"),
    "serviceaccount", "serviceaccounts", "sa")
{
    protected override void BuildBody(JsonObject obj, JsonObject entry, ChildBuildContext context, string name) { }
}

/// <summary>persistentVolumeClaims → v1 PersistentVolumeClaim. name and storage required; accessModes default [ReadWriteOnce].</summary>
internal sealed class PersistentVolumeClaimKind() : ChildKindBase("persistentVolumeClaims", BuiltInKinds.Get("", "PersistentVolumeClaim"),
    "pvc", "persistentvolumeclaims", "pvc",
    new ChildField("storageClassName", FieldType.String), new ChildField("accessModes", FieldType.StringList),
    new ChildField("storage", FieldType.String, Required: true), new ChildField("volumeMode", FieldType.String),
        new ChildField("volumeName", FieldType.String))
{
    protected override void BuildBody(JsonObject obj, JsonObject entry, ChildBuildContext context, string name)
    {
        var storage = Text(entry, "storage");
        if (string.IsNullOrWhiteSpace(storage)) throw new ChildBuildException("storage", "storage: required (e.g. 10Gi)");
        var mode = Text(entry, "volumeMode") ?? "Filesystem";
        if (mode is not ("Filesystem" or "Block")) throw new ChildBuildException("volumeMode",
            $"volumeMode: \"{mode}\" is not Filesystem or Block");
        var spec = new JsonObject
        {
            ["accessModes"] = StringList(entry, "accessModes") ?? new JsonArray("ReadWriteOnce"),
            ["resources"] = new JsonObject { ["requests"] = new JsonObject { ["storage"] = storage } },
            ["volumeMode"] = mode,
        };
        Put(spec, "storageClassName", Text(entry, "storageClassName") is { Length: > 0 } sc ? sc : null);
        Put(spec, "volumeName", Text(entry, "volumeName"));
        obj["spec"] = spec;
    }
}
