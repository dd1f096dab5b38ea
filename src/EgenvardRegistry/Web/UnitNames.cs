using EgenvardRegistry.Units;

namespace EgenvardRegistry.Web;

/// <summary>
/// Unit names for one request's pages, looked up in the directory once each: a page's model may load a list of ids at
/// once, and a view asks by id. Pages show units by name; only a unit the directory lacks is shown by its code.
/// </summary>
public sealed class UnitNames(UnitStore store)
{
    private readonly Dictionary<string, Unit?> _known = new(StringComparer.Ordinal);

    public async Task LoadAsync(IEnumerable<string?> ids, CancellationToken cancellationToken = default)
    {
        var missing = ids.OfType<string>().Where(id => !_known.ContainsKey(id)).Distinct(StringComparer.Ordinal).ToList();
        if (missing.Count == 0)
        {
            return;
        }
        var found = await store.FindAsync(missing, cancellationToken);
        foreach (var id in missing)
        {
            _known[id] = found.GetValueOrDefault(id);
        }
    }

    /// <summary>"Solbackaskolan, Västerås", or "Okänd enhet (12345678)" when the directory lacks the unit.</summary>
    public async Task<string> NameAsync(string id)
    {
        await LoadAsync([id]);
        return UnitText.Name(id, _known[id]);
    }

    /// <summary>The directory's entry, or null when it lacks the unit (or it was not loaded).</summary>
    public Unit? Find(string id) => _known.GetValueOrDefault(id);
}

/// <summary>How the pages name units and their kinds in Swedish.</summary>
public static class UnitText
{
    public static string Name(string id, Unit? unit) => unit is null ? $"Okänd enhet ({id})" : $"{unit.Name}, {unit.Municipality}";

    public static string Kind(string kind) => UnitKinds.Swedish.GetValueOrDefault(kind, kind);

    /// <summary>What the datalist says beside a unit's label: its kind and organiser.</summary>
    public static string Details(Unit unit) => $"{Kind(unit.Kind)}, {unit.Organiser}";
}
