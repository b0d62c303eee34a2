namespace Orkestra.Sandbox.Tests.Support;

/// <summary>Manifests several kubectl suites share.</summary>
internal static class Manifests
{
    /// <summary>Deployment "web": 2 replicas of nginx:1.27 in container "web".</summary>
    public const string Deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 2
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: web
                image: nginx:1.27
        """;
}
