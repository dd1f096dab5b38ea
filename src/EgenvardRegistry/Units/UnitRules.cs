using System.Globalization;
using System.Text;
using EgenvardRegistry.Identifiers;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Mail;

namespace EgenvardRegistry.Units;

/// <summary>What <see cref="UnitRules"/> can find wrong with a unit id, a directory search or an import file.</summary>
public static class UnitErrors
{
    public static readonly ErrorCode UnitRequired = new("unit.required", "Required: the unit's id (a skolenhetskod or a preschool id).");
    public static readonly ErrorCode NotAUnitId = new("unit.invalid",
        "Not a unit id: a skolenhetskod (8 digits) or a preschool id (F, the 4-digit municipality code and 3 digits or capital letters).");
    public static readonly ErrorCode NotInDirectory = new("unit.unknown", "No unit with this id in the unit directory.");

    /// <summary>A page's unit picker found nothing by the name typed.</summary>
    public static readonly ErrorCode NoUnitByThatName = new("unit.name.not-found", "No unit in the directory has this name.");

    /// <summary>A page's unit picker found several units, or only partial matches; the person picks one.</summary>
    public static readonly ErrorCode PickOne = new("unit.name.pick-one", "Pick the unit you mean among the matches.");

    /// <summary>Argument: the longest query allowed.</summary>
    public static readonly ErrorCode QueryTooLong = new("units.query.too-long", "At most {0} characters.");

    /// <summary>Argument: the largest limit allowed.</summary>
    public static readonly ErrorCode LimitOutOfRange = new("units.limit.out-of-range", "An integer between 1 and {0}.");

    public static readonly ErrorCode FileEmpty = new("units.file.empty", "The file is empty: it needs a header line and a line per unit.");
    public static readonly ErrorCode FileHasNoUnits = new("units.file.no-units", "The file has a header line but no units.");

    /// <summary>Argument: the most units one file may hold.</summary>
    public static readonly ErrorCode FileTooLong = new("units.file.too-many-units", "At most {0} units in one file.");

    /// <summary>Argument: how many errors are shown.</summary>
    public static readonly ErrorCode MoreErrors = new("units.file.more-errors", "The first {0} errors are shown; there are more.");

    /// <summary>Argument: the column's name.</summary>
    public static readonly ErrorCode ColumnMissing = new("units.header.column-missing", "The header lacks the column {0}.");

    /// <summary>Argument: the column's name as written.</summary>
    public static readonly ErrorCode ColumnUnknown = new("units.header.column-unknown",
        "Unknown column '{0}'; the columns are id, name, kind, municipality, organiser and (optional) contactEmail.");

    /// <summary>Argument: the column's name.</summary>
    public static readonly ErrorCode ColumnTwice = new("units.header.column-twice", "The column {0} appears twice.");

    public static readonly ErrorCode NotUtf8 = new("units.line.not-utf8", "Not UTF-8 text.");
    public static readonly ErrorCode QuoteMisplaced = new("units.line.quote",
        "A quoted value is not closed on its line, or text follows its closing quote.");

    /// <summary>Arguments: how many values the header names, and how many the line has.</summary>
    public static readonly ErrorCode WrongValueCount = new("units.line.value-count", "Expected {0} values, as the header names, found {1}.");

    /// <summary>Argument: the line that has the id first.</summary>
    public static readonly ErrorCode IdTwice = new("units.line.id-twice", "The same id as on line {0}.");

    public static readonly ErrorCode ValueRequired = new("units.value.required", "Required.");

    /// <summary>Argument: the longest value allowed.</summary>
    public static readonly ErrorCode ValueTooLong = new("units.value.too-long", "At most {0} characters.");
    public static readonly ErrorCode KindUnknown = new("units.kind.unknown", "One of forskola, skola, fritidshem.");
    public static readonly ErrorCode KindDoesNotFitId = new("units.kind.does-not-fit-id",
        "A preschool id (F…) belongs to a forskola, and a forskola has a preschool id; a skolenhetskod is a skola or a fritidshem.");
}

/// <summary>
/// Reads unit ids, directory searches and the directory's CSV file. The file is UTF-8 (a byte-order mark is allowed) with
/// a header line naming the columns <c>id</c>, <c>name</c>, <c>kind</c>, <c>municipality</c>, <c>organiser</c> and,
/// optionally, <c>contactEmail</c>, in any order and case, separated by <c>;</c> or <c>,</c> (whichever the header uses).
/// A value may be quoted with <c>"</c> (<c>""</c> inside for a quote) and must end on its line; blank lines are skipped.
/// Errors are keyed <c>lines[N]</c> or <c>lines[N].column</c>, N counting lines from 1 (the header).
/// </summary>
public static class UnitRules
{
    public const int MaxNameLength = 200;
    public const int MaxMunicipalityLength = 100;
    public const int MaxOrganiserLength = 200;
    public const int MaxQueryLength = 100;
    public const int DefaultLimit = 20;
    public const int MaxLimit = 50;
    public const int MaxSearchTerms = 5;
    public const int MaxUnitsPerFile = 50_000;
    public const int MaxErrorsShown = 100;

    /// <summary>The largest import file read, in bytes: room for every school and preschool unit in Sweden.</summary>
    public const long MaxFileBytes = 8 * 1024 * 1024;

    private static class Columns
    {
        public const string Id = "id";
        public const string Name = "name";
        public const string Kind = "kind";
        public const string Municipality = "municipality";
        public const string Organiser = "organiser";
        public const string ContactEmail = "contactEmail";

        public static readonly IReadOnlyList<string> Required = [Id, Name, Kind, Municipality, Organiser];
        public static readonly IReadOnlyList<string> All = [.. Required, ContactEmail];
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>A unit id as given, or null after reporting what is wrong with it on <paramref name="field"/>.</summary>
    public static UnitId? Id(string? value, ValidationErrors errors, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, UnitErrors.UnitRequired);
            return null;
        }
        if (!UnitId.TryParse(value, out var unit))
        {
            errors.Add(field, UnitErrors.NotAUnitId);
            return null;
        }
        return unit;
    }

    /// <summary>A directory search: the query's words (each must match the name or the municipality) and the limit.</summary>
    public static (IReadOnlyList<string> Terms, int Limit)? Search(string? query, string? limit, ValidationErrors errors)
    {
        var text = query?.Trim() ?? "";
        if (text.Length > MaxQueryLength)
        {
            errors.Add("query", UnitErrors.QueryTooLong, MaxQueryLength);
        }
        var take = DefaultLimit;
        if (!string.IsNullOrWhiteSpace(limit)
            && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out take) || take is < 1 or > MaxLimit))
        {
            errors.Add("limit", UnitErrors.LimitOutOfRange, MaxLimit);
        }
        return errors.Any ? null : (Terms(text), take);
    }

    /// <summary>The words of a query, at most <see cref="MaxSearchTerms"/>.</summary>
    public static IReadOnlyList<string> Terms(string text) =>
        [.. text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(MaxSearchTerms)];

    /// <summary>
    /// The units of an import file, or null after reporting every error found (the first <see cref="MaxErrorsShown"/>,
    /// with line numbers): a file with any error imports nothing.
    /// </summary>
    public static IReadOnlyList<Unit>? ParseFile(ReadOnlySpan<byte> file, ValidationErrors errors)
    {
        var lines = Lines(file);
        var header = lines.FirstOrDefault(line => line.Bytes.Length > 0 && !IsBlank(line.Bytes));
        if (header.Number == 0)
        {
            errors.Add("file", UnitErrors.FileEmpty);
            return null;
        }
        if (ReadHeader(header, errors) is not { } layout)
        {
            return null;
        }
        var unitLines = lines.Where(line => line.Number > header.Number && !IsBlank(line.Bytes)).ToList();
        if (unitLines.Count > MaxUnitsPerFile)
        {
            errors.Add("file", UnitErrors.FileTooLong, MaxUnitsPerFile);
            return null;
        }

        var units = new List<Unit>();
        var firstLineOf = new Dictionary<string, int>();
        var lineErrors = new ValidationErrors();
        foreach (var line in unitLines)
        {
            if (lineErrors.All.Count >= MaxErrorsShown)
            {
                break;
            }
            if (ReadUnit(line, layout, lineErrors) is not { } unit)
            {
                continue;
            }
            if (firstLineOf.TryGetValue(unit.Id, out var first))
            {
                lineErrors.Add(Key(line.Number, Columns.Id), UnitErrors.IdTwice, first);
                continue;
            }
            firstLineOf[unit.Id] = line.Number;
            units.Add(unit);
        }
        foreach (var error in lineErrors.All.Take(MaxErrorsShown))
        {
            errors.Add(error.Field, error.Code, [.. error.Arguments]);
        }
        if (lineErrors.All.Count >= MaxErrorsShown)
        {
            errors.Add("file", UnitErrors.MoreErrors, MaxErrorsShown);
        }
        if (!errors.Any && units.Count == 0)
        {
            errors.Add("file", UnitErrors.FileHasNoUnits);
        }
        return errors.Any ? null : units;
    }

    private readonly record struct Line(int Number, byte[] Bytes);

    /// <summary>The file's lines, numbered from 1, without their line ends (LF or CRLF) or the byte-order mark.</summary>
    private static List<Line> Lines(ReadOnlySpan<byte> file)
    {
        if (file.StartsWith("\uFEFF"u8))
        {
            file = file[3..];
        }
        var lines = new List<Line>();
        var number = 0;
        while (!file.IsEmpty)
        {
            var end = file.IndexOf((byte)'\n');
            var line = end < 0 ? file : file[..end];
            if (line.EndsWith("\r"u8))
            {
                line = line[..^1];
            }
            lines.Add(new Line(++number, line.ToArray()));
            file = end < 0 ? [] : file[(end + 1)..];
        }
        return lines;
    }

    private static bool IsBlank(byte[] line) => line.All(b => b is (byte)' ' or (byte)'\t');

    /// <summary>The header's columns by position, and the separator it uses.</summary>
    private sealed record Layout(IReadOnlyList<string> Columns, char Separator);

    /// <summary>The header's columns by position, or null after reporting what is wrong with it on <c>lines[N]</c>.</summary>
    private static Layout? ReadHeader(Line header, ValidationErrors errors)
    {
        var key = Key(header.Number);
        if (Text(header, key, errors) is not { } text)
        {
            return null;
        }
        var separator = text.Contains(';', StringComparison.Ordinal) ? ';' : ',';
        if (Split(text, separator) is not { } names)
        {
            errors.Add(key, UnitErrors.QuoteMisplaced);
            return null;
        }
        var columns = new string[names.Count];
        for (var i = 0; i < names.Count; i++)
        {
            var known = Columns.All.FirstOrDefault(column => string.Equals(column, names[i], StringComparison.OrdinalIgnoreCase));
            if (known is null)
            {
                errors.Add(key, UnitErrors.ColumnUnknown, names[i]);
            }
            else if (columns.Contains(known))
            {
                errors.Add(key, UnitErrors.ColumnTwice, known);
            }
            else
            {
                columns[i] = known;
            }
        }
        foreach (var missing in Columns.Required.Where(column => !columns.Contains(column)))
        {
            errors.Add(key, UnitErrors.ColumnMissing, missing);
        }
        return errors.Any ? null : new Layout(columns, separator);
    }

    private static Unit? ReadUnit(Line line, Layout layout, ValidationErrors errors)
    {
        var key = Key(line.Number);
        if (Text(line, key, errors) is not { } text)
        {
            return null;
        }
        if (Split(text, layout.Separator) is not { } values)
        {
            errors.Add(key, UnitErrors.QuoteMisplaced);
            return null;
        }
        if (values.Count != layout.Columns.Count)
        {
            errors.Add(key, UnitErrors.WrongValueCount, layout.Columns.Count, values.Count);
            return null;
        }
        var byColumn = layout.Columns.Zip(values).ToDictionary(pair => pair.First, pair => pair.Second, StringComparer.Ordinal);
        var before = errors.All.Count;
        var id = Id(byColumn[Columns.Id], errors, Key(line.Number, Columns.Id));
        var name = Value(byColumn[Columns.Name], MaxNameLength, errors, Key(line.Number, Columns.Name));
        var kind = Kind(byColumn[Columns.Kind], id, errors, Key(line.Number, Columns.Kind));
        var municipality = Value(byColumn[Columns.Municipality], MaxMunicipalityLength, errors, Key(line.Number, Columns.Municipality));
        var organiser = Value(byColumn[Columns.Organiser], MaxOrganiserLength, errors, Key(line.Number, Columns.Organiser));
        var email = MailAddresses.NormalizeEmail(byColumn.GetValueOrDefault(Columns.ContactEmail), errors,
            Key(line.Number, Columns.ContactEmail));
        return errors.All.Count > before || id is not { } unitId
            ? null
            : new Unit(unitId.Value, name!, kind!, municipality!, organiser!, email);
    }

    private static string? Kind(string value, UnitId? id, ValidationErrors errors, string field)
    {
        var kind = value.Trim().ToLowerInvariant();
        if (kind.Length == 0)
        {
            errors.Add(field, UnitErrors.ValueRequired);
            return null;
        }
        if (!UnitKinds.IsKnown(kind))
        {
            errors.Add(field, UnitErrors.KindUnknown);
            return null;
        }
        if (id is { } unit && unit.IsPreschool != (kind == UnitKinds.Forskola))
        {
            errors.Add(field, UnitErrors.KindDoesNotFitId);
            return null;
        }
        return kind;
    }

    private static string? Value(string value, int maxLength, ValidationErrors errors, string field)
    {
        var problem = FreeText.Check(value, maxLength, multiLine: false, out var text);
        if (problem == TextProblem.Blank)
        {
            errors.Add(field, UnitErrors.ValueRequired);
        }
        FreeText.Report(errors, field, problem, maxLength, UnitErrors.ValueTooLong, multiLine: false);
        return problem == TextProblem.None ? text : null;
    }

    private static string? Text(Line line, string key, ValidationErrors errors)
    {
        try
        {
            return StrictUtf8.GetString(line.Bytes);
        }
        catch (DecoderFallbackException)
        {
            errors.Add(key, UnitErrors.NotUtf8);
            return null;
        }
    }

    /// <summary>The values of a line, trimmed; null when a quoted value is not closed or text follows its closing quote.</summary>
    private static List<string>? Split(string line, char separator)
    {
        var values = new List<string>();
        var at = 0;
        while (true)
        {
            while (at < line.Length && line[at] is ' ' or '\t')
            {
                at++;
            }
            if (at < line.Length && line[at] == '"')
            {
                var value = new StringBuilder();
                at++;
                while (true)
                {
                    if (at >= line.Length)
                    {
                        return null;
                    }
                    if (line[at] == '"')
                    {
                        if (at + 1 < line.Length && line[at + 1] == '"')
                        {
                            value.Append('"');
                            at += 2;
                            continue;
                        }
                        at++;
                        break;
                    }
                    value.Append(line[at++]);
                }
                while (at < line.Length && line[at] is ' ' or '\t')
                {
                    at++;
                }
                values.Add(value.ToString().Trim());
                if (at >= line.Length)
                {
                    return values;
                }
                if (line[at] != separator)
                {
                    return null;
                }
                at++;
                continue;
            }
            var end = line.IndexOf(separator, at);
            values.Add((end < 0 ? line[at..] : line[at..end]).Trim());
            if (end < 0)
            {
                return values;
            }
            at = end + 1;
        }
    }

    private static string Key(int line) => string.Create(CultureInfo.InvariantCulture, $"lines[{line}]");

    private static string Key(int line, string column) => string.Create(CultureInfo.InvariantCulture, $"lines[{line}].{column}");
}
