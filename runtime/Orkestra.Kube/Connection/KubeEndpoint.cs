using System.Security.Cryptography.X509Certificates;

namespace Orkestra.Kube.Connection;

/// <summary>Everything the transport needs, resolved from a kubeconfig or the in-cluster service account.</summary>
internal sealed record KubeEndpoint(
    Uri Server,
    X509Certificate2Collection TrustedCertificates,
    X509Certificate2? ClientCertificate,
    ICredentialSource Credentials,
    string Namespace,
    bool SkipTlsVerify,
    string? TlsServerName,
    bool InCluster,
    string Source);
