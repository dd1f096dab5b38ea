using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Http;
using EgenvardRegistry.Schools;
using EgenvardRegistry.Verification;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace EgenvardRegistry.Web.Pages.Skola;

/// <summary>
/// School staff check, before they help a child, that a valid certificate covers the measure today; the answer reads
/// at a glance. The check is the API's (its rules and <see cref="VerificationStore"/>): only certificates shared with
/// the unit count, and every check is audited.
/// </summary>
[EnableRateLimiting(RateLimits.LookupPosts)]
public sealed class IndexModel(VerificationStore verifications, SchoolStore schools, TimeProvider time) : RegistryPageModel(time)
{
    public static readonly FormField PersonnummerField = new(nameof(Personnummer), "Barnets personnummer");

    public static readonly FormField MeasureField = new(nameof(Measure), "Åtgärd");

    [BindProperty]
    public string? Personnummer { get; set; }

    [BindProperty]
    public string? Measure { get; set; }

    /// <summary>The certificate staff are asked about when a check of <c>other</c> needs their confirmation.</summary>
    [BindProperty]
    public Guid? CertificateId { get; set; }

    /// <summary>Staff's answer: the measure the certificate describes is the one at hand.</summary>
    [BindProperty]
    public bool SameMeasure { get; set; }

    public VerificationOutcome? Outcome { get; private set; }

    /// <summary>No valid certificate for a measure whose absence can be life-threatening: the verdict says call 112.</summary>
    public bool ShowEmergency => Outcome is { Covered: false } && Measure is not null && MeasureCatalogue.Emergency.Contains(Measure);

    public IReadOnlyList<Certificate> Expiring { get; private set; } = [];

    /// <summary>Certificates shared with the unit for which no one at the unit is recorded as instructed.</summary>
    public IReadOnlyList<Certificate> Uninstructed { get; private set; } = [];

    public Task OnGetAsync(CancellationToken cancellationToken) => LoadOverviewAsync(cancellationToken);

    public async Task OnPostAsync(CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var (personnummer, measure) = VerificationEndpoints.Validate(new VerificationRequest(Personnummer, Measure), Today, errors);
        Errors.Add(errors, path => path == "measure" ? MeasureField : PersonnummerField);
        if (!errors.Any)
        {
            Measure = measure;
            Outcome = await verifications.VerifyAsync(personnummer!, measure!, Caller, Today, cancellationToken);
        }
        await LoadOverviewAsync(cancellationToken);
    }

    /// <summary>Staff say whether the measure a certificate describes under <c>other</c> is the one they are about to help with.</summary>
    public async Task OnPostConfirmAsync(CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var personnummer = Identifiers.Personnummer.Normalize(Personnummer, Today, errors, "personnummer");
        Errors.Add(errors, _ => PersonnummerField);
        if (personnummer is not null && CertificateId is { } certificateId)
        {
            Measure = MeasureCatalogue.Other;
            Outcome = await verifications.ConfirmAsync(personnummer, certificateId, SameMeasure, Caller, Today, cancellationToken);
        }
        await LoadOverviewAsync(cancellationToken);
    }

    private async Task LoadOverviewAsync(CancellationToken cancellationToken)
    {
        Expiring = await schools.ListAsync(Caller, Today, 30, cancellationToken);
        Uninstructed = [.. (await schools.ListEntriesAsync(Caller, Today, null, withoutInstructedStaff: true, cancellationToken))
            .Select(entry => entry.Certificate)];
    }
}
