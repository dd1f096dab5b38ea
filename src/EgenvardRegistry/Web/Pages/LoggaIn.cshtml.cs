using System.Security.Claims;
using EgenvardRegistry.Infrastructure.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace EgenvardRegistry.Web.Pages;

/// <summary>
/// Development sign-in: pick a demo identity so a first run can try every page. Outside Development the page does not
/// exist (404); people sign in through the identity provider in front of the service.
/// </summary>
public sealed class LoggaInModel(IHostEnvironment environment, TimeProvider time) : RegistryPageModel(time)
{
    public sealed record DemoIdentity(string Role, string Label);

    public static readonly IReadOnlyList<DemoIdentity> Identities =
    [
        new(Roles.Clinician, "Karin Berg, sjuksköterska på Barndiabetesmottagningen (vård)"),
        new(Roles.School, "Per Ek, skolsköterska på Solbackeskolan, skolenhet 12345678 (skola)"),
        new(Roles.Guardian, "Sara Lind, vårdnadshavare"),
        new(Roles.Admin, "Regionens administratör"),
    ];

    [BindProperty]
    public string Role { get; set; } = Roles.School;

    [BindProperty]
    public string? Unit { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public IActionResult OnGet() => environment.IsDevelopment() ? Page() : NotFound();

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
