using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Units;
using Microsoft.AspNetCore.Mvc;

namespace EgenvardRegistry.Web.Pages.Vard;

/// <summary>
/// Renew: the form starts as the old certificate with new dates (from today, a year, follow-up in six months), and
/// the API's store validates, replaces and audits. The version the page was shown with travels in a hidden field.
/// </summary>
public sealed class FornyaModel(CertificateStore store, UnitStore units, TimeProvider time) : CertificateFormPage(units, time)
{
    [FromRoute]
    public Guid Id { get; set; }

    [BindProperty]
    public int Version { get; set; }

    public Certificate Old { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return NotFound();
        }
        Form = CertificateForm.From(Old);
        Form.ValidFrom = CertificateForm.Text(Today);
        Form.ValidUntil = CertificateForm.Text(Today.AddMonths(12));
        Form.FollowUpOn = CertificateForm.Text(Today.AddMonths(6));
        // The units that see it now: any the guardians withdrew are gone, and come back only if listed again.
        Form.SharedWith = await UnitRowsAsync(Old.SharedWith, cancellationToken);
        Version = Old.Version;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var formErrors = new ValidationErrors();
        var sharedWith = await ReadUnitsAsync(formErrors, cancellationToken);
        var request = Form.ToRenewRequest(CareUnitHsaId, sharedWith, formErrors);
        if (formErrors.Any)
        {
            ShowErrors(formErrors);
            return await ShowFormAsync(cancellationToken);
        }
        var result = await store.RenewAsync(Id, request, Caller, Version, Today, cancellationToken);
        switch (result.Outcome)
        {
            case ChangeOutcome.Done:
                return RedirectToPage("/Vard/Intyg", new { id = result.Certificate!.Id });
            case ChangeOutcome.NotFound:
                return NotFound();
            case ChangeOutcome.Invalid:
                ShowErrors(result.Errors!);
                break;
            case ChangeOutcome.PreconditionFailed:
                Errors.Add("Form", "Intyget", "Intyget har ändrats sedan du öppnade sidan. Öppna intyget igen och förnya det därifrån.");
                break;
            default:
                Errors.Add("Form", "Intyget", "Intyget kan inte förnyas: det är redan återkallat eller ersatt av ett annat intyg.");
                break;
        }
        return await ShowFormAsync(cancellationToken);
    }

    protected override async Task<IActionResult> ShowFormAsync(CancellationToken cancellationToken) =>
        await LoadAsync(cancellationToken) ? Page() : NotFound();

    private async Task<bool> LoadAsync(CancellationToken cancellationToken)
    {
        if (await store.ReadAsync(Id, Caller, cancellationToken) is not { } certificate)
        {
            return false;
        }
        Old = certificate;
        return true;
    }
}
