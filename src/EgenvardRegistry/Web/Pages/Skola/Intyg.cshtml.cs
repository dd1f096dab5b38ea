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

    public bool ValidToday => Certificate.Status == CertificateStatus.Active && !Certificate.IsExpired(Today)
        && !Certificate.IsNotYetValid(Today);

    public string StatusText => Certificate switch
    {
        { Status: CertificateStatus.Revoked } => "Intyget är återkallat. Kontakta vården.",
        { Status: CertificateStatus.Replaced } => "Intyget har ersatts av ett nyare intyg.",
        _ when Certificate.IsExpired(Today) => "Intyget har gått ut. Vårdnadshavarna behöver boka en ny bedömning.",
        _ when Certificate.IsNotYetValid(Today) => "Intyget är inte giltigt ännu.",
        _ => "Intyget gäller i dag för åtgärderna nedan.",
    };

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
