using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Orkestra.Runtime.Observability;

public enum LogFormat { Text, Json }

/// <summary>
/// A small, AOT-safe logger provider: one line per event on a <see cref="TextWriter"/>, as text
/// (<c>2026-01-02T15:04:05.123Z INFO  orkestra.website[100] message</c>) or as JSON with the structured fields of the
/// source-generated log events (<c>{"time":…,"level":"info","logger":…,"event":100,"msg":…,"crd":…}</c>). Every JSON
/// key is lowerCamel, as controller-runtime's zap encoder writes them: a field takes its template placeholder's name
/// with the first letter lowered (<c>{DurationMs}</c> → <c>durationMs</c>, <c>{ReconcileID}</c> → <c>reconcileID</c>).
/// Lines are written whole under one lock, so concurrent workers never interleave. Thread-safe.
/// </summary>
public sealed class LineLoggerProvider(TextWriter output, LogFormat format, LogLevel minimum, TimeProvider? time = null) : ILoggerProvider
{
    private readonly object _gate = new();
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public ILogger CreateLogger(string categoryName) => new LineLogger(this, categoryName);

    public void Dispose()
    {
        lock (_gate) output.Flush();
    }

    private void Write(string category, LogLevel level, EventId id, string message, IReadOnlyList<KeyValuePair<string, object?>>? state,
        Exception? error)
    {
        var now = _time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        string line;
        if (format == LogFormat.Json)
        {
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                w.WriteString("time", now);
                w.WriteString("level", Name(level));
                w.WriteString("logger", category);
                if (id.Id != 0) w.WriteNumber("event", id.Id);
                w.WriteString("msg", message);
                foreach (var (field, value) in state ?? [])
                {
                    if (field == "{OriginalFormat}") continue;
                    var key = JsonKey(field);
                    switch (value)
                    {
                        case null: w.WriteNull(key); break;
                        case int or long or double or float or decimal:
                            w.WriteNumber(key, Convert.ToDouble(value, CultureInfo.InvariantCulture));
                            break;
                        case bool b: w.WriteBoolean(key, b); break;
                        default: w.WriteString(key, Convert.ToString(value, CultureInfo.InvariantCulture)); break;
                    }
                }
                if (error is not null) w.WriteString("exception", error.ToString());
                w.WriteEndObject();
            }
            line = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
        else
        {
            line = $"{now} {Name(level).ToUpperInvariant(),-5} {category}{(id.Id != 0 ? $"[{id.Id}]" : "")} {message}" +
                   (error is null ? "" : Environment.NewLine + error);
        }
        lock (_gate)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }

    /// <summary>lowerCamel: the placeholder's name with its first letter lowered.</summary>
    internal static string JsonKey(string field) =>
        field.Length == 0 || char.IsLower(field[0]) ? field : string.Create(field.Length, field, static (span, f) =>
        {
            f.AsSpan().CopyTo(span);
            span[0] = char.ToLowerInvariant(f[0]);
        });

    private static string Name(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "error",
        _ => "fatal",
    };

    /// <summary>Parses <c>--log-level</c>: trace, debug, info, warn(ing), error, critical (case-insensitive).</summary>
    public static bool TryParseLevel(string text, out LogLevel level)
    {
        level = text.ToLowerInvariant() switch
        {
            "trace" => LogLevel.Trace,
            "debug" => LogLevel.Debug,
            "info" or "information" => LogLevel.Information,
            "warn" or "warning" => LogLevel.Warning,
            "error" => LogLevel.Error,
            "critical" or "fatal" => LogLevel.Critical,
            _ => LogLevel.None,
        };
        return level != LogLevel.None;
    }

    private sealed class LineLogger(LineLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= provider.MinimumLevel;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var fields = state as IReadOnlyList<KeyValuePair<string, object?>>;
            provider.Write(category, logLevel, eventId, formatter(state, exception), fields, exception);
        }
    }

    private LogLevel MinimumLevel => minimum;
}
