using System.Globalization;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Renewals;
using Microsoft.AspNetCore.Mvc;

namespace EgenvardRegistry.Web.Pages.Vard;

/// <summary>
/// The care unit's renewal worklist: certificates that expire within 30, 60 or 90 days with no renewal, and those whose
/// follow-up is overdue, each with the reminders sent, the open concerns, a link to renew and a form to record
/// "uppföljning gjord". Read and written through the API's store: the caller's care unit only, audited.
/// </summary>
public sealed class FornyelserModel(RenewalStore renewals, TimeProvider time) : RegistryPageModel(time)
{
    /// <summary>The chooser's choices; any other valid <c>withinDays</c> in the address is shown as it is.</summary>
    public static readonly IReadOnlyList<int> Choices = [30, 60, 90];

    /// <summary>One certificate's follow-up form; its fields are named <c>FollowUps[&lt;certificate id&gt;].DoneOn</c>, so each form's ids differ.</summary>
    public sealed class FollowUpForm
    {
        public string? DoneOn { get; set; }

        public string? Note { get; set; }
    }

    [BindProperty(SupportsGet = true)]
    public string? WithinDays { get; set; }

    [BindProperty]
    public Dictionary<string, FollowUpForm> FollowUps { get; set; } = [];

    public int Within { get; private set; } = RenewalRules.DefaultWithinDays;

    public RenewalWorklist Worklist { get; private set; } = new([], null);

    /// <summary>Back from a recorded follow-up: say so.</summary>
    public bool FollowUpRecorded => Request.Query["uppfoljning"] == "1";

    public static FormField DoneOnField(Guid certificateId) => new($"FollowUps[{certificateId}].DoneOn", "Datum för uppföljningen");

    public static FormField NoteField(Guid certificateId) => new($"FollowUps[{certificateId}].Note", "Anteckning (valfritt)");

    /// <summary>What was posted for this certificate, or an empty form dated today.</summary>
    public FollowUpForm FormFor(Guid certificateId) =>
        FollowUps.GetValueOrDefault(certificateId.ToString()) ?? new FollowUpForm { DoneOn = CertificateForm.Text(Today) };

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostFollowUpAsync(Guid certificateId, CancellationToken cancellationToken)
    {
        var form = FormFor(certificateId);
        // A date the form could not read is reported first, so its field does not also say the date is missing.
        var unreadable = new ValidationErrors();
        var doneOn = Date(form.DoneOn, unreadable);
        Errors.Add(unreadable, path => FieldFor(path, certificateId));
        var errors = new ValidationErrors();
        var followUp = RenewalRules.Validate(new FollowUpRequest(doneOn, form.Note), Today, errors);
        Errors.Add(errors, path => FieldFor(path, certificateId));
        if (followUp is not null)
        {
            var result = await renewals.RecordFollowUpAsync(certificateId, followUp, Caller, cancellationToken);
            switch (result.Outcome)
            {
                case FollowUpOutcome.Done:
                    return LocalRedirect($"/vard/fornyelser?withinDays={ReadWithin()}&uppfoljning=1");
                case FollowUpOutcome.NotFound:
                    return NotFound();
                case FollowUpOutcome.Invalid:
                    Errors.Add(result.Errors!, path => FieldFor(path, certificateId));
                    break;
                default:
                    Errors.Add(DoneOnField(certificateId).Name, "Uppföljningen",
                        "Intyget har förnyats eller återkallats under tiden. Registrera uppföljningen på det nya intyget.");
                    break;
            }
        }
        await LoadAsync(cancellationToken);
        return Page();
    }

    private static FormField FieldFor(string path, Guid certificateId) =>
        path == "note" ? NoteField(certificateId) : DoneOnField(certificateId);

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Within = ReadWithin();
        // The page shows one long page; past that the lead text says the list is cut (the API pages on).
        Worklist = await renewals.WorklistAsync(Caller, Today, new RenewalQuery(Within, RenewalRules.MaxLimit, 0), cancellationToken);
    }

    /// <summary>An unreadable <c>withinDays</c> in the address falls back to the default, as the chooser's links never send one.</summary>
    private int ReadWithin() => RenewalRules.Query(WithinDays, null, null, new ValidationErrors())?.WithinDays ?? RenewalRules.DefaultWithinDays;

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
        errors.Add("doneOn", CertificateForm.NotADate);
        return null;
    }
}
