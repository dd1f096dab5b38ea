namespace EgenvardRegistry.Web;

/// <summary>
/// One labelled form field for <c>Pages/Shared/_Field.cshtml</c>: an input, a text area (<see cref="Multiline"/>) or a
/// select (<see cref="Options"/>, value → text), with its hint and errors tied to it by <c>aria-describedby</c>; an input
/// may suggest the values of a <c>&lt;datalist&gt;</c> on the page (<see cref="DataList"/>, its id).
/// </summary>
public sealed record FieldView(
    string Name,
    string Label,
    string? Value,
    IReadOnlyList<string> Errors,
    string? Hint = null,
    string Type = "text",
    bool Multiline = false,
    IReadOnlyDictionary<string, string>? Options = null,
    string? Autocomplete = null,
    string? InputMode = null,
    string? DataList = null)
{
    public string Id => IdFor(Name);

    public bool Invalid => Errors.Count > 0;

    public string? DescribedBy
    {
        get
        {
            var ids = new[] { Hint is null ? null : $"{Id}-hint", Invalid ? $"{Id}-error" : null }.OfType<string>().ToList();
            return ids.Count == 0 ? null : string.Join(' ', ids);
        }
    }

    /// <summary>The element id for a field name, as ASP.NET writes it: <c>Form.Measures[0].IfHarm</c> → <c>Form_Measures_0__IfHarm</c>.</summary>
    public static string IdFor(string name) => name.Replace('.', '_').Replace('[', '_').Replace(']', '_');
}
