using System.Net;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace EgenvardRegistry.Reminders;

/// <summary>One outbox row as the administrator sees it: which certificate, to whom (by name), and how delivery went.</summary>
public sealed record NotificationItem(
    Guid Id,
    Guid CertificateId,
    string GuardianName,
    int ThresholdDays,
    string Status,
    int Attempts,
    DateTimeOffset NextAttemptAt,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SentAt);

public sealed record NotificationPage(IReadOnlyList<NotificationItem> Items, int? NextOffset);

public static class ReminderEndpoints
{
    public const int MaxLimit = 500;

    public static IEndpointRouteBuilder MapReminders(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/api/admin").WithTags("Reminders")
            .RequireAuthorization(Policies.Admin)
            .RequireRateLimiting(RateLimits.Api)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        admin.MapGet("/notifications", ListNotifications)
            .WithName(nameof(ListNotifications))
            .WithSummary("The reminder outbox, newest first; status=pending|sending|sent|failed|cancelled; paged by limit and offset.");
        admin.MapPost("/notifications/{id:guid}/retry", RetryNotification)
            .WithName(nameof(RetryNotification))
            .WithSummary("Send a failed notification again: it goes back to pending with a fresh set of attempts.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        admin.MapPost("/reminders/run", RunReminders)
            .WithName(nameof(RunReminders))
            .WithSummary("Run the reminder scan and drain the outbox now; returns the counts.");

        // The one-click link in every reminder works without signing in: its signature is the authority.
        var unsubscribe = routes.MapGroup("/reminders/unsubscribe").WithTags("Reminders").ExcludeFromDescription();
        unsubscribe.MapGet("/", ConfirmUnsubscribe).WithName(nameof(ConfirmUnsubscribe));
        unsubscribe.MapPost("/", Unsubscribe).WithName(nameof(Unsubscribe)).RequireRateLimiting(RateLimits.Lookup);
        return routes;
    }

    public static async Task<Results<Ok<NotificationPage>, ValidationProblem>> ListNotifications(
        string? status, int? limit, int? offset, Caller caller, ReminderAdminStore store, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (status is not null && !NotificationStatus.All.Contains(status))
        {
            errors["status"] = [$"One of {string.Join(", ", NotificationStatus.All)}."];
        }
        if (limit is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"Between 1 and {MaxLimit}."];
        }
        if (offset is < 0)
        {
            errors["offset"] = ["Zero or more."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        return TypedResults.Ok(await store.ListAsync(status, limit ?? 100, offset ?? 0, caller, cancellationToken));
    }

    public static async Task<Results<Ok<NotificationItem>, ProblemHttpResult>> RetryNotification(
        Guid id, Caller caller, ReminderAdminStore store, CancellationToken cancellationToken)
    {
        var (found, retried) = await store.RetryAsync(id, caller, cancellationToken);
        return found switch
        {
            null => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Notification not found"),
            _ when retried => TypedResults.Ok(found),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Only a failed notification can be retried",
                detail: $"This notification is {found.Status}."),
        };
    }

    public static async Task<Ok<ReminderRunCounts>> RunReminders(
        Caller caller, IReminderCycle cycle, ReminderAdminStore store, CancellationToken cancellationToken)
    {
        var counts = await cycle.RunAsync(cancellationToken);
        await store.AuditRunAsync(caller, cancellationToken);
        return TypedResults.Ok(counts);
    }

    public static ContentHttpResult ConfirmUnsubscribe(string? token, IOptions<ReminderOptions> options)
    {
        if (!UnsubscribeLinks.From(options.Value).TryRead(token, out _))
        {
            return InvalidLink();
        }
        // A GET never changes anything (mail scanners open links); the button posts, as RFC 8058's one-click does.
        return Page(StatusCodes.Status200OK, "Stäng av påminnelser", $"""
            <p>Vill du sluta få e-post om egenvårdsintyg som snart går ut?</p>
            <form method="post" action="?token={WebUtility.HtmlEncode(token)}">
              <input type="hidden" name="List-Unsubscribe" value="One-Click">
              <button type="submit">Stäng av påminnelser</button>
            </form>
            """);
    }

    public static async Task<ContentHttpResult> Unsubscribe(string? token, IOptions<ReminderOptions> options,
        ReminderAdminStore store, CancellationToken cancellationToken)
    {
        if (!UnsubscribeLinks.From(options.Value).TryRead(token, out var guardianId))
        {
            return InvalidLink();
        }
        await store.TurnRemindersOffAsync(guardianId, cancellationToken);
        return Page(StatusCodes.Status200OK, "Påminnelser avstängda",
            "<p>Du får inte längre e-post om egenvårdsintyg som snart går ut. Du kan slå på påminnelserna igen när du loggar in.</p>");
    }

    private static ContentHttpResult InvalidLink() => Page(StatusCodes.Status400BadRequest, "Ogiltig länk",
        "<p>Länken är ogiltig eller har ändrats. Logga in för att ändra dina påminnelser.</p>");

    private static ContentHttpResult Page(int status, string title, string body) => TypedResults.Content($"""
        <!DOCTYPE html>
        <html lang="sv">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title></head>
        <body><main><h1>{title}</h1>{body}</main></body>
        </html>
        """, "text/html; charset=utf-8", statusCode: status);
}
