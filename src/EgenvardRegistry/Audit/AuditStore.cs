using System.Data.Common;
using Dapper;
using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Database;

namespace EgenvardRegistry.Audit;

/// <summary>Which events a list shows; every filter given must hold. <c>From</c> is inclusive, <c>To</c> exclusive.</summary>
public sealed record AuditFilter(Guid? CertificateId, DateTimeOffset? From, DateTimeOffset? To);

/// <summary>
/// The audit log's own store: administrators' reads of it, each of which writes its own audit event in the same transaction,
/// and the attempts the authorization policies turned away.
/// </summary>
public sealed class AuditStore(IDbConnectionFactory db, TimeProvider time)
{
    public Task<PageResponse<AuditEventItem>> ListAsync(AuditFilter filter, PageRequest page, Caller caller, CancellationToken cancellationToken) =>
        db.RunAuditedAsync(async transaction =>
        {
            // Fixed fragments only; the values stay parameters.
            var conditions = new List<string>();
            if (filter.CertificateId is not null)
            {
                conditions.Add("certificate_id = @CertificateId");
            }
            if (filter.From is not null)
            {
                conditions.Add("occurred_at >= @From");
            }
            if (filter.To is not null)
            {
                conditions.Add("occurred_at < @To");
            }
            var events = await ReadPageAsync(transaction, conditions, page,
                new { filter.CertificateId, filter.From, filter.To, page.Before, page.Take }, cancellationToken);
            // The child is recorded too, so the read shows in that child's access log.
            var childId = filter.CertificateId is { } certificateId
                ? await UncheckedCertificateReader.ChildOfAsync(transaction, certificateId, cancellationToken)
                : null;
            return Audited.With(events, AuditEvent.By(caller, time.GetUtcNow(), AuditActions.AuditRead, AuditOutcomes.Ok,
                filter.CertificateId, childId));
        }, cancellationToken);

    public Task<PageResponse<AuditEventItem>> SearchByChildAsync(
        string personnummer, PageRequest page, Caller caller, CancellationToken cancellationToken) =>
        db.RunAuditedAsync(async transaction =>
        {
            var childId = await UncheckedCertificateReader.FindChildAsync(transaction, personnummer, cancellationToken);
            var events = childId is null ? PageResponse<AuditEventItem>.Empty : await ReadPageAsync(transaction, ["child_id = @ChildId"], page,
                new { ChildId = childId.Value, page.Before, page.Take }, cancellationToken);
            return Audited.With(events, AuditEvent.By(caller, time.GetUtcNow(), AuditActions.AuditSearch, AuditOutcomes.Ok,
                childId: childId));
        }, cancellationToken);

    /// <summary>
    /// Records that the authorization policy turned a signed-in caller away from an endpoint on a certificate, with the
    /// certificate's child, so the attempt shows in that child's audit trail.
    /// </summary>
    public Task RecordForbiddenAttemptAsync(string role, string actorId, string? unit, Guid certificateId,
        CancellationToken cancellationToken) =>
        db.RunAuditedAsync(async transaction =>
        {
            var childId = await UncheckedCertificateReader.ChildOfAsync(transaction, certificateId, cancellationToken);
            return Audited.With(true, new AuditEvent(time.GetUtcNow(), role, actorId, unit, AuditActions.ForbiddenAttempt,
                certificateId, childId, AuditOutcomes.Denied));
        }, cancellationToken);

    /// <summary>Newest first by id, which grows in the order events were written.</summary>
    private static async Task<PageResponse<AuditEventItem>> ReadPageAsync(
        DbTransaction transaction, IReadOnlyList<string> conditions, PageRequest page, object parameters, CancellationToken cancellationToken)
    {
        var where = string.Join(" AND ", page.Before is null ? conditions : [.. conditions, "id < @Before"]);
        var rows = (await transaction.Connection!.QueryAsync<AuditEventRow>(new CommandDefinition($"""
            SELECT id, occurred_at, actor_role, actor_id, actor_unit, action, certificate_id, child_id, outcome, detail
            FROM audit_events
            {(where.Length == 0 ? "" : $"WHERE {where}")}
            ORDER BY id DESC
            LIMIT @Take
            """, parameters, transaction, cancellationToken: cancellationToken))).ToList();
        return PageResponse.From(rows, page, row => row.Id, row => new AuditEventItem(row.Id, row.OccurredAt, row.ActorRole,
            row.ActorId, row.ActorUnit, row.Action, row.CertificateId, row.ChildId, row.Outcome, row.Detail));
    }

    // A row class with setters: Dapper maps SQLite's text ids and instants through the type handlers onto it.
    private sealed class AuditEventRow
    {
        public long Id { get; set; }
        public DateTimeOffset OccurredAt { get; set; }
        public string ActorRole { get; set; } = "";
        public string ActorId { get; set; } = "";
        public string? ActorUnit { get; set; }
        public string Action { get; set; } = "";
        public Guid? CertificateId { get; set; }
        public Guid? ChildId { get; set; }
        public string Outcome { get; set; } = "";
        public string? Detail { get; set; }
    }
}
