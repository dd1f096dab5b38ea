using System.Data.Common;
using Dapper;
using EgenvardRegistry.Audit;
using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Database;

namespace EgenvardRegistry.Concerns;

public enum ConcernOutcome
{
    Done,
    NotFound,
    Conflict,
}

/// <summary>How a report or an answer ended; <see cref="Concern"/> is set when it was recorded.</summary>
public sealed record ConcernResult(ConcernOutcome Outcome, Concern? Concern = null);

/// <summary>A concern with the certificate it is about, for lists that span certificates.</summary>
public sealed record ConcernOnCertificate(Concern Concern, Certificate Certificate);

/// <summary>
/// Records schools' concerns and care units' answers, and reads them for the certificate's readers. Access follows the
/// certificate's: a school only on certificates shared with its unit (and only its own unit's concerns), a clinician
/// only for the issuing care unit, a guardian only for their children. Every call is audited in its own transaction.
/// </summary>
public sealed class ConcernStore(IDbConnectionFactory db, TimeProvider time)
{
    /// <summary>A school unit reports a concern on a certificate shared with it; the certificate itself is not touched.</summary>
    public Task<ConcernResult> ReportAsync(Guid certificateId, NewConcern input, Caller caller, CancellationToken cancellationToken) =>
        db.RunAuditedAsync(async transaction =>
        {
            var now = time.GetUtcNow();
            var certificate = await LoadCertificateAsync(transaction, certificateId, cancellationToken);
            if (certificate is null || caller.Role != Roles.School || !CertificateAccess.CanRead(caller, certificate))
            {
                return Refused(caller, now, AuditActions.ConcernReport, ConcernOutcome.NotFound, certificateId, certificate);
            }
            var id = Guid.CreateVersion7(now);
            await transaction.Connection!.ExecuteAsync(new CommandDefinition("""
                INSERT INTO concerns (id, certificate_id, school_unit, category, urgent, description, guardians_informed, status,
                    reported_at, reported_by_id, reported_by_name)
                VALUES (@Id, @CertificateId, @SchoolUnit, @Category, @Urgent, @Description, @GuardiansInformed, @Status,
                    @ReportedAt, @ReportedById, @ReportedByName)
                """, new
            {
                Id = id,
                CertificateId = certificateId,
                caller.SchoolUnit,
                input.Category,
                input.Urgent,
                input.Description,
                input.GuardiansInformed,
                Status = ConcernStatus.Open,
                ReportedAt = now,
                ReportedById = caller.Id,
                ReportedByName = caller.Name,
            }, transaction, cancellationToken: cancellationToken));
            var reported = await LoadOneAsync(transaction, id, cancellationToken);
            return Audited.With(new ConcernResult(ConcernOutcome.Done, reported),
                AuditEvent.By(caller, now, AuditActions.ConcernReport, AuditOutcomes.Ok, certificateId, certificate.ChildId));
        }, cancellationToken);

    /// <returns>The certificate's concerns, newest first (a school sees its own unit's), or null when the caller may not read it.</returns>
    public Task<IReadOnlyList<Concern>?> ListForCertificateAsync(Guid certificateId, Caller caller, CancellationToken cancellationToken) =>
        db.RunAuditedAsync(async transaction =>
        {
            var now = time.GetUtcNow();
            var certificate = await LoadCertificateAsync(transaction, certificateId, cancellationToken);
            if (certificate is null || !CertificateAccess.CanRead(caller, certificate))
            {
                return Audited.With((IReadOnlyList<Concern>?)null, AuditEvent.By(caller, now, AuditActions.ConcernRead,
                    certificate is null ? AuditOutcomes.NotFound : AuditOutcomes.Denied, certificateId, certificate?.ChildId));
            }
            var ownUnitOnly = caller.Role == Roles.School ? "AND con.school_unit = @SchoolUnit" : "";
            var concerns = await LoadAsync(transaction, $"con.certificate_id = @CertificateId {ownUnitOnly}", NewestFirst,
                new { CertificateId = certificateId, caller.SchoolUnit }, cancellationToken);
            return Audited.With((IReadOnlyList<Concern>?)concerns,
                AuditEvent.By(caller, now, AuditActions.ConcernRead, AuditOutcomes.Ok, certificateId, certificate.ChildId));
        }, cancellationToken);

    /// <summary>The caller's care unit's concerns with this status: urgent first, then oldest first.</summary>
    public Task<IReadOnlyList<ConcernOnCertificate>> ListForCareUnitAsync(Caller caller, string status,
        CancellationToken cancellationToken) =>
        db.RunAuditedAsync(async transaction =>
        {
            var concerns = await LoadAsync(transaction, "c.care_unit_hsa_id = @CareUnit AND con.status = @Status", UrgentThenOldest,
                new { caller.CareUnit, Status = status }, cancellationToken);
            var listed = await WithCertificatesAsync(transaction, concerns, cancellationToken);
            return Audited.With(listed, PerCertificate(caller, AuditActions.ConcernWorklist, listed));
        }, cancellationToken);

    /// <summary>Concerns on the certificates that name the caller as guardian, newest first.</summary>
    public Task<IReadOnlyList<ConcernOnCertificate>> ListForGuardianAsync(Caller caller, CancellationToken cancellationToken) =>
        db.RunAuditedAsync(async transaction =>
        {
            var concerns = await LoadAsync(transaction, """
                con.certificate_id IN (
                    SELECT cg.certificate_id
                    FROM certificate_guardians cg
                    JOIN guardians g ON g.id = cg.guardian_id
                    WHERE g.personnummer = @Personnummer)
                """, NewestFirst, new { caller.Personnummer }, cancellationToken);
            var listed = await WithCertificatesAsync(transaction, concerns, cancellationToken);
            return Audited.With(listed, PerCertificate(caller, AuditActions.ConcernRead, listed));
        }, cancellationToken);

    /// <summary>A clinician of the issuing care unit answers an open concern; it then counts as answered, once and for good.</summary>
    public Task<ConcernResult> AnswerAsync(Guid concernId, NewAnswer answer, Caller caller, CancellationToken cancellationToken) =>
        db.RunAuditedAsync(async transaction =>
        {
            var now = time.GetUtcNow();
            var concern = await LoadOneAsync(transaction, concernId, cancellationToken);
            var certificate = concern is null ? null : await LoadCertificateAsync(transaction, concern.CertificateId, cancellationToken);
            if (concern is null || certificate is null || caller.Role != Roles.Clinician || !CertificateAccess.CanRead(caller, certificate))
            {
                return Refused(caller, now, AuditActions.ConcernAnswer, ConcernOutcome.NotFound, concern?.CertificateId, certificate);
            }
            // The guarded update decides between two clinicians answering at once.
            var answered = await transaction.Connection!.ExecuteAsync(new CommandDefinition("""
                UPDATE concerns
                SET status = @Answered, answer_text = @Text, reassessment_on = @ReassessmentOn, answered_at = @Now,
                    answered_by_hsa_id = @HsaId, answered_by_name = @Name
                WHERE id = @Id AND status = @Open
                """, new
            {
                Id = concernId,
                Answered = ConcernStatus.Answered,
                Open = ConcernStatus.Open,
                answer.Text,
                answer.ReassessmentOn,
                Now = now,
                caller.HsaId,
                caller.Name,
            }, transaction, cancellationToken: cancellationToken));
            if (answered == 0)
            {
                return Refused(caller, now, AuditActions.ConcernAnswer, ConcernOutcome.Conflict, concern.CertificateId, certificate);
            }
            return Audited.With(new ConcernResult(ConcernOutcome.Done, await LoadOneAsync(transaction, concernId, cancellationToken)),
                AuditEvent.By(caller, now, AuditActions.ConcernAnswer, AuditOutcomes.Ok, concern.CertificateId, certificate.ChildId));
        }, cancellationToken);

    private const string NewestFirst = "con.reported_at DESC, con.id DESC";

    private const string UrgentThenOldest = "con.urgent DESC, con.reported_at, con.id";

    private static Audited<ConcernResult> Refused(Caller caller, DateTimeOffset now, string action, ConcernOutcome outcome,
        Guid? certificateId, Certificate? certificate)
    {
        var auditOutcome = outcome == ConcernOutcome.Conflict ? AuditOutcomes.Conflict
            : certificate is null ? AuditOutcomes.NotFound
            : AuditOutcomes.Denied;
        return Audited.With(new ConcernResult(outcome),
            AuditEvent.By(caller, now, action, auditOutcome, certificateId, certificate?.ChildId));
    }

    /// <summary>One event per certificate a list showed; an empty list still records that the caller looked.</summary>
    private IReadOnlyList<AuditEvent> PerCertificate(Caller caller, string action, IReadOnlyList<ConcernOnCertificate> listed) =>
        AuditEvents.PerCertificate(caller, time.GetUtcNow(), action,
            listed.Select(item => item.Certificate).DistinctBy(certificate => certificate.Id).ToList());

    private async Task<IReadOnlyList<ConcernOnCertificate>> WithCertificatesAsync(DbTransaction transaction,
        IReadOnlyList<Concern> concerns, CancellationToken cancellationToken)
    {
        var certificates = (await UncheckedCertificateReader.LoadAsync(transaction, db.Dialect,
            concerns.Select(concern => concern.CertificateId).Distinct().ToList(), cancellationToken)).ToDictionary(c => c.Id);
        return concerns.Select(concern => new ConcernOnCertificate(concern, certificates[concern.CertificateId])).ToList();
    }

    private async Task<Certificate?> LoadCertificateAsync(DbTransaction transaction, Guid id, CancellationToken cancellationToken) =>
        (await UncheckedCertificateReader.LoadAsync(transaction, db.Dialect, [id], cancellationToken)).SingleOrDefault();

    private static async Task<Concern?> LoadOneAsync(DbTransaction transaction, Guid id, CancellationToken cancellationToken) =>
        (await LoadAsync(transaction, "con.id = @Id", NewestFirst, new { Id = id }, cancellationToken)).SingleOrDefault();

    /// <summary>Concerns a fixed condition selects, with what followed on their certificates; the values stay parameters.</summary>
    private static async Task<IReadOnlyList<Concern>> LoadAsync(DbTransaction transaction, string condition, string order,
        object parameters, CancellationToken cancellationToken)
    {
        var rows = await transaction.Connection!.QueryAsync<ConcernRow>(new CommandDefinition($"""
            SELECT con.id, con.certificate_id, con.school_unit, con.category, con.urgent, con.description,
                   con.guardians_informed, con.status, con.reported_at, con.reported_by_id, con.reported_by_name,
                   con.answer_text, con.reassessment_on, con.answered_at, con.answered_by_hsa_id, con.answered_by_name,
                   c.status AS certificate_status, c.revoked_at, r.id AS renewal_id, r.issued_at AS renewed_at
            FROM concerns con
            JOIN certificates c ON c.id = con.certificate_id
            LEFT JOIN certificates r ON r.id = c.replaced_by
            WHERE {condition}
            ORDER BY {order}
            """, parameters, transaction, cancellationToken: cancellationToken));
        return rows.Select(row => new Concern(
            row.Id,
            row.CertificateId,
            row.SchoolUnit,
            row.Category,
            row.Urgent,
            row.Description,
            row.GuardiansInformed,
            row.Status,
            row.ReportedAt,
            new StaffMember(row.ReportedById, row.ReportedByName),
            row is { AnswerText: { } text, AnsweredAt: { } answeredAt, AnsweredByHsaId: { } answeredBy }
                ? new ConcernAnswer(text, row.ReassessmentOn, answeredAt, new StaffMember(answeredBy, row.AnsweredByName ?? answeredBy))
                : null,
            ConcernRules.FollowedBy(row.ReportedAt, row.CertificateStatus, row.CertificateId, row.RevokedAt, row.RenewalId, row.RenewedAt)))
            .ToList();
    }

    // A row class with setters: Dapper maps SQLite's integers and text onto it, which constructor mapping refuses.
    private sealed class ConcernRow
    {
        public Guid Id { get; set; }
        public Guid CertificateId { get; set; }
        public string SchoolUnit { get; set; } = "";
        public string Category { get; set; } = "";
        public bool Urgent { get; set; }
        public string Description { get; set; } = "";
        public bool GuardiansInformed { get; set; }
        public string Status { get; set; } = "";
        public DateTimeOffset ReportedAt { get; set; }
        public string ReportedById { get; set; } = "";
        public string ReportedByName { get; set; } = "";
        public string? AnswerText { get; set; }
        public DateOnly? ReassessmentOn { get; set; }
        public DateTimeOffset? AnsweredAt { get; set; }
        public string? AnsweredByHsaId { get; set; }
        public string? AnsweredByName { get; set; }
        public string CertificateStatus { get; set; } = "";
        public DateTimeOffset? RevokedAt { get; set; }
        public Guid? RenewalId { get; set; }
        public DateTimeOffset? RenewedAt { get; set; }
    }
}
