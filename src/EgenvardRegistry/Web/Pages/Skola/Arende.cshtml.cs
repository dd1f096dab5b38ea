using EgenvardRegistry.Certificates;
using EgenvardRegistry.Concerns;
using EgenvardRegistry.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace EgenvardRegistry.Web.Pages.Skola;

/// <summary>
/// Where the concern form on the certificate page posts: the API's rules and store, so only a unit the certificate is
/// shared with reports, and it is audited. A valid report goes back to the certificate page; errors are shown here.
/// </summary>
public sealed class ArendeModel(CertificateStore certificates, ConcernStore concerns, TimeProvider time) : RegistryPageModel(time)
{
    [FromRoute]
    public Guid Id { get; set; }

    [BindProperty]
    public string? Category { get; set; }

    [BindProperty]
    public string? Description { get; set; }

    [BindProperty]
    public string? GuardiansInformed { get; set; }

    public Certificate Certificate { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        await LoadAsync(cancellationToken) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (ConcernRules.Validate(ConcernForm.Request(Category, Description, GuardiansInformed), errors) is not { } concern)
        {
            Errors.Add(errors, ConcernForm.FieldFor);
            return await LoadAsync(cancellationToken) ? Page() : NotFound();
        }
        var result = await concerns.ReportAsync(Id, concern, Caller, cancellationToken);
        return result.Outcome == ConcernOutcome.Done
            ? LocalRedirect($"/skola/intyg/{Id}?arende=skickat#samverkan")
            : NotFound();
    }

    private async Task<bool> LoadAsync(CancellationToken cancellationToken)
    {
        if (await certificates.ReadAsync(Id, Caller, cancellationToken) is not { } certificate)
        {
            return false;
        }
        Certificate = certificate;
        return true;
    }
}
