using System.Data.Common;
using Dapper;
using EgenvardRegistry.Audit;
using EgenvardRegistry.Certificates;
using EgenvardRegistry.Concerns;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Database;
using EgenvardRegistry.Requests;
using Microsoft.Extensions.Options;

namespace EgenvardRegistry.Renewals;

/// <summary>
/// The care unit's renewal worklist and the follow-ups recorded on its certificates. The worklist is a fixed number of
/// set-based statements whatever its length (one selects the page, then the certificates, reminders and counts for all
/// of it); every call is audited in its own transaction. A clinician works only with the issuing care unit's
/// certificates; guardians and administrators read follow-ups as they read the certificate.
/// </summary>
public sealed class RenewalStore(IDbConnectionFactory db, IOptions<RequestOptions> requestOptions, TimeProvider time)
{
    /// <summary>
    /// The caller's care unit's active, unexpired certificates with no active renewal that either expire within
    /// <see cref="RenewalQuery.WithinDays"/> days or whose follow-up date has passed with no follow-up recorded: soonest
    /// expiry first, then overdue follow-ups first, then by id. One audit event per certificate shown.
    /// </summary>
    public Task<RenewalWorklist> WorklistAsync(Caller caller, DateOnly today, RenewalQuery query, CancellationToken cancellationToken) =>
        db.RunAuditedAsync(async transaction =>
        {
            var connection = transaction.Connection!;
            // follow_up_overdue is a boolean on PostgreSQL and 0/1 on SQLite; both sort and filter alike. A follow-up on
            // the certificate counts: the store only records one dated on or after the certificate's issue date.
            var rows = (await connection.QueryAsync<WorklistRow>(new CommandDefinition("""
                WITH unit_certificates AS (
                    SELECT c.id, c.child_id, c.valid_until,
                           (c.follow_up_on < @Today
                            AND NOT EXISTS (SELECT 1 FROM certificate_follow_ups f WHERE f.certificate_id = c.id)) AS follow_up_overdue
                    FROM certificates c
                    WHERE c.care_unit_hsa_id = @CareUnit
                      AND c.status = 'active'
                      AND c.valid_until >= @Today
                      AND NOT EXISTS (SELECT 1 FROM certificates r WHERE r.replaces = c.id AND r.status = 'active')
                )
                SELECT u.id, u.follow_up_overdue,
                       (SELECT COUNT(*) FROM concerns con WHERE con.certificate_id = u.id AND con.status = 'open') AS open_concerns,
                       (SELECT COUNT(*) FROM certificate_requests req
                        WHERE req.child_id = u.child_id AND req.status = 'open' AND req.created_at >= @OpenSince) AS open_requests
                FROM unit_certificates u
                WHERE u.valid_until <= @Until OR u.follow_up_overdue
                ORDER BY u.valid_until, u.follow_up_overdue DESC, u.id
                LIMIT @Take OFFSET @Offset
                """, new
            {
                caller.CareUnit,
                Today = today,
                Until = today.AddDays(query.WithinDays),
                // A request past its lapse is expired on every read, whether or not the nightly job has recorded it.
                OpenSince = RequestRules.OpenSince(today, requestOptions.Value.ExpireAfterDays),
                Take = query.Limit + 1,
                query.Offset,
            }, transaction, cancellationToken: cancellationToken))).ToList();
            var page = rows.Take(query.Limit).ToList();
            var ids = page.Select(row => row.Id).ToList();
            var certificates = (await UncheckedCertificateReader.LoadAsync(transaction, db.Dialect, ids, cancellationToken))
                .ToDictionary(certificate => certificate.Id);
            var reminders = await SentRemindersAsync(transaction, ids, cancellationToken);
            var items = page.Select(row => new RenewalWorklistItem(
                certificates[row.Id],
                RenewalRules.DaysLeft(certificates[row.Id].ValidUntil, today),
                reminders[row.Id].OrderByDescending(reminder => reminder.DaysBefore).ToList(),
                (int)row.OpenConcerns,
                (int)row.OpenRequests,
                row.FollowUpOverdue)).ToList();
            var worklist = new RenewalWorklist(items, rows.Count > query.Limit ? query.Offset + query.Limit : null);
            return Audited.With(worklist, AuditEvents.PerCertificate(caller, time.GetUtcNow(), AuditActions.RenewalWorklist,
                [.. items.Select(item => item.Certificate)]));
        }, cancellationToken);

    /// <summary>
    /// A clinician of the issuing care unit records that the follow-up was done. Only on an active certificate, and only
    /// dated on or after the day it was issued (an earlier one followed up another assessment).
    /// </summary>
    public Task<FollowUpResult> RecordFollowUpAsync(Guid certificateId, NewFollowUp input, Caller caller,
        CancellationToken cancellationToken) =>
        db.RunAuditedAsync(async transaction =>
        {
            var now = time.GetUtcNow();
            var certificate = await LoadCertificateAsync(transaction, certificateId, cancellationToken);
            if (certificate is null || caller.Role != Roles.Clinician || !CertificateAccess.CanRead(caller, certificate))
            {
                return Refused(caller, now, new FollowUpResult(FollowUpOutcome.NotFound),
                    certificate is null ? AuditOutcomes.NotFound : AuditOutcomes.Denied, certificateId, certificate);
            }
            var errors = new ValidationErrors();
            if (!RenewalRules.CheckAgainstIssue(input, certificate, errors))
            {
                return Refused(caller, now, new FollowUpResult(FollowUpOutcome.Invalid, Errors: errors), AuditOutcomes.Invalid,
                    certificateId, certificate);
            }
            var id = Guid.CreateVersion7(now);
            // Guarded by the status, so a follow-up never lands on a certificate that was renewed or revoked meanwhile.
            var recorded = await transaction.Connection!.ExecuteAsync(new CommandDefinition("""
                INSERT INTO certificate_follow_ups (id, certificate_id, done_on, note, recorded_at, recorded_by_hsa_id, recorded_by_name)
                SELECT @Id, c.id, @DoneOn, @Note, @RecordedAt, @HsaId, @Name
                FROM certificates c
                WHERE c.id = @CertificateId AND c.status = 'active'
                """, new
            {
                Id = id,
                CertificateId = certificateId,
                input.DoneOn,
                input.Note,
                RecordedAt = now,
                caller.HsaId,
                caller.Name,
            }, transaction, cancellationToken: cancellationToken));
            if (recorded == 0)
            {
                return Refused(caller, now, new FollowUpResult(FollowUpOutcome.Conflict), AuditOutcomes.Conflict, certificateId, certificate);
            }
            var followUp = (await LoadFollowUpsAsync(transaction, "id = @Id", new { Id = id }, cancellationToken)).Single();
            return Audited.With(new FollowUpResult(FollowUpOutcome.Done, followUp),
                AuditEvent.By(caller, now, AuditActions.FollowUpRecord, AuditOutcomes.Ok, certificateId, certificate.ChildId));
        }, cancellationToken);

    /// <returns>The certificate's follow-ups, latest first, or null when the caller may not read them (or there is no such certificate).</returns>
    public Task<IReadOnlyList<FollowUp>?> ListFollowUpsAsync(Guid certificateId, Caller caller, CancellationToken cancellationToken) =>
        db.RunAuditedAsync(async transaction =>
        {
            var now = time.GetUtcNow();
            var certificate = await LoadCertificateAsync(transaction, certificateId, cancellationToken);
            // Schools never get here (the endpoint refuses them): a follow-up is the care unit's and the family's.
            if (certificate is null || caller.Role == Roles.School || !CertificateAccess.CanRead(caller, certificate))
            {
                return Audited.With((IReadOnlyList<FollowUp>?)null, AuditEvent.By(caller, now, AuditActions.FollowUpRead,
                    certificate is null ? AuditOutcomes.NotFound : AuditOutcomes.Denied, certificateId, certificate?.ChildId));
            }
            var followUps = await LoadFollowUpsAsync(transaction, "certificate_id = @CertificateId",
                new { CertificateId = certificateId }, cancellationToken);
            return Audited.With((IReadOnlyList<FollowUp>?)followUps,
                AuditEvent.By(caller, now, AuditActions.FollowUpRead, AuditOutcomes.Ok, certificateId, certificate.ChildId));
        }, cancellationToken);

    private static Audited<FollowUpResult> Refused(Caller caller, DateTimeOffset now, FollowUpResult result, string auditOutcome,
        Guid certificateId, Certificate? certificate) =>
        Audited.With(result, AuditEvent.By(caller, now, AuditActions.FollowUpRecord, auditOutcome, certificateId, certificate?.ChildId));

    /// <summary>Sent reminders per certificate and threshold: when the first went out, and to how many guardians.</summary>
    private async Task<ILookup<Guid, SentReminder>> SentRemindersAsync(DbTransaction transaction, List<Guid> ids,
        CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return Array.Empty<SentRow>().ToLookup(row => row.CertificateId, row => row.ToReminder());
        }
        var rows = await transaction.Connection!.QueryAsync<SentRow>(new CommandDefinition($"""
            SELECT certificate_id, threshold_days, MIN(sent_at) AS sent_at, COUNT(*) AS recipients
            FROM notifications
            WHERE status = 'sent' AND {db.Dialect.InList("certificate_id", "Ids")}
            GROUP BY certificate_id, threshold_days
            """, new { Ids = db.Dialect.Ids(ids) }, transaction, cancellationToken: cancellationToken));
        return rows.ToLookup(row => row.CertificateId, row => row.ToReminder());
    }

    private async Task<Certificate?> LoadCertificateAsync(DbTransaction transaction, Guid id, CancellationToken cancellationToken) =>
        (await UncheckedCertificateReader.LoadAsync(transaction, db.Dialect, [id], cancellationToken)).SingleOrDefault();

    /// <summary>Follow-ups a fixed condition selects, latest first; the values stay parameters.</summary>
    private static async Task<IReadOnlyList<FollowUp>> LoadFollowUpsAsync(DbTransaction transaction, string condition, object parameters,
        CancellationToken cancellationToken)
    {
        var rows = await transaction.Connection!.QueryAsync<FollowUpRow>(new CommandDefinition($"""
            SELECT id, certificate_id, done_on, note, recorded_at, recorded_by_hsa_id, recorded_by_name
            FROM certificate_follow_ups
            WHERE {condition}
            ORDER BY done_on DESC, recorded_at DESC, id DESC
            """, parameters, transaction, cancellationToken: cancellationToken));
        return [.. rows.Select(row => new FollowUp(row.Id, row.CertificateId, row.DoneOn, row.Note, row.RecordedAt,
            new StaffMember(row.RecordedByHsaId, row.RecordedByName)))];
    }

    // Row classes with setters: Dapper maps SQLite's integers and text onto them, which constructor mapping refuses.
    private sealed class WorklistRow
    {
        public Guid Id { get; set; }
        public bool FollowUpOverdue { get; set; }
        public long OpenConcerns { get; set; }

        public long OpenRequests { get; set; }
    }

    private sealed class SentRow
    {
        public Guid CertificateId { get; set; }
        public long ThresholdDays { get; set; }
        public DateTimeOffset SentAt { get; set; }
        public long Recipients { get; set; }

        public SentReminder ToReminder() => new((int)ThresholdDays, SentAt, (int)Recipients);
    }

    private sealed class FollowUpRow
    {
        public Guid Id { get; set; }
        public Guid CertificateId { get; set; }
        public DateOnly DoneOn { get; set; }
        public string? Note { get; set; }
        public DateTimeOffset RecordedAt { get; set; }
        public string RecordedByHsaId { get; set; } = "";
        public string RecordedByName { get; set; } = "";
    }
}
