using System.Text;

namespace EgenvardRegistry.Units;

/// <summary>What kind of unit: a förskola, a skola (förskoleklass and up) or a fritidshem, with the Swedish words.</summary>
public static class UnitKinds
{
    public const string Forskola = "forskola";
    public const string Skola = "skola";
    public const string Fritidshem = "fritidshem";

    public static readonly IReadOnlyDictionary<string, string> Swedish = new Dictionary<string, string>
    {
        [Forskola] = "Förskola",
        [Skola] = "Skola",
        [Fritidshem] = "Fritidshem",
    };

    public static bool IsKnown(string? kind) => kind is not null && Swedish.ContainsKey(kind);
}

/// <summary>
/// A unit in the directory: a school unit (by its skolenhetskod) or a preschool (by the registry's own preschool id),
/// its name, kind, municipality and organiser (huvudman), and the address the unit wants e-mail at, if any.
/// </summary>
public sealed record Unit(string Id, string Name, string Kind, string Municipality, string Organiser, string? ContactEmail)
{
    /// <summary>How a picker names the unit, unique by its id: "Solrosens förskola, Västerås (F1980001)".</summary>
    public string Label => $"{Name}, {Municipality} ({Id})";
}

/// <summary>How many units an import added, changed and found as they already were.</summary>
public sealed record UnitImportResult(int Added, int Updated, int Unchanged);

/// <summary>Text as the directory searches it: composed Unicode, lower case, so "ÄNGS" finds "Ängsskolan" on both engines.</summary>
public static class UnitSearchText
{
    /// <remarks>
    /// SQLite's lower() and LIKE fold ASCII only, and PostgreSQL's depend on the database's collation, so the folded forms
    /// are computed here and stored beside the names; both engines then compare plain text.
    /// </remarks>
    public static string Fold(string text) => text.Normalize(NormalizationForm.FormC).ToLowerInvariant();

    /// <summary>A LIKE pattern for "contains <paramref name="term"/>" with <c>\</c> as the escape character.</summary>
    public static string Contains(string term) => $"%{Escape(Fold(term))}%";

    /// <summary>A LIKE pattern for "starts with <paramref name="term"/>".</summary>
    public static string StartsWith(string term) => $"{Escape(Fold(term))}%";

    private static string Escape(string term) =>
        term.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal)
            .Replace("_", @"\_", StringComparison.Ordinal);
}
