using System.Globalization;
using System.Text.RegularExpressions;

namespace EgenvardRegistry.Infrastructure;

public static partial class Instants
{
    /// <summary>
    /// An ISO-8601 instant with its zone designator, e.g. <c>2026-11-23T08:00:00Z</c> or <c>2026-11-23T09:00:00+01:00</c>;
    /// a bare local time is refused, because which instant it means would depend on the server's zone.
    /// </summary>
    public static bool TryParse(string? text, out DateTimeOffset instant)
    {
        instant = default;
        if (text is null || !Iso8601Instant().IsMatch(text)
            || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            return false;
        }
        instant = parsed.ToUniversalTime();
        return true;
    }

    public const string Example = "2026-11-23T08:00:00Z";

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex Iso8601Instant();
}
