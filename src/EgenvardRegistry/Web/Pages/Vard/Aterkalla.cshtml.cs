using EgenvardRegistry.Certificates;
using Microsoft.AspNetCore.Mvc;

namespace EgenvardRegistry.Web.Pages.Vard;

/// <summary>
/// Revoke, in two steps: the reason, then "are you sure?" with a confirm button. The version the clinician saw is
/// sent as the expected version, so a certificate that changed in between is not revoked unseen.
/// </summary>
public sealed class AterkallaModel(CertificateStore store, TimeProvider time) : RegistryPageModel(time)
{
    public const string ReasonField = "Reason";

    [FromRoute]
    public Guid Id { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    [BindProperty]
    public int Version { get; set; }

    public Certificate Certificate { get; private set; } = null!;

    public FormErrors Errors { get; } = new();

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
                Errors.Add(ReasonField, "Intyget",
                    "Intyget har ändrats sedan du öppnade sidan, så det har inte återkallats. Läs igenom intyget igen innan du återkallar det.");
                break;
            default:
                Errors.Add(ReasonField, "Intyget", "Intyget kan inte återkallas: det är redan återkallat eller ersatt av ett annat intyg.");
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
        var reason = Reason?.Trim();
        if (string.IsNullOrEmpty(reason))
        {
            Errors.Add(SwedishErrors.Translate("reason", "Required.", prefix: ""));
        }
        else if (reason.Length > CertificateRules.MaxReasonLength)
        {
            Errors.Add(SwedishErrors.Translate("reason", $"At most {CertificateRules.MaxReasonLength} characters.", prefix: ""));
        }
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
