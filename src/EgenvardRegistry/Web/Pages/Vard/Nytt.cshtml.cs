using EgenvardRegistry.Certificates;
using Microsoft.AspNetCore.Mvc;

namespace EgenvardRegistry.Web.Pages.Vard;

/// <summary>Issue a certificate: the API's rules validate it and the API's store issues (and audits) it.</summary>
public sealed class NyttModel(CertificateStore store, TimeProvider time) : CertificateFormPage(time)
{
    public void OnGet()
    {
        Form.ValidFrom = CertificateForm.Text(Today);
        Form.ValidUntil = CertificateForm.Text(Today.AddMonths(12));
        Form.FollowUpOn = CertificateForm.Text(Today.AddMonths(6));
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var request = Form.ToIssueRequest(CareUnitHsaId, Errors);
        var (certificate, errors) = CertificateRules.Validate(request, Today);
        AddRuleErrors(errors);
        if (certificate is null || Errors.Any)
        {
            return await ShowFormAsync(cancellationToken);
        }
        var issued = await store.IssueAsync(certificate, Caller, cancellationToken);
        return RedirectToPage("/Vard/Intyg", new { id = issued.Id });
    }

    protected override Task<IActionResult> ShowFormAsync(CancellationToken cancellationToken) => Task.FromResult<IActionResult>(Page());
}
