using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EgenvardRegistry.Web.Pages;

/// <summary>
/// Errors on pages are shown as pages, in Swedish; the API answers with problem details instead. A failed POST (a
/// missing anti-forgery token, say) is re-executed here as a POST, so the page answers POST too and checks no token.
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class FelModel : PageModel
{
    public string Title { get; private set; } = "Något gick fel";

    public string Text { get; private set; } = "Försök igen om en stund.";

    public void OnPost(int status) => OnGet(status);

    public void OnGet(int status)
    {
        // A page that threw is re-executed here as /fel/500 with the status the exception handler chose.
        if (status == StatusCodes.Status500InternalServerError && Response.StatusCode == StatusCodes.Status503ServiceUnavailable)
        {
            status = StatusCodes.Status503ServiceUnavailable;
            Response.Headers.RetryAfter = Infrastructure.Http.DatabaseUnavailableExceptionHandler.RetryAfterSeconds
                .ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        (Title, Text) = status switch
        {
            401 => ("Inloggningen misslyckades", "Inloggningen avbröts eller kunde inte slutföras. Gå till startsidan och försök igen."),
            400 => ("Formuläret kunde inte skickas", "Sidan kan ha varit öppen för länge. Ladda om sidan och försök igen."),
            404 => ("Sidan finns inte", "Kontrollera adressen, eller gå till startsidan."),
            403 => ("Ingen behörighet", "Din inloggning ger inte tillgång till den här sidan."),
            429 => ("För många förfrågningar", "Vänta en stund och försök igen."),
            503 => ("Tjänsten är tillfälligt otillgänglig", "Registret når inte sin databas just nu. Försök igen om några sekunder."),
            _ => (Title, Text),
        };
    }
}
