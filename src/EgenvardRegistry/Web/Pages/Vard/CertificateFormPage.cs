using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Units;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EgenvardRegistry.Web.Pages.Vard;

/// <summary>
/// A page with the certificate form (issue, renew). Adding or removing a measure, a guardian or a unit is a submit button
/// with its own handler that changes the posted form and shows it again, so the form works without JavaScript. Units are
/// picked by name: each row suggests the directory's units, and a row that names none exactly offers the matching units
/// to pick among.
/// </summary>
public abstract class CertificateFormPage(UnitStore units, TimeProvider time) : RegistryPageModel(time)
{
    [BindProperty]
    public CertificateForm Form { get; set; } = new();

    /// <summary>The directory's units, which every unit row suggests.</summary>
    public IReadOnlyList<Unit> UnitDataList { get; private set; } = [];

    /// <summary>For a unit row that named no unit exactly: the units to pick among, by the row's index.</summary>
    public Dictionary<int, IReadOnlyList<Unit>> UnitChoices { get; } = [];

    public Task<IActionResult> OnPostAddUnitAsync(CancellationToken cancellationToken) =>
        ShowAfter(() =>
        {
            if (Form.SharedWith.Count < CertificateRules.MaxSharedWith)
            {
                Form.SharedWith.Add("");
            }
        }, cancellationToken);

    public Task<IActionResult> OnPostRemoveUnitAsync(int index, CancellationToken cancellationToken) =>
        ShowAfter(() => RemoveRow(Form.SharedWith, index), cancellationToken);

    /// <summary>A unit picked among a row's choices takes the row, written as its label.</summary>
    public async Task<IActionResult> OnPostPickUnitAsync(int index, string? unit, CancellationToken cancellationToken)
    {
        if (index >= 0 && index < Form.SharedWith.Count && unit is not null
            && (await units.FindAsync([unit], cancellationToken)).GetValueOrDefault(unit) is { } picked)
        {
            Form.SharedWith[index] = picked.Label;
        }
        return await ShowFormAsync(cancellationToken);
    }

    /// <summary>
    /// The unit rows read into unit ids: a label, a code or a name one unit has. A row that names no unit exactly gets its
    /// error on <c>sharedWith[i]</c> and the units to pick among. Empty rows are left out.
    /// </summary>
    protected async Task<IReadOnlyList<string?>> ReadUnitsAsync(ValidationErrors errors, CancellationToken cancellationToken)
    {
        var ids = new List<string?>();
        for (var i = 0; i < Form.SharedWith.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(Form.SharedWith[i]))
            {
                continue;
            }
            var pick = await UnitPicker.ResolveAsync(units, Form.SharedWith[i], inDirectoryOnly: false, Caller, cancellationToken);
            if (pick.Id is not null)
            {
                ids.Add(pick.Id);
                continue;
            }
            pick.Report(errors, $"sharedWith[{i}]");
            if (pick.Choices.Count > 0)
            {
                UnitChoices[i] = pick.Choices;
            }
        }
        return ids;
    }

    /// <summary>The form's unit rows for these ids: each unit's label, or "Okänd enhet (code)", which reads back as the code.</summary>
    protected async Task<List<string?>> UnitRowsAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var directory = await units.FindAsync(ids, cancellationToken);
        return [.. ids.Select(id => directory.TryGetValue(id, out var unit) ? unit.Label : UnitText.Name(id, null))];
    }

    /// <summary>Every time the form is shown, its unit rows get the directory's units to suggest.</summary>
    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var executed = await next();
        if (executed.Result is PageResult && executed.Exception is null)
        {
            UnitDataList = await UnitPicker.DataListAsync(units, HttpContext.RequestAborted);
        }
    }

    /// <summary>The care unit a certificate is issued for: the clinician's own, from the sign-in.</summary>
    public string CareUnitHsaId => Caller.CareUnit!;

    public Task<IActionResult> OnPostAddMeasureAsync(CancellationToken cancellationToken) =>
        ShowAfter(() => AddPart(Form.Measures, CertificateRules.MaxMeasures), cancellationToken);

    public Task<IActionResult> OnPostRemoveMeasureAsync(int index, CancellationToken cancellationToken) =>
        ShowAfter(() => RemovePart(Form.Measures, index), cancellationToken);

    public Task<IActionResult> OnPostAddGuardianAsync(CancellationToken cancellationToken) =>
        ShowAfter(() => AddPart(Form.Guardians, CertificateRules.MaxGuardians), cancellationToken);

    public Task<IActionResult> OnPostRemoveGuardianAsync(int index, CancellationToken cancellationToken) =>
        ShowAfter(() => RemovePart(Form.Guardians, index), cancellationToken);

    private Task<IActionResult> ShowAfter(Action change, CancellationToken cancellationToken)
    {
        change();
        return ShowFormAsync(cancellationToken);
    }

    private static void AddPart<T>(List<T> parts, int max) where T : new()
    {
        if (parts.Count < max)
        {
            parts.Add(new T());
        }
    }

    // A certificate need not be shared with any unit, so the last unit row can go too.
    private static void RemoveRow<T>(List<T> rows, int index)
    {
        if (index >= 0 && index < rows.Count)
        {
            rows.RemoveAt(index);
        }
    }

    // The form always keeps one part of each kind: the rules need at least one measure and one guardian.
    private static void RemovePart<T>(List<T> parts, int index)
    {
        if (index >= 0 && index < parts.Count && parts.Count > 1)
        {
            parts.RemoveAt(index);
        }
    }

    /// <summary>Shows the form again as posted (after adding or removing a part, or with errors).</summary>
    protected abstract Task<IActionResult> ShowFormAsync(CancellationToken cancellationToken);

    private static readonly string[] FieldOrder =
    [
        "Form.Child", "Form.Guardians", "Form.Measures", "Form.InstructionGivenBy", "Form.ValidFrom", "Form.ValidUntil",
        "Form.FollowUpOn", "Form.CareUnit", "Form.SharedWith",
    ];

    /// <summary>The errors in Swedish on the form's fields, and the summary in the order of the form.</summary>
    protected void ShowErrors(ValidationErrors errors)
    {
        Errors.Add(errors, CertificateForm.FieldFor);
        Errors.OrderBy(error => Array.FindIndex(FieldOrder, part => error.Field.StartsWith(part, StringComparison.Ordinal)) is var at and >= 0
            ? at : FieldOrder.Length);
    }
}
