using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Reminders;
using EgenvardRegistry.Signing;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using QRCoder;

namespace EgenvardRegistry.Web.Pages.Intyg;

/// <summary>
/// A certificate on one A4 page for the guardian to hand to the school, with a QR code that carries the signed
/// certificate (verifiable offline on <c>/verifiera</c>) and, as text below it, the link to the school's verification.
/// Whoever may read the certificate through the API may print it; anyone else gets 404.
/// </summary>
public sealed class UtskriftModel(SigningStore store, IOptions<ReminderOptions> options, TimeProvider time)
    : RegistryPageModel(time)
{
    public Certificate Certificate { get; private set; } = null!;

    /// <summary>The school's verification page for this certificate, printed as text below the QR code.</summary>
    public string VerificationUrl { get; private set; } = "";

    /// <summary>The page that verifies the QR code without signing in (<c>/verifiera</c>).</summary>
    public string VerifierUrl { get; private set; } = "";

    /// <summary>The signed certificate (<c>EGV1:…</c>) the QR code carries.</summary>
    public string SignedPayload { get; private set; } = "";

    /// <summary>The QR code as an SVG element, built here from the signed text alone.</summary>
    public string QrSvg { get; private set; } = "";

    public bool ShowPersonnummer { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await store.ReadAsync(id, Caller, cancellationToken) is not var (certificate, signed))
        {
            return NotFound();
        }
        Certificate = certificate;
        SignedPayload = signed.Payload;
        // Schools see who the guardians are, not their personnummer, as in the API.
        ShowPersonnummer = Caller.Role != Roles.School;
        VerificationUrl = VerificationUrlFor(options.Value.PublicBaseUrl, id);
        VerifierUrl = new Uri(options.Value.PublicBaseUrl, "verifiera").ToString();
        QrSvg = QrCode(SignedPayload);
        return Page();
    }

    public static string VerificationUrlFor(Uri publicBaseUrl, Guid id) => new Uri(publicBaseUrl, $"skola/intyg/{id}").ToString();

    /// <summary>At error correction level Q (a quarter of the code may be unreadable), as the EU DCC prints its codes.</summary>
    public static string QrCode(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.Q);
        return new SvgQRCode(data).GetGraphic(4);
    }
}
