using Dapper;
using EgenvardRegistry.Audit;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Database;

namespace EgenvardRegistry.Reminders;

/// <summary>What administrators and unsubscribe links do to the outbox and to guardians' reminder settings.</summary>
public sealed class ReminderAdminStore(IDbConnectionFactory db, TimeProvider time)
{
    // A reminder names its guardian, a certificate request its recipient, a withdrawal notice its unit (and the certificate
    // through its consent event): the joins of the other kinds find nothing.
    private const string ItemColumns = """
        n.id, n.kind, COALESCE(n.certificate_id, sc.certificate_id) AS certificate_id, n.request_id, r.reference,
        COALESCE(g.name, rr.name, u.name, sc.unit_id) AS guardian_name, n.threshold_days,
        n.status, n.attempts, n.next_attempt_at, n.last_error, n.created_at, n.sent_at
        """;

    private const string ItemJoins = """
        LEFT JOIN guardians g ON g.id = n.guardian_id
        LEFT JOIN certificate_requests r ON r.id = n.request_id
        LEFT JOIN certificate_request_recipients rr ON rr.request_id = n.request_id AND rr.position = n.recipient_position
        LEFT JOIN share_consents sc ON sc.id = n.share_consent_id
        LEFT JOIN units u ON u.id = sc.unit_id
        """;

    public Task<NotificationPage> ListAsync(string? status, int limit, int offset, Caller caller, CancellationToken cancellationToken) =>
        db.RunAuditedAsync(async transaction =>
        {
            var filter = status is null ? "" : "WHERE n.status = @Status";
            var rows = (await transaction.Connection!.QueryAsync<NotificationRow>(new CommandDefinition($"""
                SELECT {ItemColumns}
                FROM notifications n
                {ItemJoins}
                {filter}
                ORDER BY n.created_at DESC, n.id
                LIMIT @Take OFFSET @Offset
                """, new { Status = status, Take = limit + 1, Offset = offset }, transaction, cancellationToken: cancellationToken))).ToList();
            return Audited.With(
                new NotificationPage([.. rows.Take(limit).Select(row => row.ToItem())], rows.Count > limit ? offset + limit : null),
                AuditEvent.By(caller, time.GetUtcNow(), AuditActions.NotificationsRead, AuditOutcomes.Ok));
        }, cancellationToken);

    /// <returns>The notification after the call (null when there is none), and whether it was put back in the queue.</returns>
    public async Task<(NotificationItem? Item, bool Retried)> RetryAsync(Guid id, Caller caller, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return await db.RunAuditedAsync(async transaction =>
        {
            var connection = transaction.Connection!;
            var retried = await connection.ExecuteAsync(new CommandDefinition("""
                UPDATE notifications SET status = 'pending', attempts = 0, next_attempt_at = @Now
                WHERE id = @Id AND status = 'failed'
                """, new { Id = id, Now = now }, transaction, cancellationToken: cancellationToken)) == 1;
            var row = await connection.QuerySingleOrDefaultAsync<NotificationRow>(new CommandDefinition($"""
                SELECT {ItemColumns}, COALESCE(c.child_id, r.child_id) AS child_id
                FROM notifications n
                {ItemJoins}
                LEFT JOIN certificates c ON c.id = COALESCE(n.certificate_id, sc.certificate_id)
                WHERE n.id = @Id
                """, new { Id = id }, transaction, cancellationToken: cancellationToken));
            (NotificationItem?, bool) result = (row?.ToItem(), retried);
            return row is null ? Audited.With(result) : Audited.With(result, AuditEvent.By(caller, now, AuditActions.NotificationRetry,
                retried ? AuditOutcomes.Ok : AuditOutcomes.Conflict, row.CertificateId, row.ChildId));
        }, cancellationToken);
    }

    public Task AuditRunAsync(Caller caller, CancellationToken cancellationToken) =>
        db.RunAuditedAsync(_ => Task.FromResult(
            Audited.With(true, AuditEvent.By(caller, time.GetUtcNow(), AuditActions.RemindersRun, AuditOutcomes.Ok))), cancellationToken);

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
        public string Kind { get; set; } = "";
        public Guid? CertificateId { get; set; }
        public Guid? RequestId { get; set; }
        public string? Reference { get; set; }
        public Guid? ChildId { get; set; }
        public string GuardianName { get; set; } = "";
        public int? ThresholdDays { get; set; }
        public string Status { get; set; } = "";
        public int Attempts { get; set; }
        public DateTimeOffset NextAttemptAt { get; set; }
        public string? LastError { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public DateTimeOffset? SentAt { get; set; }

        public NotificationItem ToItem() =>
            new(Id, Kind, CertificateId, RequestId, Reference, GuardianName, ThresholdDays, Status, Attempts, NextAttemptAt, LastError,
                CreatedAt, SentAt);
    }
}
