using EgenvardRegistry.Audit;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Http;
using EgenvardRegistry.Reminders;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace EgenvardRegistry.Web.Pages.Admin;

/// <summary>
/// The region administrator's page: failed and pending reminders (retry one, or run the cycle now) and the audit log,
/// searched by certificate id or, in a POST body so it never reaches a URL, by the child's personnummer.
/// </summary>
[EnableRateLimiting(RateLimits.LookupPosts)]
public sealed class IndexModel(ReminderAdminStore reminders, IReminderCycle cycle, AuditStore audit,
    IHostApplicationLifetime lifetime, TimeProvider time)
    : RegistryPageModel(time)
{
    public const int ListLength = 100;

    public IReadOnlyList<NotificationItem> Failed { get; private set; } = [];

    public IReadOnlyList<NotificationItem> Pending { get; private set; } = [];

    public ReminderRunCounts? RunCounts { get; private set; }

    public string? Message { get; private set; }

    public static readonly FormField PersonnummerField = new(nameof(Personnummer), "Barnets personnummer");

    public static readonly FormField CertificateIdField = new("intyg", "Intygets id");

    [BindProperty]
    public string? Personnummer { get; set; }

    [BindProperty(SupportsGet = true, Name = "intyg")]
    public string? CertificateId { get; set; }

    /// <summary>Null until a search has run; then its events, newest first.</summary>
    public IReadOnlyList<AuditEventItem>? AuditEvents { get; private set; }

    public string? AuditHeading { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(CertificateId))
        {
            if (Guid.TryParse(CertificateId.Trim(), out var id))
            {
                AuditEvents = (await audit.ListAsync(new AuditFilter(id, null, null), new PageRequest(ListLength, null), Caller,
                    cancellationToken)).Items;
                AuditHeading = $"Händelser för intyg {id}";
            }
            else
            {
                var errors = new ValidationErrors();
                errors.Add("certificateId", AuditEndpoints.NotACertificateId);
                Errors.Add(errors, _ => CertificateIdField);
            }
        }
        await LoadOutboxAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostRetryAsync(Guid id, CancellationToken cancellationToken)
    {
        var (item, retried) = await reminders.RetryAsync(id, Caller, cancellationToken);
        Message = item is null ? "Utskicket finns inte."
            : retried ? $"{SwedishText.NotificationKind(item.Kind)} till {item.GuardianName} ligger i kön igen och skickas vid nästa körning."
            : "Utskicket har inte misslyckats, så det behöver inte skickas igen.";
        await LoadOutboxAsync(cancellationToken);
        return Page();
    }

    /// <summary>On the application's stopping token, as <c>POST /api/admin/reminders/run</c>, not the request's.</summary>
    public async Task<IActionResult> OnPostRunAsync(CancellationToken cancellationToken)
    {
        RunCounts = await cycle.RunAsync(lifetime.ApplicationStopping);
        await reminders.AuditRunAsync(Caller, lifetime.ApplicationStopping);
        await LoadOutboxAsync(cancellationToken);
        return Page();
    }

    /// <summary>The same rules as <c>POST /api/admin/audit/search</c>.</summary>
    public async Task<IActionResult> OnPostSearchAsync(CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (Identifiers.Personnummer.Normalize(Personnummer, Today, errors, "personnummer") is { } personnummer)
        {
            AuditEvents = (await audit.SearchByChildAsync(personnummer, new PageRequest(ListLength, null), Caller, cancellationToken)).Items;
            AuditHeading = $"Händelser för barnet med personnummer {Identifiers.Personnummer.Mask(personnummer)}";
        }
        Errors.Add(errors, _ => PersonnummerField);
        Personnummer = null; // never echoed back into the page
        await LoadOutboxAsync(cancellationToken);
        return Page();
    }

    private async Task LoadOutboxAsync(CancellationToken cancellationToken)
    {
        Failed = (await reminders.ListAsync(NotificationStatus.Failed, ListLength, 0, Caller, cancellationToken)).Items;
        Pending = (await reminders.ListAsync(NotificationStatus.Pending, ListLength, 0, Caller, cancellationToken)).Items;
    }
}
