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

    public IReadOnlyList<Diagnostic> Items => _items;
    public bool HasErrors => _items.Exists(d => d.Severity == DiagnosticSeverity.Error);

    public void Add(Diagnostic diagnostic) => _items.Add(diagnostic);
    public void Error(SourceLocation at, string message) => _items.Add(Diagnostic.Error(at, message));
    public void Warning(SourceLocation at, string message) => _items.Add(Diagnostic.Warning(at, message));
    public void AddRange(IEnumerable<Diagnostic> diagnostics) => _items.AddRange(diagnostics);

    /// <summary>Diagnostics in file, line, column order (stable for equal positions).</summary>
    public IReadOnlyList<Diagnostic> Sorted() =>
        _items.OrderBy(d => d.Location.File, StringComparer.Ordinal)
              .ThenBy(d => d.Location.Line).ThenBy(d => d.Location.Column).ToArray();
}
