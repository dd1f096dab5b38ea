using System.Text.Json;
using EgenvardRegistry.Certificates;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EgenvardRegistry.Web.Pages;

/// <summary>
/// The offline verifier: a school checks the QR code of a printed certificate without signing in. Everything happens in
/// the browser (<c>wwwroot/js/verifiera.js</c>): the page itself knows nothing of any certificate, so it is the same for
/// everyone and a service worker may keep it for use without network.
/// </summary>
[AllowAnonymous]
public sealed class VerifieraModel : PageModel
{
    /// <summary>The Swedish words for measures and performers, as JSON for the script (the same words as every other page).</summary>
    public static string Words { get; } = JsonSerializer.Serialize(new
    {
        measures = MeasureCatalogue.Swedish,
        performers = Performers.Swedish,
    });

    public void OnGet()
    {
    }
}
