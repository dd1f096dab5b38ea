using System.Security.Claims;
using EgenvardRegistry.Infrastructure.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace EgenvardRegistry.Web.Pages;

/// <summary>
/// Development sign-in: pick a demo identity so a first run can try every page. Outside Development the page does not
/// exist (404), except that with an identity provider configured (<c>Auth:Oidc</c>) it sends the visitor there to sign in.
/// </summary>
public sealed class LoggaInModel(IHostEnvironment environment, IOptions<OidcOptions> oidc, TimeProvider time) : RegistryPageModel(time)
{
    public sealed record DemoIdentity(string Role, string Label);

    public static readonly IReadOnlyList<DemoIdentity> Identities =
    [
        new(Roles.Clinician, "Karin Berg, sjuksköterska på Barndiabetesmottagningen (vård)"),
        new(Roles.School, "Per Ek, skolsköterska på Solbackaskolan i Västerås (skola)"),
        new(Roles.Guardian, "Sara Lind, vårdnadshavare"),
        new(Roles.Admin, "Regionens administratör"),
    ];

    [BindProperty]
    public string Role { get; set; } = Roles.School;

    [BindProperty]
    public string? Unit { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public IActionResult OnGet()
    {
        if (environment.IsDevelopment())
        {
            return Page();
        }
        if (!oidc.Value.Enabled)
        {
            return NotFound();
        }
        // The start page's "Logga in": to the provider, and back here to go on to the person's own page.
        if (User.Identity?.IsAuthenticated != true)
        {
            return Challenge(new AuthenticationProperties { RedirectUri = Request.Path + Request.QueryString }, OidcSignIn.Scheme);
        }
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl!
            : Caller.FromPrincipal(User, Today) is { } caller ? WebRegistration.HomeFor(caller.Role) : "/ingen-behorighet");
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!environment.IsDevelopment())
        {
            return NotFound();
        }
        if (!DevTokens.Defaults.TryGetValue(Role, out var defaults))
        {
            ModelState.AddModelError(nameof(Role), "Välj en roll.");
            return Page();
        }
        var claims = new Dictionary<string, string>(defaults) { [ClaimNames.Role] = Role };
        var unit = Unit?.Trim();
        if (!string.IsNullOrEmpty(unit) && Role is Roles.Clinician or Roles.School)
        {
            claims[Role == Roles.Clinician ? ClaimNames.CareUnit : ClaimNames.SchoolUnit] = unit;
            // The demo unit's name belongs to the demo unit's code.
            claims.Remove(ClaimNames.SchoolUnitName);
        }
        var identity = new ClaimsIdentity(claims.Select(claim => new Claim(claim.Key, claim.Value)),
            WebRegistration.CookieScheme, ClaimNames.Name, ClaimNames.Role);
        await HttpContext.SignInAsync(WebRegistration.CookieScheme, new ClaimsPrincipal(identity));
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : WebRegistration.HomeFor(Role));
    }
}
