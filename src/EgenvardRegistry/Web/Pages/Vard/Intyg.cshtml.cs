using EgenvardRegistry.Certificates;
using Microsoft.AspNetCore.Mvc;

namespace EgenvardRegistry.Web.Pages.Vard;

/// <summary>One certificate, read through the API's store: the same access rules and the same audit event.</summary>
public sealed class IntygModel(CertificateStore store, TimeProvider time) : RegistryPageModel(time)
{
    public Certificate Certificate { get; private set; } = null!;

    /// <summary>Only a clinician of the issuing care unit renews or revokes, and only an active certificate.</summary>
    public bool CanChange => Certificate.Status == CertificateStatus.Active && Certificate.CareUnit.HsaId == Caller.CareUnit;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await store.ReadAsync(id, Caller, cancellationToken) is not { } certificate)
        {
            return NotFound();
        }
        Certificate = certificate;
        return Page();
    }
}
