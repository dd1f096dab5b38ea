using EgenvardRegistry.Infrastructure.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace EgenvardRegistry.Web.Pages;

/// <summary>
/// Signing out ends the pages' cookie and, for someone who signed in through the identity provider, the provider's
/// session too (its end-session endpoint, with the ID token as hint), which then sends them back here. Otherwise the
/// next person at a shared computer would be signed in again without being asked.
/// </summary>
public sealed class LoggaUtModel(IOptions<OidcOptions> oidc) : PageModel
{
    public async Task<IActionResult> OnPostAsync()
    {
        if (oidc.Value.Enabled
            && await HttpContext.GetTokenAsync(WebRegistration.CookieScheme, OpenIdConnectParameterNames.IdToken) is not null)
        {
            return SignOut(new AuthenticationProperties { RedirectUri = OidcSignIn.SignedOutPage },
                WebRegistration.CookieScheme, OidcSignIn.Scheme);
        }
        await HttpContext.SignOutAsync(WebRegistration.CookieScheme);
        return Page();
    }
}
