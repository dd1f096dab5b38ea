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
    public bool HasContact { get; private set; }

    public static readonly FormField EmailField = new(nameof(Email), "E-postadress");

    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public bool RemindersEnabled { get; set; }

    public bool Saved { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var contact = await store.GetContactAsync(Caller, cancellationToken);
        HasContact = contact is not null;
        Email = contact?.Email;
        RemindersEnabled = contact?.RemindersEnabled ?? false;
        await LoadAsync(cancellationToken);
    }

    /// <summary>The same rules as <c>PUT /api/guardians/me/contact</c>, with the message in Swedish next to the field.</summary>
    public async Task<IActionResult> OnPostContactAsync(CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var email = MailAddresses.NormalizeEmail(Email, errors, "email");
        HasContact = true;
        if (errors.Any)
        {
            Errors.Add(errors, _ => EmailField);
        }
        else if (await store.SetContactAsync(Caller, email, RemindersEnabled, cancellationToken))
        {
            Email = email;
            Saved = true;
        }
        else
        {
            HasContact = false;
        }
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
