using System.Data.Common;
using Dapper;
using EgenvardRegistry.Infrastructure.Auth;

namespace EgenvardRegistry.Audit;

public static class AuditActions
{
    public const string CertificateIssue = "certificate.issue";
    public const string CertificateRead = "certificate.read";
    public const string CertificateRenew = "certificate.renew";
    public const string CertificateRevoke = "certificate.revoke";
    public const string CertificateSearch = "certificate.search";

    /// <summary>
    /// A search showed another care unit's certificate in full because the clinician stated a care relationship with the
    /// child; the statement is the event's detail.
    /// </summary>
    public const string CertificateSearchCareRelationship = "certificate.search-care-relationship";
    public const string Verification = "verification";

    /// <summary>Staff answered whether the <c>other</c> measure a certificate describes is the one at hand (outcome: their answer).</summary>
    public const string VerificationConfirm = "verification.confirm";
    public const string SchoolList = "school.list";
    public const string GuardianList = "guardian.list";
    public const string AuditRead = "audit.read";
    public const string AuditSearch = "audit.search";
    public const string GuardianAccessLog = "guardian.access-log";

    public const string InstructionRecord = "instruction.record";
    public const string InstructionList = "instruction.list";
    public const string InstructionRemove = "instruction.remove";

    /// <summary>A renewal carried the instructed staff over (ok), or did not because the measures changed.</summary>
    public const string InstructionCarryOver = "instruction.carry-over";

    public const string ReminderSend = "reminder.send";
    public const string NotificationsRead = "notifications.read";
    public const string NotificationRetry = "notification.retry";
    public const string RemindersRun = "reminders.run";

    public const string ConcernReport = "concern.report";
    public const string ConcernAnswer = "concern.answer";

    /// <summary>A certificate's concerns, or the concerns on a guardian's children's certificates.</summary>
    public const string ConcernRead = "concern.read";

    /// <summary>A care unit's worklist of concerns.</summary>
    public const string ConcernWorklist = "concern.worklist";

    /// <summary>A care unit's renewal worklist: certificates that expire soon or whose follow-up is overdue.</summary>
    public const string RenewalWorklist = "renewal.worklist";

    /// <summary>A clinician recorded that a certificate's planned follow-up was done.</summary>
    public const string FollowUpRecord = "follow-up.record";

    /// <summary>A certificate's recorded follow-ups.</summary>
    public const string FollowUpRead = "follow-up.read";

    /// <summary>A search of the unit directory (no child's data).</summary>
    public const string UnitSearch = "unit.search";

    /// <summary>An administrator's import of the unit directory.</summary>
    public const string UnitImport = "unit.import";

    /// <summary>A guardian read which units can see a certificate, and its consent history.</summary>
    public const string ShareList = "share.list";

    /// <summary>A guardian let a unit see a certificate (outcome ok), or it already could (unchanged).</summary>
    public const string ShareAdd = "share.add";

    /// <summary>A guardian withdrew a unit's access to a certificate (outcome ok), or it had none (unchanged).</summary>
    public const string ShareWithdraw = "share.withdraw";

    /// <summary>A school unit asked for a certificate through the guardians (outcome already-open: its open request was the answer).</summary>
    public const string RequestCreate = "request.create";

    /// <summary>A school unit's list of its certificate requests.</summary>
    public const string RequestList = "request.list";

    public const string RequestWithdraw = "request.withdraw";

    /// <summary>A clinician's search for a child's open certificate requests.</summary>
    public const string RequestSearch = "request.search";

    /// <summary>A certificate request read by a clinician about to answer it, or on a guardian's page.</summary>
    public const string RequestRead = "request.read";

    /// <summary>A certificate was issued in answer to the request, which it closed; refusals say why (not-found, invalid, conflict).</summary>
    public const string RequestFulfil = "request.fulfil";

    /// <summary>The registry recorded that an open request lapsed.</summary>
    public const string RequestExpire = "request.expire";

    /// <summary>The dispatcher e-mailed a certificate request to a guardian (outcome: the notification's new status).</summary>
    public const string RequestSend = "request.send";

    /// <summary>
    /// The dispatcher e-mailed a unit that a guardian stopped sharing a certificate with it (outcome: the notification's
    /// new status).
    /// </summary>
    public const string ShareWithdrawnSend = "share.withdrawn-send";

    /// <summary>A guardian read their e-mail address, where it came from, any suggestion from care and the reminder setting.</summary>
    public const string GuardianContactRead = "guardian.contact-read";

    /// <summary>A guardian changed their e-mail address or the reminder setting (outcome not-found: no certificate names them).</summary>
    public const string GuardianContactChange = "guardian.contact-change";

    /// <summary>
    /// A clinician's entry of a guardian's address on a certificate changed something: it replaced an address that came
    /// from care (outcome replaced) or was kept as a suggestion beside the guardian's own (outcome suggested).
    /// </summary>
    public const string GuardianEmailByCare = "guardian.email-by-care";

    /// <summary>A guardian took the address care suggested as their own (conflict: the suggestion was gone or another).</summary>
    public const string GuardianSuggestionAccept = "guardian.email-suggestion-accept";

    /// <summary>A guardian dismissed the address care suggested (conflict: the suggestion was gone or another).</summary>
    public const string GuardianSuggestionDismiss = "guardian.email-suggestion-dismiss";

    /// <summary>The dispatcher told a guardian's old address that the address changed (outcome: the notification's new status).</summary>
    public const string GuardianEmailChangedSend = "guardian.email-changed-send";

    /// <summary>A role that may not use the endpoint at all tried it on a certificate (always outcome denied).</summary>
    public const string ForbiddenAttempt = "access.forbidden";

    /// <summary>
    /// Actions that showed a child's data to the actor: a guardian's access log lists these. Every action is either
    /// here or in <see cref="Writes"/> (a test checks), so a new action that reads cannot be left out of that log.
    /// </summary>
    public static readonly IReadOnlyList<string> Reads =
        [CertificateRead, CertificateSearch, CertificateSearchCareRelationship, Verification, VerificationConfirm, SchoolList, GuardianList, AuditRead, AuditSearch, GuardianAccessLog,
            ForbiddenAttempt, NotificationsRead, InstructionList, ConcernRead, ConcernWorklist, RenewalWorklist, FollowUpRead,
            UnitSearch, ShareList, RequestList, RequestSearch, RequestRead, GuardianContactRead];

    public static readonly IReadOnlyList<string> Writes =
        [CertificateIssue, CertificateRenew, CertificateRevoke, ReminderSend, NotificationRetry, RemindersRun,
            InstructionRecord, InstructionRemove, InstructionCarryOver, ConcernReport, ConcernAnswer, FollowUpRecord, UnitImport,
            ShareAdd, ShareWithdraw, RequestCreate, RequestWithdraw, RequestFulfil, RequestExpire, RequestSend,
            ShareWithdrawnSend, GuardianContactChange, GuardianEmailByCare, GuardianSuggestionAccept, GuardianSuggestionDismiss,
            GuardianEmailChangedSend];
}

/// <remarks>
/// A verification records its reason (<c>VerificationReasons</c>), a confirmation staff's answer (<c>Confirmations</c>)
/// and a reminder send the notification's new status (<c>NotificationStatus</c>) as its outcome instead.
/// </remarks>
public static class AuditOutcomes
{
    public const string Ok = "ok";
    public const string Denied = "denied";
    public const string NotFound = "not-found";
    public const string Conflict = "conflict";
    public const string Invalid = "invalid";
    public const string PreconditionFailed = "precondition-failed";

    /// <summary>A renewal's event for the certificate it replaced; the new certificate's event is <see cref="Ok"/>.</summary>
    public const string Replaced = "replaced";

    /// <summary>A search showed another care unit's certificate only as a summary (no care relationship stated).</summary>
    public const string Summary = "summary";
}

/// <summary>
/// One access to a child's data: who (role, id, unit), what, which certificate and child (internal ids, never the
/// personnummer), the outcome and when (UTC); <see cref="Detail"/> is what the actor stated to justify it, if anything.
/// </summary>
public sealed record AuditEvent(
    DateTimeOffset OccurredAt,
    string ActorRole,
    string ActorId,
    string? ActorUnit,
    string Action,
    Guid? CertificateId,
    Guid? ChildId,
    string Outcome,
    string? Detail = null)
{
    public static AuditEvent By(Caller caller, DateTimeOffset at, string action, string outcome,
        Guid? certificateId = null, Guid? childId = null, string? detail = null) =>
        new(at, caller.Role, caller.Id, caller.Unit, action, certificateId, childId, outcome, detail);
}

/// <summary>Appends audit events inside the caller's transaction, so the event and the work it records commit together.</summary>
public static class AuditLog
{
    public static Task WriteAsync(DbTransaction transaction, AuditEvent auditEvent, CancellationToken cancellationToken) =>
        WriteAsync(transaction, [auditEvent], cancellationToken);

    public static Task WriteAsync(DbTransaction transaction, IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken) =>
        WriteAsync(transaction.Connection!, transaction, events, cancellationToken);

    /// <summary>
    /// With no transaction the INSERT is one on its own, committed when it returns. On PostgreSQL several events go in
    /// one statement (arrays unnested): Dapper runs a list as one command per element, a round trip each — a school's
    /// list of 200 certificates was 200 round trips, and each batch of the reminder dispatch 20.
    /// </summary>
    public static async Task WriteAsync(DbConnection connection, DbTransaction? transaction, IReadOnlyList<AuditEvent> events,
        CancellationToken cancellationToken)
    {
        if (events.Count > 1 && connection is Npgsql.NpgsqlConnection)
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO audit_events (occurred_at, actor_role, actor_id, actor_unit, action, certificate_id, child_id, outcome, detail)
                SELECT * FROM unnest(@OccurredAt, @ActorRole, @ActorId, @ActorUnit, @Action, @CertificateId, @ChildId, @Outcome, @Detail)
                """, new
            {
                OccurredAt = events.Select(e => e.OccurredAt).ToArray(),
                ActorRole = events.Select(e => e.ActorRole).ToArray(),
                ActorId = events.Select(e => e.ActorId).ToArray(),
                ActorUnit = events.Select(e => e.ActorUnit).ToArray(),
                Action = events.Select(e => e.Action).ToArray(),
                CertificateId = events.Select(e => e.CertificateId).ToArray(),
                ChildId = events.Select(e => e.ChildId).ToArray(),
                Outcome = events.Select(e => e.Outcome).ToArray(),
                Detail = events.Select(e => e.Detail).ToArray(),
            }, transaction, cancellationToken: cancellationToken));
            return;
        }
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO audit_events (occurred_at, actor_role, actor_id, actor_unit, action, certificate_id, child_id, outcome, detail)
            VALUES (@OccurredAt, @ActorRole, @ActorId, @ActorUnit, @Action, @CertificateId, @ChildId, @Outcome, @Detail)
            """, events, transaction, cancellationToken: cancellationToken));
    }
}

public static class AuditEvents
{
    /// <summary>One event per certificate a list showed; an empty list still records that the caller looked.</summary>
    public static IReadOnlyList<AuditEvent> PerCertificate(Caller caller, DateTimeOffset at, string action, IReadOnlyList<Certificates.Certificate> shown) =>
        shown.Count == 0
            ? [AuditEvent.By(caller, at, action, AuditOutcomes.Ok)]
            : shown.Select(c => AuditEvent.By(caller, at, action, AuditOutcomes.Ok, c.Id, c.ChildId)).ToList();
}
