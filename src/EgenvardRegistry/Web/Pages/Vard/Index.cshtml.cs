using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Http;
using EgenvardRegistry.Requests;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace EgenvardRegistry.Web.Pages.Vard;

/// <summary>
/// The clinician's start: find a child's certificates by personnummer. The search is a POST and its answer is shown
/// at once, so the personnummer is never in a URL; it is a look-up by personnummer, so it has the API search's budget.
/// Other care units' certificates show as summaries until the clinician states a care relationship with the child
/// (a confirmation step of its own), which the search audits. The child's open certificate requests from schools come
/// with the results, each with a link that opens the issue form answering it.
/// </summary>
[EnableRateLimiting(RateLimits.Lookup)]
public sealed class StartModel(CertificateStore store, CertificateRequestStore requests, IOptions<RequestOptions> requestOptions,
    TimeProvider time) : RegistryPageModel(time)
{
    public static readonly FormField PersonnummerField = new(nameof(Personnummer), "Barnets personnummer");

    public static readonly FormField CareRelationshipField = new(nameof(CareRelationship), "Din vårdrelation med barnet");

    [BindProperty]
    public string? Personnummer { get; set; }

    [BindProperty]
    public string? CareRelationship { get; set; }

    /// <summary>Null until a search has been made.</summary>
    public CertificateSearch? Results { get; private set; }

    /// <summary>The child's open certificate requests, oldest first; empty until a search has been made.</summary>
    public IReadOnlyList<CertificateRequestResponse> OpenRequests { get; private set; } = [];

    /// <summary>The step where the clinician states the care relationship, before anything more is shown.</summary>
    public bool AskingForCareRelationship { get; private set; }

    /// <summary>The care relationship the search was made with, once stated.</summary>
    public string? StatedCareRelationship { get; private set; }

    public string OwnCareUnit => Caller.CareUnit!;

    /// <summary>Every certificate found, full or summary, newest first, as one line of the table.</summary>
    public IReadOnlyList<SearchRow> Rows => Results is not { } results ? [] :
    [
        .. results.Certificates.Select(c => new SearchRow(c.Id, SwedishText.Measures(c.Measures), SwedishText.Status(c, Today),
                c.CareUnit, c.ValidUntil, c.IssuedAt, c.CareUnit.HsaId == OwnCareUnit, Full: true))
            .Concat(results.Summaries.Select(s => new SearchRow(s.Id, SwedishText.Measures(s.Measures), SwedishText.Status(s, Today),
                s.CareUnit, s.ValidUntil, s.IssuedAt, OwnUnit: false, Full: false)))
            .OrderByDescending(row => row.IssuedAt).ThenByDescending(row => row.Id),
    ];

    /// <summary>Other care units' certificates shown in full after a stated care relationship.</summary>
    public IReadOnlyList<Certificate> OtherUnitsInFull =>
        Results?.Certificates.Where(c => c.CareUnit.HsaId != OwnCareUnit).ToList() ?? [];

    public string? ChildName => Results is { Certificates: [var first, ..] } ? first.ChildName : null;

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (ValidPersonnummer() is { } personnummer)
        {
            Results = await store.SearchAsync(personnummer, careRelationship: null, Caller, cancellationToken);
            await LoadRequestsAsync(personnummer, cancellationToken);
        }
        return Page();
    }

    /// <summary>The confirmation step: asks for the care relationship and shows nothing more of the child.</summary>
    public IActionResult OnPostRelation()
    {
        AskingForCareRelationship = ValidPersonnummer() is not null;
        return Page();
    }

    public async Task<IActionResult> OnPostOpenAsync(CancellationToken cancellationToken)
    {
        if (ValidPersonnummer() is not { } personnummer)
        {
            return Page();
        }
        var errors = new ValidationErrors();
        // On the page the statement is this step's whole point: an empty field is a blank statement, not a left-out one.
        if (!CertificateRules.CareRelationship(CareRelationship ?? "", errors, out var careRelationship))
        {
            Errors.Add(errors, _ => CareRelationshipField);
            AskingForCareRelationship = true;
            return Page();
        }
        Results = await store.SearchAsync(personnummer, careRelationship, Caller, cancellationToken);
        StatedCareRelationship = careRelationship;
        await LoadRequestsAsync(personnummer, cancellationToken);
        return Page();
    }

    private async Task LoadRequestsAsync(string personnummer, CancellationToken cancellationToken) =>
        OpenRequests = [.. (await requests.SearchOpenAsync(personnummer, Caller, cancellationToken))
            .Select(request => CertificateRequestResponse.From(request, Caller, Today, requestOptions.Value.ExpireAfterDays))];

    private string? ValidPersonnummer()
    {
        var errors = new ValidationErrors();
        var personnummer = Identifiers.Personnummer.Normalize(Personnummer, Today, errors, "personnummer");
        Errors.Add(errors, _ => PersonnummerField);
        return personnummer;
    }
}

/// <summary>One certificate in the search's table; <see cref="Full"/> false for another unit's summary.</summary>
public sealed record SearchRow(Guid Id, string Measures, StatusText Status, CareUnit CareUnit, DateOnly ValidUntil,
    DateTimeOffset IssuedAt, bool OwnUnit, bool Full);
