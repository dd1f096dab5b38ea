using EgenvardRegistry.Certificates;
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
    public const string Field = "Personnummer";

    [BindProperty]
    public string? Personnummer { get; set; }

    public FormErrors Errors { get; } = new();

    /// <summary>Null until a search has been made.</summary>
    public IReadOnlyList<Certificate>? Results { get; private set; }

    public string? ChildName => Results is { Count: > 0 } results ? results[0].ChildName : null;

    public string OwnCareUnit => Caller.CareUnit!;

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!Identifiers.Personnummer.TryNormalize(Personnummer, Today, out var personnummer))
        {
            Errors.Add(SwedishErrors.Translate("personnummer",
                string.IsNullOrWhiteSpace(Personnummer) ? "Required." : "Not a valid personnummer or samordningsnummer.", prefix: ""));
            return Page();
        }
        Results = await store.SearchAsync(personnummer, Caller, cancellationToken);
        return Page();
    }
}
