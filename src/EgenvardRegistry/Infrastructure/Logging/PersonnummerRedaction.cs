using System.Collections;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EgenvardRegistry.Infrastructure.Logging;

/// <summary>
/// The last line of defence for "a personnummer never appears in a log line": every log line, at every level and from
/// every category, has anything shaped like a personnummer or samordningsnummer replaced by <see cref="Mark"/> before
/// any provider sees it — the message, each structured property, each scope and the exception's text. The registry's
/// own code logs ids, never personnummer; what this catches is what others write, above all ASP.NET Core's request
/// lines (at Information) and routing's unmatched paths (at Debug), which carry a URL a client may have put one in.
/// </summary>
/// <remarks>
/// Shaped like one: 6 or 8 digits of a possible date (day 01–31, or 61–91 for a samordningsnummer), then 4 digits,
/// with or without '-', '+' or an encoded '+' between — the check digit is not asked, so a mistyped one goes too. Not
/// inside a longer run of letters, digits or hyphens (the last group of a GUID, say), but right after an encoded
/// character of a URL (<c>%7C</c>). A ten-digit phone number that reads as a date goes too: better one too many.
/// </remarks>
public static partial class PersonnummerRedaction
{
    public const string Mark = "[personnummer]";

    [GeneratedRegex(@"(?:(?<=%[0-9A-Fa-f]{2})|(?<![0-9A-Za-z-]))(?:19|20)?\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]|6[1-9]|[78]\d|9[01])(?:[-+]|%2[Bb])?\d{4}(?![0-9A-Za-z])")]
    private static partial Regex Shape();

    public static string Redact(string text) => text.Length < 10 ? text : Shape().Replace(text, Mark);

    /// <summary>Puts the redaction in front of every logger provider, by wrapping the logger factory.</summary>
    public static IServiceCollection AddPersonnummerRedaction(this IServiceCollection services)
    {
        services.AddLogging();
        services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(provider => new RedactingLoggerFactory(new LoggerFactory(
            provider.GetServices<ILoggerProvider>(), provider.GetRequiredService<IOptionsMonitor<LoggerFilterOptions>>(),
            provider.GetService<IOptions<LoggerFactoryOptions>>(), provider.GetService<IExternalScopeProvider>()))));
        return services;
    }

    private sealed class RedactingLoggerFactory(ILoggerFactory inner) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) => new RedactingLogger(inner.CreateLogger(categoryName));

        public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

        public void Dispose() => inner.Dispose();
    }

    private sealed class RedactingLogger(ILogger inner) : ILogger
    {
        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull =>
            inner.BeginScope(RedactedState.Of(state, message: null));

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            if (!inner.IsEnabled(logLevel))
            {
                return;
            }
            var redacted = RedactedState.Of(state, Redact(formatter(state, exception)));
            inner.Log(logLevel, eventId, redacted, RedactedException.Of(exception), static (s, _) => s.ToString());
        }
    }

    /// <summary>
    /// A state's properties with their text redacted (values without a personnummer kept as they were), worked out when
    /// a provider first reads them: a request's scope is begun for every request, and most are never read.
    /// </summary>
    private sealed class RedactedState : IReadOnlyList<KeyValuePair<string, object?>>
    {
        private readonly object? _state;
        private string? _text;
        private List<KeyValuePair<string, object?>>? _properties;

        private RedactedState(object? state, string? text) => (_state, _text) = (state, text);

        public static RedactedState Of<TState>(TState state, string? message) => new(state, message);

        private List<KeyValuePair<string, object?>> Properties => _properties ??= Redacted(_state);

        private static List<KeyValuePair<string, object?>> Redacted(object? state)
        {
            var properties = new List<KeyValuePair<string, object?>>();
            if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                foreach (var (key, value) in pairs)
                {
                    properties.Add(new(key, key == "{OriginalFormat}" ? value : RedactValue(value)));
                }
            }
            return properties;
        }

        private static object? RedactValue(object? value)
        {
            if (value is null or bool or int or long or double or decimal or Guid or DateTime or DateTimeOffset or TimeSpan)
            {
                return value;
            }
            var text = value is IEnumerable sequence and not string
                ? string.Join(", ", sequence.Cast<object?>())
                : value.ToString() ?? "";
            var redacted = Redact(text);
            return redacted == text ? value : redacted;
        }

        public KeyValuePair<string, object?> this[int index] => Properties[index];

        public int Count => Properties.Count;

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => Properties.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => _text ??= Redact(_state?.ToString() ?? "");
    }

    /// <summary>An exception whose text held a personnummer, standing in for it with that text redacted.</summary>
    private sealed class RedactedException(string text) : Exception(text)
    {
        public static Exception? Of(Exception? exception)
        {
            if (exception is null)
            {
                return null;
            }
            var text = exception.ToString();
            var redacted = Redact(text);
            return redacted == text ? exception : new RedactedException(redacted);
        }

        public override string ToString() => Message;
    }
}
