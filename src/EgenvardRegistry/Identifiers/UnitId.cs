using System.Buffers;

namespace EgenvardRegistry.Identifiers;

/// <summary>
/// A unit a certificate can be shared with, in one of two forms of eight characters:
/// <list type="bullet">
/// <item>a school unit's <b>skolenhetskod</b>, eight digits from Skolverket's register (<see cref="SchoolUnitCode"/>);</item>
/// <item>a <b>preschool id</b> of the registry's own, since förskolor are not in that register: <c>F</c>, the
/// four-digit municipality code (kommunkod, county 01–25) of the municipality that gives it out, and a three-character
/// serial of digits or capital letters that the municipality numbers itself (<c>F1980001</c>).</item>
/// </list>
/// The letter keeps the two from ever colliding, whatever Skolverket assigns next; eight characters keep every unit
/// column of the schema (all <c>length = 8</c>) as it is; and the municipality code lets each municipality give out ids
/// without asking anyone, with room for 46,655 preschools each (001–999 first, then letters).
/// </summary>
public readonly record struct UnitId
{
    public const int Length = 8;
    public const char PreschoolPrefix = 'F';

    private static readonly SearchValues<char> Digits = SearchValues.Create("0123456789");
    private static readonly SearchValues<char> SerialCharacters = SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ");

    private UnitId(string value) => Value = value;

    /// <summary>The canonical form: eight digits, or <c>F</c> and seven characters in capitals.</summary>
    public string Value { get; }

    public bool IsPreschool => Value[0] == PreschoolPrefix;

    /// <summary>
    /// Reads a skolenhetskod or a preschool id; surrounding white space is ignored and a lower-case <c>f</c> or serial
    /// letter is read as a capital.
    /// </summary>
    public static bool TryParse(string? input, out UnitId unit)
    {
        unit = default;
        var text = input?.Trim().ToUpperInvariant();
        if (text is null || !(SchoolUnitCode.IsValid(text) || IsPreschoolId(text)))
        {
            return false;
        }
        unit = new UnitId(text);
        return true;
    }

    /// <summary>True for an id already in its canonical form (as stored and as tokens carry it after normalising).</summary>
    public static bool IsValid(string? value) => TryParse(value, out var unit) && unit.Value == value;

    public override string ToString() => Value;

    private static bool IsPreschoolId(string text) =>
        text.Length == Length
        && text[0] == PreschoolPrefix
        && !text.AsSpan(1, 4).ContainsAnyExcept(Digits)
        && (text[1] - '0') * 10 + (text[2] - '0') is >= 1 and <= 25
        && IsSerial(text.AsSpan(5));

    private static bool IsSerial(ReadOnlySpan<char> serial) =>
        !serial.ContainsAnyExcept(SerialCharacters) && serial is not "000";
}
