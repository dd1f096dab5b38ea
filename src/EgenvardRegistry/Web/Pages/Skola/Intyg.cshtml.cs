using EgenvardRegistry.Certificates;
using EgenvardRegistry.Concerns;
using Microsoft.AspNetCore.Mvc;

namespace EgenvardRegistry.Web.Pages.Skola;

/// <summary>
/// One certificate as the school sees it: where the QR code on a printed certificate leads. It is read through the
/// API's store, so only a unit the certificate is shared with sees it, and the read is audited.
/// </summary>
public sealed class IntygModel(CertificateStore certificates, ConcernStore concerns, TimeProvider time) : RegistryPageModel(time)
{
    public Certificate Certificate { get; private set; } = null!;

    /// <summary>The concerns this school unit raised on the certificate, newest first.</summary>
    public IReadOnlyList<Concern> Concerns { get; private set; } = [];

    /// <summary>Back from the concern form: say that it was sent.</summary>
    public bool ConcernSent => Request.Query["arende"] == "skickat";

    /// <summary>Valid today for the measures on it: the school's check, for each measure the certificate names.</summary>
    public bool ValidToday => Certificate.Measures.Any(measure => Certificate.IsValidFor(measure.Code, Today));

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await certificates.ReadAsync(id, Caller, cancellationToken) is not { } certificate)
        {
            return NotFound();
        }
        Certificate = certificate;
        Concerns = await concerns.ListForCertificateAsync(id, Caller, cancellationToken) ?? [];
        return Page();
    }
}
