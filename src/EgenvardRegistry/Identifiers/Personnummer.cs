using System.Globalization;
using EgenvardRegistry.Infrastructure;

namespace EgenvardRegistry.Identifiers;

/// <summary>
/// Swedish personnummer and samordningsnummer. The date part is validated as a date but must not be
/// used as one: samordningsnummer shift the day by 60, and the date need not be the actual birth date.
/// </summary>
public static class Personnummer
{
    private const int EarliestYear = 1850;
    private const int SamordningsDayOffset = 60;

    public static readonly ErrorCode Invalid = new("personnummer.invalid", "Not a valid personnummer or samordningsnummer.");

    /// <summary>
    /// The 12-digit form of <paramref name="input"/>, or null after reporting <see cref="Invalid"/> on
    /// <paramref name="field"/>; the error never carries the value.
    /// </summary>
    public static string? Normalize(string? input, DateOnly today, ValidationErrors errors, string field)
    {
        if (TryNormalize(input, today, out var normalized))
        {
            return normalized;
        }
        errors.Add(field, Invalid);
        return null;
    }

    /// <summary>
    /// Accepts YYYYMMDDNNNC, YYYYMMDD-NNNC, YYYYMMDD+NNNC, YYMMDDNNNC, YYMMDD-NNNC and YYMMDD+NNNC
    /// (surrounding whitespace ignored) and returns the 12-digit form YYYYMMDDNNNC.
    /// </summary>
    public static bool TryNormalize(string? input, DateOnly today, out string normalized)
    {
        normalized = "";
        if (input is null || !TrySplit(input.Trim(), out var digits, out var separator))
        {
            return false;
        }

        var month = TwoDigits(digits, digits.Length - 8);
        var day = DayOfMonth(TwoDigits(digits, digits.Length - 6));
        var year = digits.Length == 12
            ? TwoDigits(digits, 0) * 100 + TwoDigits(digits, 2)
            : ResolveYear(TwoDigits(digits, 0), month, day, today, centenarian: separator == '+');

        if (!IsRealDateNotAfter(year, month, day, today) || !HasValidCheckDigit(digits.AsSpan(digits.Length - 10)))
        {
            return false;
        }

        normalized = string.Concat(year.ToString("D4", CultureInfo.InvariantCulture), digits.AsSpan(digits.Length - 8));
        return true;
    }

    /// <summary>True when the day part of a normalized number is 61–91.</summary>
    public static bool IsSamordningsnummer(string normalized)
    {
        EnsureNormalized(normalized);
        return IsSamordningsDay(TwoDigits(normalized, 6));
    }

    /// <summary>
    /// The date the number encodes (a samordningsnummer's day less 60): the birth date as the population register has it,
    /// which is what a paper shows to identify the child without the whole number.
    /// </summary>
    public static DateOnly BirthDate(string normalized)
    {
        EnsureNormalized(normalized);
        return new DateOnly(TwoDigits(normalized, 0) * 100 + TwoDigits(normalized, 2), TwoDigits(normalized, 4),
            DayOfMonth(TwoDigits(normalized, 6)));
    }

    /// <summary>Hides the birth number and check digit, e.g. <c>20150312-****</c>.</summary>
    public static string Mask(string normalized)
    {
        EnsureNormalized(normalized);
        return string.Concat(normalized.AsSpan(0, 8), "-****");
    }

    private static bool TrySplit(string text, out string digits, out char separator)
    {
        digits = text;
        separator = '\0';
        if (text.Length is 11 or 13)
        {
            // In both lengths the separator sits right before the last four digits (NNNC).
            separator = text[^5];
            if (separator is not ('-' or '+'))
            {
                return false;
            }

            digits = string.Concat(text.AsSpan(0, text.Length - 5), text.AsSpan(text.Length - 4));
        }

        return digits.Length is 10 or 12 && digits.All(char.IsAsciiDigit);
    }

    // The latest year ending in yy whose birthday is not after today; "+" marks someone aged 100 or more.
    private static int ResolveYear(int yy, int month, int day, DateOnly today, bool centenarian)
    {
        var year = today.Year - (today.Year - yy + 100) % 100;
        if (year == today.Year && (month > today.Month || (month == today.Month && day > today.Day)))
        {
            year -= 100;
        }

        return centenarian ? year - 100 : year;
    }

    private static bool IsRealDateNotAfter(int year, int month, int day, DateOnly today) =>
        year >= EarliestYear
        && month is >= 1 and <= 12
        && day >= 1
        && day <= DateTime.DaysInMonth(year, month)
        && new DateOnly(year, month, day) <= today;

    private static bool HasValidCheckDigit(ReadOnlySpan<char> tenDigits)
    {
        var sum = 0;
        for (var i = 0; i < 9; i++)
        {
            var product = (tenDigits[i] - '0') * (i % 2 == 0 ? 2 : 1);
            sum += product / 10 + product % 10;
        }

        return (10 - sum % 10) % 10 == tenDigits[9] - '0';
    }

    private static bool IsSamordningsDay(int dayPart) => dayPart is >= 61 and <= 91;

    private static int DayOfMonth(int dayPart) => IsSamordningsDay(dayPart) ? dayPart - SamordningsDayOffset : dayPart;

    private static int TwoDigits(string digits, int start) => (digits[start] - '0') * 10 + (digits[start + 1] - '0');

    private static void EnsureNormalized(string normalized)
    {
        ArgumentNullException.ThrowIfNull(normalized);
        if (normalized.Length != 12 || !normalized.All(char.IsAsciiDigit))
        {
            throw new ArgumentException("Expected a normalized 12-digit number (YYYYMMDDNNNC).", nameof(normalized));
        }
    }
}
