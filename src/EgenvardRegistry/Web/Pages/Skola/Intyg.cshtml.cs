using EgenvardRegistry.Certificates;
using Microsoft.AspNetCore.Mvc;

namespace EgenvardRegistry.Web.Pages.Skola;

/// <summary>
/// One certificate as the school sees it: where the QR code on a printed certificate leads. It is read through the
/// API's store, so only a unit the certificate is shared with sees it, and the read is audited.
/// </summary>
public sealed class IntygModel(CertificateStore certificates, TimeProvider time) : RegistryPageModel(time)
{
    public Certificate Certificate { get; private set; } = null!;

    /// <summary>Valid today for the measures on it: the school's check, for each measure the certificate names.</summary>
    public bool ValidToday => Certificate.Measures.Any(measure => Certificate.IsValidFor(measure.Code, Today));

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await certificates.ReadAsync(id, Caller, cancellationToken) is not { } certificate)
        {
            return NotFound();
        }
        Certificate = certificate;
        return Page();
    }
}
