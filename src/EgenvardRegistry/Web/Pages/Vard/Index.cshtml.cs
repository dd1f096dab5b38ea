using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace EgenvardRegistry.Web.Pages.Vard;

/// <summary>
/// The clinician's start: find a child's certificates by personnummer. The search is a POST and its answer is shown
/// at once, so the personnummer is never in a URL; it is a look-up by personnummer, so it has the API search's budget.
/// </summary>
[EnableRateLimiting(RateLimits.Lookup)]
public sealed class StartModel(CertificateStore store, TimeProvider time) : RegistryPageModel(time)
{
    public static readonly FormField PersonnummerField = new(nameof(Personnummer), "Barnets personnummer");

    [BindProperty]
    public string? Personnummer { get; set; }

    /// <summary>Null until a search has been made.</summary>
    public IReadOnlyList<Certificate>? Results { get; private set; }

    public string? ChildName => Results is { Count: > 0 } results ? results[0].ChildName : null;

    public string OwnCareUnit => Caller.CareUnit!;

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (Identifiers.Personnummer.Normalize(Personnummer, Today, errors, "personnummer") is not { } personnummer)
        {
            Errors.Add(errors, _ => PersonnummerField);
            return Page();
        }
        Results = await store.SearchAsync(personnummer, Caller, cancellationToken);
        return Page();
    }
}
