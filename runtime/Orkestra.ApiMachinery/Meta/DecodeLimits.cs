using System.Text.Json;

namespace Orkestra.ApiMachinery.Meta;

/// <summary>
/// How deep and how large an object may be, as kube-apiserver decides it. Every reader of Kubernetes objects (the
/// Kube client and informers, the sandbox's request bodies, the webhook listener) parses with these options, so an
/// object the API server accepted is never refused by ork's own decoder.
/// </summary>
public static class DecodeLimits
{
    /// <summary>
    /// Nesting levels of a JSON or YAML document. kube-apiserver decodes JSON with Go's <c>encoding/json</c> scanner
    /// (through <c>sigs.k8s.io/json</c>), which stops at <c>maxNestingDepth = 10000</c> ("exceeded max depth"); its YAML
    /// decoder (go-yaml) refuses more than 10,000 flow or indentation levels ("exceeded max depth of 10000").
    /// System.Text.Json's default is 64.
    /// </summary>
    public const int MaxDepth = 10_000;

    /// <summary>The largest request body kube-apiserver reads: 3 MiB (<c>--max-request-bytes</c>' default,
    /// <c>DefaultMaxRequestSizeBytes</c> in k8s.io/apiserver).</summary>
    public const int MaxRequestBytes = 3 * 1024 * 1024;

    /// <summary>Levels an answer may add to an object accepted at <see cref="MaxDepth"/>: its envelope (a list's
    /// <c>items</c>, a watch event, an AdmissionReview's <c>request.object</c>) and the copy of its structure in
    /// <c>metadata.managedFields[].fieldsV1</c>, four levels below the object's root.</summary>
    public const int Envelope = 16;

    /// <summary>Nesting a reader of answers and a writer allow: <see cref="MaxDepth"/> plus <see cref="Envelope"/>.</summary>
    public const int MaxAnswerDepth = MaxDepth + Envelope;

    /// <summary>Parse options of a whole answer (an object, a list, an event) of the API server.</summary>
    public static readonly JsonDocumentOptions Document = new() { MaxDepth = MaxAnswerDepth };

    /// <summary>Reader options of an answer of the API server.</summary>
    public static readonly JsonReaderOptions Reader = new() { MaxDepth = MaxAnswerDepth };

    /// <summary>Writer options that can write back anything read with <see cref="Document"/> (the writer's default
    /// stops at 1,000).</summary>
    public static readonly JsonWriterOptions Writer = new() { MaxDepth = MaxAnswerDepth };
}
