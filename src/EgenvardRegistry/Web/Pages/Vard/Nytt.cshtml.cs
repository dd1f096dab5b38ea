using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Requests;
using EgenvardRegistry.Units;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace EgenvardRegistry.Web.Pages.Vard;

/// <summary>
/// Issue a certificate: the API's rules validate it and the API's store issues (and audits) it. Opened from a school's
/// certificate request (<c>?begaran=id</c>, an id, never a personnummer), the form starts filled in from the request and
/// the certificate answers it: shared with the requesting school unit, and the request closes.
/// </summary>
public sealed class NyttModel(CertificateStore store, CertificateRequestStore requests, IOptions<RequestOptions> requestOptions,
    UnitStore units, TimeProvider time) : CertificateFormPage(units, time)
{
    public static readonly FormField AnswersRequestField = new(nameof(AnswersRequest), "Begäran om intyg");

    /// <summary>The request the certificate answers, carried through the form in a hidden field.</summary>
    [BindProperty]
    public Guid? AnswersRequest { get; set; }

    /// <summary>How the page names the request it answers ("BEG-7K3M-Q2 från Solbackeskolan (12345678)"), carried with it.</summary>
    [BindProperty]
    public string? AnswersRequestLabel { get; set; }

    /// <summary>Set when the request the page was opened from is no longer open.</summary>
    public string? ClosedRequestNotice { get; private set; }

    public async Task<IActionResult> OnGetAsync([FromQuery(Name = "begaran")] Guid? begaran, CancellationToken cancellationToken)
    {
        Form.ValidFrom = CertificateForm.Text(Today);
        Form.ValidUntil = CertificateForm.Text(Today.AddMonths(12));
        Form.FollowUpOn = CertificateForm.Text(Today.AddMonths(6));
        Form.SharedWith = [""];
        if (begaran is not { } requestId)
        {
            return Page();
        }
        if (await requests.ReadForAnswerAsync(requestId, Caller, cancellationToken) is not { } request)
        {
            return NotFound();
        }
        var status = RequestRules.StatusToday(request.Status, request.CreatedAt, Today, requestOptions.Value.ExpireAfterDays);
        if (status != RequestStatus.Open)
        {
            ClosedRequestNotice = $"Begäran {request.Reference} är inte längre öppen ({SwedishText.RequestStatus(status).ToLowerInvariant()}). " +
                "Du kan utfärda ett intyg ändå, men det besvarar ingen begäran.";
            return Page();
        }
        AnswersRequest = request.Id;
        AnswersRequestLabel = $"{request.Reference} från {SwedishText.SchoolUnit(request.SchoolUnit, request.SchoolUnitName)}";
        Form.Child = new PersonFields { Personnummer = SwedishText.Personnummer(request.ChildPersonnummer), Name = request.ChildName };
        Form.Measures = [.. request.Measures.Select(code => new MeasureFields { Code = code })];
        Form.SharedWith = [request.SchoolUnit];
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var formErrors = new ValidationErrors();
        var sharedWith = await ReadUnitsAsync(formErrors, cancellationToken);
        var (certificate, ruleErrors) = CertificateRules.Validate(Form.ToIssueRequest(CareUnitHsaId, sharedWith, formErrors), Today);
        ShowErrors(formErrors);
        ShowErrors(ruleErrors);
        if (certificate is null || Errors.Any)
        {
            return await ShowFormAsync(cancellationToken);
        }
        if (AnswersRequest is not { } requestId)
        {
            var issued = await store.IssueAsync(certificate, Caller, cancellationToken);
            return RedirectToPage("/Vard/Intyg", new { id = issued.Id });
        }
        var answer = await store.IssueAnsweringAsync(certificate, requestId, Caller, cancellationToken);
        if (answer.Certificate is not { } answered)
        {
            var refusal = new ValidationErrors();
            refusal.Add("answersRequest", answer.Refusal!);
            Errors.Add(refusal, _ => AnswersRequestField);
            return await ShowFormAsync(cancellationToken);
        }
        return RedirectToPage("/Vard/Intyg", new { id = answered.Id });
    }

    protected override Task<IActionResult> ShowFormAsync(CancellationToken cancellationToken) => Task.FromResult<IActionResult>(Page());
}
