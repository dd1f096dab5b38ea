using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EgenvardRegistry.Reminders;

/// <summary>
/// One outbox row as the administrator sees it: what it is (a reminder about a certificate at a threshold, or a school's
/// certificate request by its reference), to whom (by name), and how delivery went.
/// </summary>
public sealed record NotificationItem(
    Guid Id,
    string Kind,
    Guid? CertificateId,
    Guid? RequestId,
    string? Reference,
    string GuardianName,
    int? ThresholdDays,
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

    public static readonly ErrorCode UnknownStatus = new("notification-status.unknown", $"One of {string.Join(", ", NotificationStatus.All)}.");
    public static readonly ErrorCode LimitOutOfRange = new("limit.out-of-range", $"Between 1 and {MaxLimit}.");
    public static readonly ErrorCode NegativeOffset = new("offset.negative", "Zero or more.");

    public static IEndpointRouteBuilder MapReminders(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapApiGroup("/api/admin", "Reminders")
            .RequireAuthorization(Policies.Admin);
        admin.MapGet("/notifications", ListNotifications)
            .WithName(nameof(ListNotifications))
            .WithSummary("The outbox (reminders, kind reminder; certificate requests, kind certificate-request; notices to a unit " +
                         "that a guardian stopped sharing a certificate with it, kind share-withdrawn, guardianName the unit's name), newest first; " +
                         "status=pending|sending|sent|failed|cancelled; paged by limit and offset.");
        admin.MapPost("/notifications/{id:guid}/retry", RetryNotification)
            .WithName(nameof(RetryNotification))
            .WithSummary("Send a failed notification again: it goes back to pending with a fresh set of attempts.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        admin.MapPost("/reminders/run", RunReminders)
            .WithName(nameof(RunReminders))
            .WithSummary("Run the reminder scan and drain the outbox now; returns the counts.");
        return routes;
    }

    public static async Task<Results<Ok<NotificationPage>, ValidationProblem>> ListNotifications(
        string? status, int? limit, int? offset, Caller caller, ReminderAdminStore store, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (status is not null && !NotificationStatus.All.Contains(status))
        {
            errors.Add("status", UnknownStatus);
        }
        if (limit is < 1 or > MaxLimit)
        {
            errors.Add("limit", LimitOutOfRange);
        }
        if (offset is < 0)
        {
            errors.Add("offset", NegativeOffset);
        }
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToProblemErrors());
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

    /// <summary>
    /// Runs on the application's stopping token, not the request's: a client that goes away after the mail server took a
    /// message must not leave its row unmarked, to be sent again.
    /// </summary>
    public static async Task<Ok<ReminderRunCounts>> RunReminders(
        Caller caller, IReminderCycle cycle, ReminderAdminStore store, IHostApplicationLifetime lifetime)
    {
        var counts = await cycle.RunAsync(lifetime.ApplicationStopping);
        await store.AuditRunAsync(caller, lifetime.ApplicationStopping);
        return TypedResults.Ok(counts);
    }
}
