using Dapper;
using EgenvardRegistry.Audit;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Database;
using EgenvardRegistry.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;

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

    public static readonly ErrorCode UnknownStatus = new("notification-status.unknown", $"One of {string.Join(", ", NotificationStatus.All)}.");
    public static readonly ErrorCode LimitOutOfRange = new("limit.out-of-range", $"Between 1 and {MaxLimit}.");
    public static readonly ErrorCode NegativeOffset = new("offset.negative", "Zero or more.");

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

    public static async Task<Ok<ReminderRunCounts>> RunReminders(
        Caller caller, IReminderCycle cycle, ReminderAdminStore store, CancellationToken cancellationToken)
    {
        var counts = await cycle.RunAsync(cancellationToken);
        await store.AuditRunAsync(caller, cancellationToken);
        return TypedResults.Ok(counts);
    }
}

/// <summary>What administrators and unsubscribe links do to the outbox and to guardians' reminder settings.</summary>
public sealed class ReminderAdminStore(IDbConnectionFactory db, TimeProvider time)
{
    private const string ItemColumns = """
        n.id, n.certificate_id, g.name AS guardian_name, n.threshold_days, n.status, n.attempts, n.next_attempt_at,
        n.last_error, n.created_at, n.sent_at
        """;

    public async Task<NotificationPage> ListAsync(string? status, int limit, int offset, Caller caller, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var filter = status is null ? "" : "WHERE n.status = @Status";
        var rows = (await connection.QueryAsync<NotificationRow>(new CommandDefinition($"""
            SELECT {ItemColumns}
            FROM notifications n
            JOIN guardians g ON g.id = n.guardian_id
            {filter}
            ORDER BY n.created_at DESC, n.id
            LIMIT @Take OFFSET @Offset
            """, new { Status = status, Take = limit + 1, Offset = offset }, transaction, cancellationToken: cancellationToken))).ToList();
        await AuditLog.WriteAsync(transaction, AuditEvent.By(caller, time.GetUtcNow(), AuditActions.NotificationsRead, AuditOutcomes.Ok),
            cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new NotificationPage([.. rows.Take(limit).Select(row => row.ToItem())], rows.Count > limit ? offset + limit : null);
    }

    /// <returns>The notification after the call (null when there is none), and whether it was put back in the queue.</returns>
    public async Task<(NotificationItem? Item, bool Retried)> RetryAsync(Guid id, Caller caller, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var retried = await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE notifications SET status = 'pending', attempts = 0, next_attempt_at = @Now
            WHERE id = @Id AND status = 'failed'
            """, new { Id = id, Now = now }, transaction, cancellationToken: cancellationToken)) == 1;
        var row = await connection.QuerySingleOrDefaultAsync<NotificationRow>(new CommandDefinition($"""
            SELECT {ItemColumns}, c.child_id
            FROM notifications n
            JOIN guardians g ON g.id = n.guardian_id
            JOIN certificates c ON c.id = n.certificate_id
            WHERE n.id = @Id
            """, new { Id = id }, transaction, cancellationToken: cancellationToken));
        if (row is not null)
        {
            await AuditLog.WriteAsync(transaction, AuditEvent.By(caller, now, AuditActions.NotificationRetry,
                retried ? AuditOutcomes.Ok : "conflict", row.CertificateId, row.ChildId), cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return (row?.ToItem(), retried);
    }

    public async Task AuditRunAsync(Caller caller, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await AuditLog.WriteAsync(transaction, AuditEvent.By(caller, time.GetUtcNow(), AuditActions.RemindersRun, AuditOutcomes.Ok),
            cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task TurnRemindersOffAsync(Guid guardianId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE guardians SET reminders_enabled = @Enabled, updated_at = @Now WHERE id = @Id",
            new { Id = guardianId, Enabled = false, Now = time.GetUtcNow() }, cancellationToken: cancellationToken));
    }

    private sealed class NotificationRow
    {
        public Guid Id { get; set; }
        public Guid CertificateId { get; set; }
        public Guid ChildId { get; set; }
        public string GuardianName { get; set; } = "";
        public int ThresholdDays { get; set; }
        public string Status { get; set; } = "";
        public int Attempts { get; set; }
        public DateTimeOffset NextAttemptAt { get; set; }
        public string? LastError { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public DateTimeOffset? SentAt { get; set; }

        public NotificationItem ToItem() =>
            new(Id, CertificateId, GuardianName, ThresholdDays, Status, Attempts, NextAttemptAt, LastError, CreatedAt, SentAt);
    }
}
