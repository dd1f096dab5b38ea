using EgenvardRegistry.Identifiers;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Units;

namespace EgenvardRegistry.Web;

/// <summary>What a unit picker made of the text typed: a unit, or an error and perhaps units to pick among.</summary>
public sealed record UnitPick(string? Id, ErrorCode? Error = null, IReadOnlyList<Unit>? Candidates = null)
{
    public IReadOnlyList<Unit> Choices => Candidates ?? [];

    /// <summary>Reports <see cref="Error"/>, if any, on <paramref name="field"/>.</summary>
    public void Report(ValidationErrors errors, string field)
    {
        if (Error is not null)
        {
            errors.Add(field, Error, UnitRules.MaxQueryLength);
        }
    }
}

/// <summary>
/// Picks a unit by name, without JavaScript: a text field suggests the directory's units (a <c>&lt;datalist&gt;</c> of
/// their labels, "Solrosens förskola, Västerås (F1980001)"), and the server reads what was typed — a label, an id, or a
/// name that only one unit has. A part of a name, or a name several units share, gives the matching units to pick among.
/// </summary>
public static class UnitPicker
{
    /// <summary>How many units the datalist suggests: a county's directory; past that, typing a part of the name finds the rest.</summary>
    public const int DataListSize = 500;

    /// <summary>How many units a search offers to pick among.</summary>
    public const int Choices = 10;

    /// <summary>The id the datalist's <c>&lt;input list&gt;</c> refers to.</summary>
    public const string DataListId = "enhetsregister";

    /// <param name="inDirectoryOnly">
    /// True where only a directory unit may be chosen (a guardian sharing); a clinician may also give the code of a unit
    /// the directory lacks, as the API allows.
    /// </param>
    public static async Task<UnitPick> ResolveAsync(UnitStore store, string? text, bool inDirectoryOnly, Caller caller,
        CancellationToken cancellationToken)
    {
        var typed = text?.Trim() ?? "";
        if (typed.Length == 0)
        {
            return new UnitPick(null, UnitErrors.UnitRequired);
        }
        if (UnitId.TryParse(IdPart(typed), out var unit))
        {
            return !inDirectoryOnly || (await store.FindAsync([unit.Value], cancellationToken)).Count == 1
                ? new UnitPick(unit.Value)
                : new UnitPick(null, UnitErrors.NotInDirectory);
        }
        if (typed.Length > UnitRules.MaxQueryLength)
        {
            return new UnitPick(null, UnitErrors.QueryTooLong);
        }
        var matches = await store.SearchAsync(UnitRules.Terms(typed), Choices, caller, cancellationToken);
        var exact = matches.Where(match => UnitSearchText.Fold(match.Name) == UnitSearchText.Fold(typed)).ToList();
        return exact.Count == 1 ? new UnitPick(exact[0].Id)
            : matches.Count == 0 ? new UnitPick(null, UnitErrors.NoUnitByThatName)
            : new UnitPick(null, UnitErrors.PickOne, exact.Count > 1 ? exact : matches);
    }

    /// <summary>The units the datalist suggests.</summary>
    public static Task<IReadOnlyList<Unit>> DataListAsync(UnitStore store, CancellationToken cancellationToken) =>
        store.ListAsync(DataListSize, cancellationToken);

    /// <summary>The id at the end of a label, "Solrosens förskola, Västerås (F1980001)", or the whole text.</summary>
    private static string IdPart(string typed)
    {
        var open = typed.LastIndexOf('(');
        return typed.EndsWith(')') && open >= 0 ? typed[(open + 1)..^1] : typed;
    }
}
