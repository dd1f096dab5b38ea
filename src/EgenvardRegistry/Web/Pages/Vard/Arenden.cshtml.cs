using System.Globalization;
using EgenvardRegistry.Concerns;
using EgenvardRegistry.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace EgenvardRegistry.Web.Pages.Vard;

/// <summary>
/// The care unit's worklist of concerns from schools: open ones urgent first, then oldest first, each with a form to
/// answer it; or the answered ones. Read and answered through the API's store: the caller's care unit only, audited.
/// </summary>
public sealed class ArendenModel(ConcernStore concerns, TimeProvider time) : RegistryPageModel(time)
{
    /// <summary>One concern's answer form; its fields are named <c>Answers[&lt;concern id&gt;].Text</c>, so each form's ids differ.</summary>
    public sealed class AnswerForm
    {
        public string? Text { get; set; }

        public string? ReassessmentOn { get; set; }
    }

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty]
    public Dictionary<string, AnswerForm> Answers { get; set; } = [];

    public IReadOnlyList<ConcernOnCertificate> Items { get; private set; } = [];

    public bool ShowsAnswered => Status == ConcernStatus.Answered;

    /// <summary>Back from a sent answer: say so.</summary>
    public bool AnswerSent => Request.Query["besvarat"] == "1";

    public static FormField TextField(Guid concernId) => new($"Answers[{concernId}].Text", "Svar till skolan");

    public static FormField ReassessmentField(Guid concernId) => new($"Answers[{concernId}].ReassessmentOn", "Ny bedömning bokad (valfritt)");

    public AnswerForm AnswerFor(Guid concernId) => Answers.GetValueOrDefault(concernId.ToString()) ?? new AnswerForm();

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostAnswerAsync(Guid concernId, CancellationToken cancellationToken)
    {
        var form = AnswerFor(concernId);
        var errors = new ValidationErrors();
        var reassessmentOn = Date(form.ReassessmentOn, errors);
        var answer = ConcernRules.Validate(new AnswerConcernRequest(form.Text, reassessmentOn), Today, errors);
        Errors.Add(errors, path => path == "text" ? TextField(concernId) : ReassessmentField(concernId));
        if (answer is not null && !errors.Any)
        {
            var result = await concerns.AnswerAsync(concernId, answer, Caller, cancellationToken);
            switch (result.Outcome)
            {
                case ConcernOutcome.Done:
                    return LocalRedirect("/vard/arenden?besvarat=1");
                case ConcernOutcome.NotFound:
                    return NotFound();
                default:
                    Errors.Add(TextField(concernId).Name, "Ärendet",
                        "Ärendet har redan besvarats, av dig eller en kollega. Svaret finns under Besvarade ärenden.");
                    break;
            }
        }
        Status = ConcernStatus.Open;
        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Status = ConcernRules.Status(Status, new ValidationErrors()) ?? ConcernStatus.Open;
        Items = await concerns.ListForCareUnitAsync(Caller, Status, cancellationToken);
    }

    private static DateOnly? Date(string? text, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        if (DateOnly.TryParseExact(text.Trim(), CertificateForm.DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }
        errors.Add("reassessmentOn", CertificateForm.NotADate);
        return null;
    }
}
