using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Http;
using EgenvardRegistry.Requests;
using EgenvardRegistry.Schools;
using EgenvardRegistry.Verification;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace EgenvardRegistry.Web.Pages.Skola;

/// <summary>
/// School staff check, before they help a child, that a valid certificate covers the measure today; the answer reads
/// at a glance. The check is the API's (its rules and <see cref="VerificationStore"/>): only certificates shared with
/// the unit count, and every check is audited. A "none" or "expired" verdict offers to ask for a certificate through the
/// guardians, and the overview lists the unit's open requests.
/// </summary>
[EnableRateLimiting(RateLimits.LookupPosts)]
public sealed class IndexModel(VerificationStore verifications, SchoolStore schools, CertificateRequestStore requests,
    IOptions<RequestOptions> requestOptions, TimeProvider time) : RegistryPageModel(time)
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

    /// <summary>No certificate, or an expired one: the school asks for one through the guardians.</summary>
    public bool OffersRequest =>
        Outcome is { Covered: false, Reason: VerificationReasons.None or VerificationReasons.Expired };

    /// <summary>What the request form starts with: the measure checked and, for an expired certificate, its measures.</summary>
    public IReadOnlyList<string> RequestMeasures =>
        [.. new[] { Measure }.Concat(Outcome?.Certificate?.Measures.Select(measure => measure.Code) ?? []).OfType<string>().Distinct()];

    public int ExpireAfterDays => requestOptions.Value.ExpireAfterDays;

    /// <summary>The unit's open requests, oldest first, as the API shows them (age, days left).</summary>
    public IReadOnlyList<CertificateRequestResponse> OpenRequests { get; private set; } = [];

    /// <summary>What the last request or withdrawal did: skickad, fanns, tillbakadragen, or stangd (no longer open).</summary>
    [BindProperty(SupportsGet = true, Name = "begaran")]
    public string? RequestNotice { get; set; }

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

    /// <summary>The school withdraws one of its open requests; any e-mail not yet sent is cancelled.</summary>
    public async Task<IActionResult> OnPostWithdrawAsync(Guid requestId, CancellationToken cancellationToken)
    {
        var result = await requests.WithdrawAsync(requestId, Caller, cancellationToken);
        return result.Outcome switch
        {
            WithdrawOutcome.Done => LocalRedirect("/skola?begaran=tillbakadragen#begaranden"),
            WithdrawOutcome.NotOpen => LocalRedirect("/skola?begaran=stangd#begaranden"),
            _ => NotFound(),
        };
    }

    private async Task LoadOverviewAsync(CancellationToken cancellationToken)
    {
        var expireAfterDays = requestOptions.Value.ExpireAfterDays;
        OpenRequests = [.. (await requests.ListForSchoolAsync(Caller, RequestStatus.Open, cancellationToken))
            .Select(request => CertificateRequestResponse.From(request, Caller, Today, expireAfterDays))];
        Expiring = await schools.ListAsync(Caller, Today, 30, cancellationToken);
        Uninstructed = [.. (await schools.ListEntriesAsync(Caller, Today, null, withoutInstructedStaff: true, cancellationToken))
            .Select(entry => entry.Certificate)];
    }
}
