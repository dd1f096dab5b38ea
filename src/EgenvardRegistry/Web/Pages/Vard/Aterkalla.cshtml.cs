using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace EgenvardRegistry.Web.Pages.Vard;

/// <summary>
/// Revoke, in two steps: the reason, then "are you sure?" with a confirm button. The version the clinician saw is
/// sent as the expected version, so a certificate that changed in between is not revoked unseen.
/// </summary>
public sealed class AterkallaModel(CertificateStore store, TimeProvider time) : RegistryPageModel(time)
{
    public static readonly FormField ReasonField = new(nameof(Reason), "Skäl");

    [FromRoute]
    public Guid Id { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    [BindProperty]
    public int Version { get; set; }

    public Certificate Certificate { get; private set; } = null!;

    /// <summary>The reason is fine and the page asks for confirmation.</summary>
    public bool Confirming { get; private set; }

    public bool IsActive => Certificate.Status == CertificateStatus.Active;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return NotFound();
        }
        Version = Certificate.Version;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return NotFound();
        }
        Confirming = ReasonIsValid();
        return Page();
    }

    /// <summary>Back from the confirmation to the reason, as written.</summary>
    public async Task<IActionResult> OnPostEditAsync(CancellationToken cancellationToken) =>
        await LoadAsync(cancellationToken) ? Page() : NotFound();

    public async Task<IActionResult> OnPostConfirmAsync(CancellationToken cancellationToken)
    {
        if (!ReasonIsValid())
        {
            return await LoadAsync(cancellationToken) ? Page() : NotFound();
        }
        var result = await store.RevokeAsync(Id, Reason!.Trim(), Caller, Version, cancellationToken);
        switch (result.Outcome)
        {
            case ChangeOutcome.Done:
                return RedirectToPage("/Vard/Intyg", new { id = Id });
            case ChangeOutcome.NotFound:
                return NotFound();
            case ChangeOutcome.PreconditionFailed:
                Errors.Add(ReasonField.Name, "Intyget",
                    "Intyget har ändrats sedan du öppnade sidan, så det har inte återkallats. Läs igenom intyget igen innan du återkallar det.");
                break;
            default:
                Errors.Add(ReasonField.Name, "Intyget", "Intyget kan inte återkallas: det är redan återkallat eller ersatt av ett annat intyg.");
                break;
        }
        if (!await LoadAsync(cancellationToken))
        {
            return NotFound();
        }
        Version = Certificate.Version;
        return Page();
    }

    private bool ReasonIsValid()
    {
        var errors = new ValidationErrors();
        CertificateRules.RevocationReason(Reason, errors);
        Errors.Add(errors, _ => ReasonField);
        return !Errors.Any;
    }

    private async Task<bool> LoadAsync(CancellationToken cancellationToken)
    {
        if (await store.ReadAsync(Id, Caller, cancellationToken) is not { } certificate)
        {
            return false;
        }
        Certificate = certificate;
        return true;
    }
}
