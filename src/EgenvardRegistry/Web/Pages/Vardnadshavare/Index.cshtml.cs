using EgenvardRegistry.Certificates;
using EgenvardRegistry.Concerns;
using EgenvardRegistry.Guardians;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Mail;
using EgenvardRegistry.Requests;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace EgenvardRegistry.Web.Pages.Vardnadshavare;

/// <summary>
/// A guardian's page: the children's certificates and the units that see each, schools' requests for a certificate, what schools reported about them
/// and the care units' answers, the e-mail address for reminders, and who has read the data.
/// </summary>
public sealed class IndexModel(GuardianStore store, ConcernStore concerns, CertificateRequestStore requests,
    IOptions<RequestOptions> requestOptions, UnitNames units, TimeProvider time) : RegistryPageModel(time)
{
    public const int AccessLogLength = 50;

    public IReadOnlyList<Certificate> Certificates { get; private set; } = [];

    public IReadOnlyList<AccessLogEntry> AccessLog { get; private set; } = [];

    public IReadOnlyList<ConcernOnCertificate> Concerns { get; private set; } = [];

    /// <summary>Schools' requests for a certificate about the children, newest first.</summary>
    public IReadOnlyList<CertificateRequestResponse> Requests { get; private set; } = [];

    /// <summary>False when no certificate names the caller yet: then there is no contact record to change.</summary>
    public bool HasContact => Contact is not null;

    /// <summary>The contact details as stored: where the address came from, and any address care suggested.</summary>
    public GuardianContact? Contact { get; private set; }

    public static readonly FormField EmailField = new(nameof(Email), "E-postadress");

    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public bool RemindersEnabled { get; set; }

    /// <summary>The suggested address as the page showed it: what the guardian accepts or dismisses.</summary>
    [BindProperty]
    public string? SuggestedEmail { get; set; }

    public bool Saved { get; private set; }

    /// <summary>What became of the guardian's answer to a suggested address, for the status message.</summary>
    public SuggestionOutcome? SuggestionAnswered { get; private set; }

    public bool SuggestionAccepted { get; private set; }

    /// <summary>Where the address in use came from and when, in Swedish; null without one.</summary>
    public string? EmailOrigin => Contact switch
    {
        { Email: not null, EmailSource: EmailSources.Guardian, EmailSetAt: { } at } =>
            $"Du angav adressen själv {SwedishText.StockholmTime(at)}.",
        { Email: not null, EmailSetAt: { } at } => $"Vården angav adressen {SwedishText.StockholmTime(at)}. Du kan ändra den här.",
        _ => null,
    };

    /// <summary>What became of the guardian's answer to a suggestion, in Swedish; null when there was none.</summary>
    public string? SuggestionStatus => SuggestionAnswered switch
    {
        SuggestionOutcome.Done when SuggestionAccepted => $"Du använder nu {Contact?.Email}.",
        SuggestionOutcome.Done => "Du behåller din e-postadress. Vårdens förslag är borttaget.",
        SuggestionOutcome.Conflict => "Förslaget har ändrats eller finns inte längre. Se uppgifterna nedan.",
        _ => null,
    };

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        ShowContact(await store.GetContactAsync(Caller, cancellationToken));
        await LoadAsync(cancellationToken);
    }

    private void ShowContact(GuardianContact? contact)
    {
        Contact = contact;
        Email = contact?.Email;
        RemindersEnabled = contact?.RemindersEnabled ?? false;
    }

    /// <summary>The same rules as <c>PUT /api/guardians/me/contact</c>, with the message in Swedish next to the field.</summary>
    public async Task<IActionResult> OnPostContactAsync(CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var email = MailAddresses.NormalizeEmail(Email, errors, "email");
        if (errors.Any)
        {
            Errors.Add(errors, _ => EmailField);
            // What the guardian typed stays in the field; the rest of the section is as stored.
            Contact = await store.GetContactAsync(Caller, cancellationToken);
        }
        else
        {
            ShowContact(await store.SetContactAsync(Caller, email, RemindersEnabled, cancellationToken));
            Saved = HasContact;
        }
        await LoadAsync(cancellationToken);
        return Page();
    }

    /// <summary>The same rules as <c>POST /api/guardians/me/contact/suggestion/acceptance</c>.</summary>
    public Task<IActionResult> OnPostAcceptSuggestionAsync(CancellationToken cancellationToken) =>
        AnswerSuggestionAsync(accept: true, cancellationToken);

    /// <summary>The same rules as <c>POST /api/guardians/me/contact/suggestion/dismissal</c>.</summary>
    public Task<IActionResult> OnPostDismissSuggestionAsync(CancellationToken cancellationToken) =>
        AnswerSuggestionAsync(accept: false, cancellationToken);

    private async Task<IActionResult> AnswerSuggestionAsync(bool accept, CancellationToken cancellationToken)
    {
        // The address comes from the page's own hidden field; one that is not an address matches no suggestion.
        var suggested = SuggestedEmail?.Trim();
        var result = string.IsNullOrEmpty(suggested)
            ? new SuggestionResult(SuggestionOutcome.Conflict)
            : await store.AnswerSuggestionAsync(Caller, suggested, accept, cancellationToken);
        ShowContact(result.Contact ?? await store.GetContactAsync(Caller, cancellationToken));
        SuggestionAnswered = result.Outcome;
        SuggestionAccepted = accept;
        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Certificates = await store.ListCertificatesAsync(Caller, cancellationToken);
        Concerns = await concerns.ListForGuardianAsync(Caller, cancellationToken);
        Requests = [.. (await requests.ListForGuardianAsync(Caller, cancellationToken))
            .Select(request => CertificateRequestResponse.From(request, Caller, Today, requestOptions.Value.ExpireAfterDays))];
        AccessLog = (await store.ListAccessLogAsync(Caller, new PageRequest(AccessLogLength, null), cancellationToken)).Items;
        await units.LoadAsync([
            .. Certificates.SelectMany(certificate => certificate.SharedWith),
            .. AccessLog.Where(entry => entry.ActorRole == Infrastructure.Auth.Roles.School).Select(entry => entry.Unit),
            .. Concerns.Select(item => item.Concern.SchoolUnit)], cancellationToken);
    }

    /// <summary>A unit by name: "Solbackaskolan, Västerås", or "Okänd enhet (…)" when the directory lacks it.</summary>
    public string UnitName(string unit) => UnitText.Name(unit, units.Find(unit));

    /// <summary>Units are shared and withdrawn on the current, active certificate.</summary>
    public static bool CanChangeShares(Certificate certificate) => certificate.Status == CertificateStatus.Active;

    /// <summary>The units named in the log, by name where one of the caller's certificates tells it.</summary>
    public string UnitName(AccessLogEntry entry)
    {
        var careUnit = Certificates.FirstOrDefault(c => c.CareUnit.HsaId == entry.Unit)?.CareUnit.Name;
        return entry.ActorRole switch
        {
            Infrastructure.Auth.Roles.Clinician => careUnit is null ? $"Vårdenhet {entry.Unit}" : $"{careUnit} ({entry.Unit})",
            Infrastructure.Auth.Roles.School when entry.Unit is { } unit => UnitName(unit),
            Infrastructure.Auth.Roles.Admin => "Regionens administratör",
            _ => entry.Unit ?? "",
        };
    }
}
