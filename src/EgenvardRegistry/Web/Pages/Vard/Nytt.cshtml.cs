using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Units;
using Microsoft.AspNetCore.Mvc;

namespace EgenvardRegistry.Web.Pages.Vard;

/// <summary>Issue a certificate: the API's rules validate it and the API's store issues (and audits) it.</summary>
public sealed class NyttModel(CertificateStore store, UnitStore units, TimeProvider time) : CertificateFormPage(units, time)
{
    public void OnGet()
    {
        Form.ValidFrom = CertificateForm.Text(Today);
        Form.ValidUntil = CertificateForm.Text(Today.AddMonths(12));
        Form.FollowUpOn = CertificateForm.Text(Today.AddMonths(6));
        Form.SharedWith = [""];
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var formErrors = new ValidationErrors();
        var sharedWith = await ReadUnitsAsync(formErrors, cancellationToken);
        var (certificate, ruleErrors) = CertificateRules.Validate(Form.ToIssueRequest(CareUnitHsaId, sharedWith, formErrors), Today);
        ShowErrors(formErrors);
        ShowErrors(ruleErrors);
        if (certificate is null || Errors.Any)
        {
            return await ShowFormAsync(cancellationToken);
        }
        var issued = await store.IssueAsync(certificate, Caller, cancellationToken);
        return RedirectToPage("/Vard/Intyg", new { id = issued.Id });
    }

    protected override Task<IActionResult> ShowFormAsync(CancellationToken cancellationToken) => Task.FromResult<IActionResult>(Page());
}
