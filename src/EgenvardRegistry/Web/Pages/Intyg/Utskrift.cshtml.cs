using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Reminders;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using QRCoder;

namespace EgenvardRegistry.Web.Pages.Intyg;

/// <summary>
/// A certificate on one A4 page for the guardian to hand to the school, with a QR code that opens the school's
/// verification of it. Whoever may read the certificate through the API may print it; anyone else gets 404.
/// </summary>
public sealed class UtskriftModel(CertificateStore store, IOptions<ReminderOptions> options, TimeProvider time)
    : RegistryPageModel(time)
{
    public Certificate Certificate { get; private set; } = null!;

    /// <summary>The school's verification page for this certificate; the QR code encodes it.</summary>
    public string VerificationUrl { get; private set; } = "";

    /// <summary>The QR code as an SVG element, built here from the URL alone.</summary>
    public string QrSvg { get; private set; } = "";

    public bool ShowPersonnummer { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        var certificate = await store.ReadAsync(id, Caller, cancellationToken);
        if (certificate is null)
        {
            return NotFound();
        }
        Certificate = certificate;
        // Schools see who the guardians are, not their personnummer, as in the API.
        ShowPersonnummer = Caller.Role != Roles.School;
        VerificationUrl = VerificationUrlFor(options.Value.PublicBaseUrl, id);
        QrSvg = QrCode(VerificationUrl);
        return Page();
    }

    public static string VerificationUrlFor(Uri publicBaseUrl, Guid id) => new Uri(publicBaseUrl, $"skola/intyg/{id}").ToString();

    public static string QrCode(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        return new SvgQRCode(data).GetGraphic(4);
    }
}
