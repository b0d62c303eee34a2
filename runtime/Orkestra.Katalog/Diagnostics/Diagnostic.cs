using Orkestra.ApiMachinery.Yaml;

namespace Orkestra.Katalog.Diagnostics;

/// <summary>A position in a user's file: 1-based line and column.</summary>
public readonly record struct SourceLocation(string File, int Line, int Column)
{
    public static SourceLocation None(string file) => new(file, 0, 0);
    public override string ToString() => $"{File}:{Line}:{Column}";
}

public enum DiagnosticSeverity { Error, Warning }

/// <summary>
/// One problem found in user input, in the user's terms: where (file:line:col), what, and the user's own
/// text where that helps (never our compiled form). Printed as <c>FILE:LINE:COL: error: MESSAGE</c>; control characters
/// that came from the input are escaped (<see cref="ControlText"/>), so a message is one printable line.
/// </summary>
public sealed record Diagnostic(SourceLocation Location, DiagnosticSeverity Severity, string Message)
{
    public string Message { get; init; } = ControlText.Escape(Message);

    public static Diagnostic Error(SourceLocation at, string message) => new(at, DiagnosticSeverity.Error, message);
    public static Diagnostic Warning(SourceLocation at, string message) => new(at, DiagnosticSeverity.Warning, message);

    public override string ToString() =>
        $"{Location.File}:{Location.Line}:{Location.Column}: {(Severity == DiagnosticSeverity.Error ? "error" : "warning")}: {Message}";
}

/// <summary>Collects diagnostics from every validator; nothing stops at the first error. Per load, not thread-safe.</summary>
public sealed class DiagnosticBag
{
    private readonly List<Diagnostic> _items = [];
    private readonly Dictionary<string, string> _origins = new(StringComparer.Ordinal);

    public IReadOnlyList<Diagnostic> Items => _items;
    public bool HasErrors => _items.Exists(d => d.Severity == DiagnosticSeverity.Error);

    public void Add(Diagnostic diagnostic) => _items.Add(diagnostic);
    public void Error(SourceLocation at, string message) => _items.Add(Diagnostic.Error(at, message));
    public void Warning(SourceLocation at, string message) => _items.Add(Diagnostic.Warning(at, message));
    public void AddRange(IEnumerable<Diagnostic> diagnostics) => _items.AddRange(diagnostics);

    /// <summary>Says where a file came from (a Komposer import): every diagnostic located in <paramref name="file"/> keeps
    /// its own location and gets <paramref name="origin"/> in front of its message (<see cref="Sorted"/>).</summary>
    public void Attribute(string file, string origin) => _origins[file] = origin;

    /// <summary>Every origin given to <see cref="Attribute"/>, to carry over to a later stage's bag.</summary>
    public IReadOnlyDictionary<string, string> Origins => _origins;

    /// <summary>Diagnostics in file, line, column order (stable for equal positions), attributed to their origin.</summary>
    public IReadOnlyList<Diagnostic> Sorted() =>
        _items.Select(Attributed).OrderBy(d => d.Location.File, StringComparer.Ordinal)
              .ThenBy(d => d.Location.Line).ThenBy(d => d.Location.Column).ToArray();

    private Diagnostic Attributed(Diagnostic d) =>
        _origins.TryGetValue(d.Location.File, out var origin) && !d.Message.StartsWith(origin + ": ", StringComparison.Ordinal)
            ? d with { Message = $"{origin}: {d.Message}" }
            : d;
}
