using System.Data.Common;
using Dapper;
using EgenvardRegistry.Audit;
using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Database;
using EgenvardRegistry.Infrastructure.Mail;
using EgenvardRegistry.Reminders;

namespace EgenvardRegistry.Guardians;

public static class GuardianAuditOutcomes
{
    /// <summary>A clinician's entry was kept as a suggestion beside the address the guardian set.</summary>
    public const string Suggested = "suggested";
}

/// <summary>How a guardian's answer to a suggested address ended.</summary>
public enum SuggestionOutcome
{
    Done,

    /// <summary>No certificate names the caller as guardian.</summary>
    NotFound,

    /// <summary>There is no suggestion, or it is not the address the guardian answered (care suggested another since).</summary>
    Conflict,
}

public sealed record SuggestionResult(SuggestionOutcome Outcome, GuardianContact? Contact = null);

/// <summary>
/// A guardian's own data: their children's certificates, who read them, and their contact details. The guardian owns their
/// e-mail address: one they set is never replaced by a clinician's entry on a certificate, which becomes a suggestion they
/// may accept or dismiss; one that came from care (or none) is replaced by the next clinician's entry. Every change of the
/// address queues a notice to the old one (outbox kind <c>email-changed</c>) in the same transaction.
/// </summary>
public sealed class GuardianStore(IDbConnectionFactory db, TimeProvider time)
{
    private const string ContactColumns = """
        id, name, email, reminders_enabled, email_source, email_set_at,
        suggested_email, suggested_at, suggested_by_care_unit, suggested_by_care_unit_name
        """;

    /// <returns>The contact details, or null when no certificate names the caller as guardian.</returns>
    public Task<GuardianContact?> GetContactAsync(Caller caller, CancellationToken cancellationToken) =>
        db.RunAuditedAsync(async transaction =>
        {
            var row = await transaction.Connection!.QuerySingleOrDefaultAsync<GuardianRow>(new CommandDefinition(
                $"SELECT {ContactColumns} FROM guardians WHERE personnummer = @Personnummer",
                new { caller.Personnummer }, transaction, cancellationToken: cancellationToken));
            return Audited.With(row?.ToContact(), AuditEvent.By(caller, time.GetUtcNow(), AuditActions.GuardianContactRead,
                row is null ? AuditOutcomes.NotFound : AuditOutcomes.Ok));
        }, cancellationToken);

    /// <summary>
    /// The guardian sets their address (null removes it) and the reminder setting. A new address becomes the guardian's
    /// own; the same address saved again (the page's form posts it back with the reminder setting) keeps its source.
    /// </summary>
    /// <returns>The contact details after the change, or null when no certificate names the caller as guardian.</returns>
    public Task<GuardianContact?> SetContactAsync(Caller caller, string? email, bool remindersEnabled, CancellationToken cancellationToken) =>
        db.RunAuditedAsync(async transaction =>
        {
            var now = time.GetUtcNow();
            var row = await LockAsync(transaction, caller, cancellationToken);
            if (row is null)
            {
                return Audited.With((GuardianContact?)null,
                    AuditEvent.By(caller, now, AuditActions.GuardianContactChange, AuditOutcomes.NotFound));
            }
            var connection = transaction.Connection!;
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE guardians SET reminders_enabled = @RemindersEnabled, updated_at = @Now WHERE id = @Id",
                new { RemindersEnabled = remindersEnabled, Now = now, row.Id }, transaction, cancellationToken: cancellationToken));
            if (!GuardianEmailRules.SameAddress(email, row.Email))
            {
                await ChangeEmailAsync(transaction, row, email, email is null ? null : EmailSources.Guardian, EmailChangers.Guardian,
                    now, cancellationToken);
                // A suggestion of the address the guardian now chose is answered by the choice.
                if (GuardianEmailRules.SameAddress(email, row.SuggestedEmail))
                {
                    await ClearSuggestionAsync(transaction, row.Id, cancellationToken);
                }
            }
            var after = await LockAsync(transaction, caller, cancellationToken);
            return Audited.With(after?.ToContact(), AuditEvent.By(caller, now, AuditActions.GuardianContactChange, AuditOutcomes.Ok));
        }, cancellationToken);

    /// <summary>
    /// The guardian accepts or dismisses the address care suggested, naming it as it was shown to them, so a suggestion
    /// that changed in between is not answered unseen. Accepting makes the address the guardian's own choice (source
    /// <c>guardian</c>): care cannot replace it afterwards, only suggest another.
    /// </summary>
    public Task<SuggestionResult> AnswerSuggestionAsync(Caller caller, string suggestedEmail, bool accept,
        CancellationToken cancellationToken) =>
        db.RunAuditedAsync(async transaction =>
        {
            var now = time.GetUtcNow();
            var action = accept ? AuditActions.GuardianSuggestionAccept : AuditActions.GuardianSuggestionDismiss;
            var row = await LockAsync(transaction, caller, cancellationToken);
            if (row is null)
            {
                return Audited.With(new SuggestionResult(SuggestionOutcome.NotFound),
                    AuditEvent.By(caller, now, action, AuditOutcomes.NotFound));
            }
            if (row.SuggestedEmail is null || !GuardianEmailRules.SameAddress(row.SuggestedEmail, suggestedEmail))
            {
                return Audited.With(new SuggestionResult(SuggestionOutcome.Conflict, row.ToContact()),
                    AuditEvent.By(caller, now, action, AuditOutcomes.Conflict));
            }
            if (accept && !GuardianEmailRules.SameAddress(row.SuggestedEmail, row.Email))
            {
                await ChangeEmailAsync(transaction, row, row.SuggestedEmail, EmailSources.Guardian, EmailChangers.Guardian, now,
                    cancellationToken);
            }
            await ClearSuggestionAsync(transaction, row.Id, cancellationToken);
            var after = await LockAsync(transaction, caller, cancellationToken);
            return Audited.With(new SuggestionResult(SuggestionOutcome.Done, after!.ToContact()),
                AuditEvent.By(caller, now, action, AuditOutcomes.Ok));
        }, cancellationToken);

    /// <summary>
    /// Records a certificate's guardian as the clinician entered them, in the or renewal's transaction: the name is
    /// the certificate's, and the address follows <see cref="GuardianEmailRules.OnCareEntry"/>. A guardian's own choices
    /// (reminders off, an address they set) survive a new certificate.
    /// </summary>
    /// <returns>The guardian's id, and the audit event of what the entered address did (none when it changed nothing).</returns>
    public static async Task<(Guid GuardianId, AuditEvent? Event)> RecordFromCertificateAsync(DbTransaction transaction,
        CertificateGuardian guardian, CareUnit careUnit, Caller caller, DateTimeOffset now, Guid certificateId, Guid childId,
        CancellationToken cancellationToken)
    {
        var connection = transaction.Connection!;
        // On PostgreSQL the upsert locks the row for the rest of the transaction, so the read below is what the update changes.
        var guardianId = await connection.QuerySingleAsync<Guid>(new CommandDefinition("""
            INSERT INTO guardians (id, personnummer, name, email, email_source, email_set_at, created_at, updated_at)
            VALUES (@Id, @Personnummer, @Name, @Email, @Source, @SetAt, @Now, @Now)
            ON CONFLICT (personnummer) DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at
            RETURNING id
            """, new
        {
            Id = Guid.CreateVersion7(now),
            guardian.Personnummer,
            guardian.Name,
            guardian.Email,
            Source = guardian.Email is null ? null : EmailSources.Clinician,
            SetAt = guardian.Email is null ? (DateTimeOffset?)null : now,
            Now = now,
        }, transaction, cancellationToken: cancellationToken));
        var row = await connection.QuerySingleAsync<GuardianRow>(new CommandDefinition(
            $"SELECT {ContactColumns} FROM guardians WHERE id = @Id", new { Id = guardianId }, transaction,
            cancellationToken: cancellationToken));
        switch (GuardianEmailRules.OnCareEntry(guardian.Email, row.Email, row.EmailSource, row.SuggestedEmail))
        {
            case CareEntry.Replace:
                await ChangeEmailAsync(transaction, row, guardian.Email, EmailSources.Clinician, EmailChangers.Care, now, cancellationToken);
                await ClearSuggestionAsync(transaction, guardianId, cancellationToken);
                return (guardianId, AuditEvent.By(caller, now, AuditActions.GuardianEmailByCare, AuditOutcomes.Replaced, certificateId, childId));
            case CareEntry.Suggest:
                await connection.ExecuteAsync(new CommandDefinition("""
                    UPDATE guardians
                    SET suggested_email = @Email, suggested_at = @Now, suggested_by_care_unit = @HsaId,
                        suggested_by_care_unit_name = @Name
                    WHERE id = @Id
                    """, new { guardian.Email, Now = now, careUnit.HsaId, careUnit.Name, Id = guardianId }, transaction,
                    cancellationToken: cancellationToken));
                return (guardianId, AuditEvent.By(caller, now, AuditActions.GuardianEmailByCare, GuardianAuditOutcomes.Suggested,
                    certificateId, childId));
            default:
                return (guardianId, null);
        }
    }

    /// <summary>The caller's guardian row, locked until the transaction ends, so two changes of it queue.</summary>
    private Task<GuardianRow?> LockAsync(DbTransaction transaction, Caller caller, CancellationToken cancellationToken) =>
        transaction.Connection!.QuerySingleOrDefaultAsync<GuardianRow?>(new CommandDefinition(
            $"SELECT {ContactColumns} FROM guardians WHERE personnummer = @Personnummer {db.Dialect.ForUpdateSql}",
            new { caller.Personnummer }, transaction, cancellationToken: cancellationToken));

    /// <summary>
    /// Sets the address and where it came from, and queues the notice to the old address (when there was one) in the same
    /// transaction: whoever changed it, the owner of the old address hears of it, reminders on or off.
    /// </summary>
    private static async Task ChangeEmailAsync(DbTransaction transaction, GuardianRow row, string? email, string? source,
        string changedBy, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var connection = transaction.Connection!;
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE guardians SET email = @Email, email_source = @Source, email_set_at = @SetAt, updated_at = @Now WHERE id = @Id
            """, new { Email = email, Source = email is null ? null : source, SetAt = email is null ? (DateTimeOffset?)null : now, Now = now, row.Id },
            transaction, cancellationToken: cancellationToken));
        if (string.IsNullOrEmpty(row.Email))
        {
            return;
        }
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO notifications (id, kind, guardian_id, recipient_email, changed_by, new_email_masked, status, attempts,
                next_attempt_at, created_at)
            VALUES (@Id, @Kind, @GuardianId, @OldEmail, @ChangedBy, @NewEmailMasked, @Status, 0, @Now, @Now)
            """, new
        {
            Id = Guid.CreateVersion7(now),
            Kind = NotificationKinds.EmailChanged,
            GuardianId = row.Id,
            OldEmail = row.Email,
            ChangedBy = changedBy,
            NewEmailMasked = email is null ? null : MailAddresses.Mask(email),
            Status = NotificationStatus.Pending,
            Now = now,
        }, transaction, cancellationToken: cancellationToken));
    }

    private static Task<int> ClearSuggestionAsync(DbTransaction transaction, Guid guardianId, CancellationToken cancellationToken) =>
        transaction.Connection!.ExecuteAsync(new CommandDefinition("""
            UPDATE guardians
            SET suggested_email = NULL, suggested_at = NULL, suggested_by_care_unit = NULL, suggested_by_care_unit_name = NULL
            WHERE id = @Id
            """, new { Id = guardianId }, transaction, cancellationToken: cancellationToken));

    // A row class with setters: Dapper maps SQLite's integers and text instants onto it.
    private sealed class GuardianRow
    {
        public Guid Id { get; set; }
        public string Name { get; set; } = "";
        public string? Email { get; set; }
        public bool RemindersEnabled { get; set; }
        public string? EmailSource { get; set; }
        public DateTimeOffset? EmailSetAt { get; set; }
        public string? SuggestedEmail { get; set; }
        public DateTimeOffset? SuggestedAt { get; set; }
        public string? SuggestedByCareUnit { get; set; }
        public string? SuggestedByCareUnitName { get; set; }

        public GuardianContact ToContact() => new(Email, RemindersEnabled, EmailSource, EmailSetAt,
            SuggestedEmail is null ? null : new EmailSuggestion(SuggestedEmail, SuggestedAt!.Value, SuggestedByCareUnit!, SuggestedByCareUnitName!));
    }

    /// <summary>Staff roles whose reads a guardian sees; guardians' own reads are left out.</summary>
    private static readonly string[] StaffRoles = [Roles.Clinician, Roles.School, Roles.Admin];

    public Task<IReadOnlyList<Certificate>> ListCertificatesAsync(Caller caller, CancellationToken cancellationToken) =>
        db.RunAuditedAsync(async transaction =>
        {
            var certificates = await UncheckedCertificateReader.LoadSelectedAsync(transaction, db.Dialect, """
                SELECT c.id
                FROM certificates c
                JOIN certificate_guardians cg ON cg.certificate_id = c.id
                JOIN guardians g ON g.id = cg.guardian_id
                WHERE g.personnummer = @Personnummer
                ORDER BY c.issued_at DESC, c.id
                """, new { caller.Personnummer }, cancellationToken);
            return Audited.With(certificates,
                AuditEvents.PerCertificate(caller, time.GetUtcNow(), AuditActions.GuardianList, certificates));
        }, cancellationToken);

    /// <summary>
    /// Reads by staff of the certificates that name the caller as guardian — the ones the caller may read — that showed
    /// them something (denied and not-found attempts showed nothing), newest first. Reads of a certificate that no longer
    /// names the caller (a guardian left out at renewal) and events without a certificate (a verification that found
    /// none) are not the caller's to see: they would tell where the child is now. The look is audited once per child.
    /// </summary>
    public Task<PageResponse<AccessLogEntry>> ListAccessLogAsync(Caller caller, PageRequest page, CancellationToken cancellationToken) =>
        db.RunAuditedAsync(async transaction =>
        {
            var connection = transaction.Connection!;
            var readable = (await connection.QueryAsync<(Guid CertificateId, Guid ChildId)>(new CommandDefinition("""
                SELECT c.id, c.child_id
                FROM certificates c
                JOIN certificate_guardians cg ON cg.certificate_id = c.id
                JOIN guardians g ON g.id = cg.guardian_id
                WHERE g.personnummer = @Personnummer
                ORDER BY c.child_id, c.id
                """, new { caller.Personnummer }, transaction, cancellationToken: cancellationToken))).ToList();
            var childIds = readable.Select(row => row.ChildId).Distinct().ToList();
            var entries = PageResponse<AccessLogEntry>.Empty;
            if (childIds.Count > 0)
            {
                var before = page.Before is null ? "" : "AND a.id < @Before";
                var rows = (await connection.QueryAsync<AccessLogRow>(new CommandDefinition($"""
                    SELECT a.id, a.occurred_at, a.actor_role, a.actor_unit, a.action, a.certificate_id
                    FROM audit_events a
                    WHERE {db.Dialect.InList("a.certificate_id", "CertificateIds")}
                      AND {db.Dialect.InList("a.actor_role", "Roles")}
                      AND {db.Dialect.InList("a.action", "Actions")}
                      AND a.outcome <> @Denied AND a.outcome <> @NotFound
                      {before}
                    ORDER BY a.id DESC
                    LIMIT @Take
                    """, new
                {
                    CertificateIds = db.Dialect.Ids(readable.Select(row => row.CertificateId)),
                    Roles = StaffRoles,
                    Actions = AuditActions.Reads.ToArray(),
                    Denied = AuditOutcomes.Denied,
                    NotFound = AuditOutcomes.NotFound,
                    page.Before,
                    page.Take,
                }, transaction, cancellationToken: cancellationToken))).ToList();
                entries = PageResponse.From(rows, page, row => row.Id,
                    row => new AccessLogEntry(row.OccurredAt, row.ActorRole, row.ActorUnit, row.Action, row.CertificateId));
            }
            var now = time.GetUtcNow();
            return Audited.With(entries, childIds.Count == 0
                ? [AuditEvent.By(caller, now, AuditActions.GuardianAccessLog, AuditOutcomes.Ok)]
                : childIds.Select(childId => AuditEvent.By(caller, now, AuditActions.GuardianAccessLog, AuditOutcomes.Ok, childId: childId)).ToList());
        }, cancellationToken);

    // A row class with setters: Dapper maps SQLite's 64-bit ids and text instants onto it.
    private sealed class AccessLogRow
    {
        public long Id { get; set; }
        public DateTimeOffset OccurredAt { get; set; }
        public string ActorRole { get; set; } = "";
        public string? ActorUnit { get; set; }
        public string Action { get; set; } = "";
        public Guid? CertificateId { get; set; }
    }
}
