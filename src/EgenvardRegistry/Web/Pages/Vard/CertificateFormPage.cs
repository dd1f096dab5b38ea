using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace EgenvardRegistry.Web.Pages.Vard;

/// <summary>
/// A page with the certificate form (issue, renew). Adding or removing a measure or a guardian is a submit button
/// with its own handler that changes the posted form and shows it again, so the form works without JavaScript.
/// </summary>
public abstract class CertificateFormPage(TimeProvider time) : RegistryPageModel(time)
{
    [BindProperty]
    public CertificateForm Form { get; set; } = new();

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
