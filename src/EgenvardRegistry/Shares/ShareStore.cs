using System.Data.Common;
using Dapper;
using EgenvardRegistry.Audit;
using EgenvardRegistry.Certificates;
using EgenvardRegistry.Identifiers;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Database;
using EgenvardRegistry.Reminders;
using EgenvardRegistry.Units;

namespace EgenvardRegistry.Shares;

public enum ShareOutcome
{
    Added,
    Withdrawn,

    /// <summary>The unit could already see the certificate (add), or could not (withdraw): nothing recorded.</summary>
    Unchanged,

    /// <summary>No such certificate, not one of the caller's children's, or no longer the current active one.</summary>
    NotFound,

    /// <summary>The unit to add is not in the unit directory.</summary>
    UnknownUnit,
}

/// <summary>How an add or a withdrawal ended; <see cref="Shares"/> is the state after it when the certificate was found.</summary>
public sealed record ShareResult(ShareOutcome Outcome, CertificateShares? Shares = null);

public static class ShareAuditOutcomes
{
    /// <summary>The unit could already see the certificate, or already could not: nothing changed.</summary>
    public const string Unchanged = "unchanged";

    /// <summary>The certificate was found but is no longer active (renewed or revoked): nothing changed.</summary>
    public const string NotActive = "not-active";
}

/// <summary>
/// The guardians decide which units see a certificate: they add a unit from the directory or withdraw one, each change a
/// consent event in the append-only <c>share_consents</c> table, and the certificate's version moves on (its
/// <c>sharedWith</c> changed), so a renewal prepared before a withdrawal cannot quietly bring the unit back. A withdrawn
/// unit's next verification answers <c>none</c>: verification reads <c>certificate_shares</c>, which the withdrawal empties.
/// A withdrawal also queues an e-mail to the unit (outbox kind <c>share-withdrawn</c>) when the directory has its address.
/// </summary>
public sealed class ShareStore(IDbConnectionFactory db, TimeProvider time)
{
    /// <returns>The certificate's units and consent history, or null when the caller is not one of its guardians.</returns>
    public Task<CertificateShares?> ListAsync(Guid certificateId, Caller caller, CancellationToken cancellationToken) =>
        db.RunAuditedAsync(async transaction =>
        {
            var certificate = await LoadCertificateAsync(transaction, certificateId, cancellationToken);
            var now = time.GetUtcNow();
            if (Refusal(certificate, caller) is { } refusal)
            {
                return Audited.With((CertificateShares?)null,
                    AuditEvent.By(caller, now, AuditActions.ShareList, refusal, certificateId, certificate?.ChildId));
            }
            return Audited.With((CertificateShares?)await SharesAsync(transaction, certificate!, cancellationToken),
                AuditEvent.By(caller, now, AuditActions.ShareList, AuditOutcomes.Ok, certificateId, certificate!.ChildId));
        }, cancellationToken);

    /// <summary>A guardian lets a unit from the directory see the current, active certificate.</summary>
    public Task<ShareResult> AddAsync(Guid certificateId, UnitId unit, Caller caller, CancellationToken cancellationToken) =>
        ChangeAsync(certificateId, unit, ConsentChanges.Add, caller, cancellationToken);

    /// <summary>A guardian withdraws a unit's access to the current, active certificate.</summary>
    public Task<ShareResult> WithdrawAsync(Guid certificateId, UnitId unit, Caller caller, CancellationToken cancellationToken) =>
        ChangeAsync(certificateId, unit, ConsentChanges.Withdraw, caller, cancellationToken);

    /// <summary>
    /// Records that <paramref name="units"/> were shared when a certificate was issued or renewed, in that transaction:
    /// by the clinician at the guardian's request, or carried over from the renewed certificate.
    /// </summary>
    public static Task RecordAsync(DbTransaction transaction, Guid certificateId, IEnumerable<string> units, string change,
        string basis, ConsentActor actor, DateTimeOffset at, CancellationToken cancellationToken) =>
        transaction.Connection!.ExecuteAsync(new CommandDefinition("""
            INSERT INTO share_consents (certificate_id, unit_id, change, basis, actor_role, actor_id, actor_name, occurred_at)
            VALUES (@CertificateId, @UnitId, @Change, @Basis, @ActorRole, @ActorId, @ActorName, @OccurredAt)
            """, units.Select(unit => new
        {
            CertificateId = certificateId,
            UnitId = unit,
            Change = change,
            Basis = basis,
            ActorRole = actor.Role,
            ActorId = actor.Id,
            ActorName = actor.Name,
            OccurredAt = at,
        }).ToList(), transaction, cancellationToken: cancellationToken));

    private Task<ShareResult> ChangeAsync(Guid certificateId, UnitId unit, string change, Caller caller,
        CancellationToken cancellationToken) =>
        db.RunAuditedAsync(async transaction =>
        {
            var action = change == ConsentChanges.Add ? AuditActions.ShareAdd : AuditActions.ShareWithdraw;
            var now = time.GetUtcNow();
            var connection = transaction.Connection!;
            // The row lock orders this change against a renewal, a revocation or another change of the same certificate.
            var status = await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
                $"SELECT status FROM certificates WHERE id = @Id {db.Dialect.ForUpdateSql}",
                new { Id = certificateId }, transaction, cancellationToken: cancellationToken));
            var certificate = status is null ? null : await LoadCertificateAsync(transaction, certificateId, cancellationToken);
            var refusal = Refusal(certificate, caller)
                ?? (certificate!.Status == CertificateStatus.Active ? null : ShareAuditOutcomes.NotActive);
            if (refusal is not null)
            {
                return Audited.With(new ShareResult(ShareOutcome.NotFound),
                    AuditEvent.By(caller, now, action, refusal, certificateId, certificate?.ChildId));
            }
            // A unit that already sees the certificate is unchanged below, even one the directory no longer has.
            if (change == ConsentChanges.Add && !certificate!.SharedWith.Contains(unit.Value)
                && (await UnitStore.FindAsync(connection, transaction, db.Dialect, [unit.Value], cancellationToken)).Count == 0)
            {
                return Audited.With(new ShareResult(ShareOutcome.UnknownUnit),
                    AuditEvent.By(caller, now, action, AuditOutcomes.Invalid, certificateId, certificate!.ChildId));
            }

            var changed = await connection.ExecuteAsync(new CommandDefinition(change == ConsentChanges.Add
                ? """
                  INSERT INTO certificate_shares (certificate_id, school_unit) VALUES (@Id, @Unit)
                  ON CONFLICT (certificate_id, school_unit) DO NOTHING
                  """
                : "DELETE FROM certificate_shares WHERE certificate_id = @Id AND school_unit = @Unit",
                new { Id = certificateId, Unit = unit.Value }, transaction, cancellationToken: cancellationToken)) == 1;
            if (changed)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE certificates SET version = version + 1 WHERE id = @Id",
                    new { Id = certificateId }, transaction, cancellationToken: cancellationToken));
                var guardianId = await connection.QuerySingleAsync<Guid>(new CommandDefinition(
                    "SELECT id FROM guardians WHERE personnummer = @Personnummer",
                    new { caller.Personnummer }, transaction, cancellationToken: cancellationToken));
                await RecordAsync(transaction, certificateId, [unit.Value], change, ConsentBases.Guardian,
                    new ConsentActor(Roles.Guardian, guardianId.ToString("D"), GuardianName(certificate!, caller)), now, cancellationToken);
                if (change == ConsentChanges.Withdraw)
                {
                    await QueueWithdrawnEmailAsync(transaction, certificateId, unit.Value, now, cancellationToken);
                }
            }
            var after = await LoadCertificateAsync(transaction, certificateId, cancellationToken);
            var outcome = !changed ? ShareOutcome.Unchanged : change == ConsentChanges.Add ? ShareOutcome.Added : ShareOutcome.Withdrawn;
            return Audited.With(new ShareResult(outcome, await SharesAsync(transaction, after!, cancellationToken)),
                AuditEvent.By(caller, now, action, changed ? AuditOutcomes.Ok : ShareAuditOutcomes.Unchanged, certificateId,
                    certificate!.ChildId));
        }, cancellationToken);

    /// <summary>
    /// Queues the e-mail that tells the unit it can no longer see the certificate, when the directory has a contact address
    /// for it: one per withdrawal (the consent event just recorded, the latest under the certificate's row lock), with the
    /// address as it is now.
    /// </summary>
    private static Task<int> QueueWithdrawnEmailAsync(DbTransaction transaction, Guid certificateId, string unit, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        transaction.Connection!.ExecuteAsync(new CommandDefinition("""
            INSERT INTO notifications (id, kind, share_consent_id, recipient_email, status, attempts, next_attempt_at, created_at)
            SELECT @Id, @Kind, s.id, u.contact_email, @Status, 0, @Now, @Now
            FROM share_consents s
            JOIN units u ON u.id = s.unit_id
            WHERE s.id = (SELECT MAX(id) FROM share_consents
                          WHERE certificate_id = @CertificateId AND unit_id = @Unit AND change = @Change)
              AND u.contact_email IS NOT NULL AND u.contact_email <> ''
            """, new
        {
            Id = Guid.CreateVersion7(now),
            Kind = NotificationKinds.ShareWithdrawn,
            Status = NotificationStatus.Pending,
            Now = now,
            CertificateId = certificateId,
            Unit = unit,
            Change = ConsentChanges.Withdraw,
        }, transaction, cancellationToken: cancellationToken));

    /// <summary>Only the child's guardians see or change who sees a certificate; to anyone else it does not exist.</summary>
    private static string? Refusal(Certificate? certificate, Caller caller) =>
        certificate is null ? AuditOutcomes.NotFound
        : caller.Role == Roles.Guardian && CertificateAccess.CanRead(caller, certificate) ? null
        : AuditOutcomes.Denied;

    /// <summary>The guardian's name as the certificate has it.</summary>
    private static string GuardianName(Certificate certificate, Caller caller) =>
        certificate.Guardians.First(guardian => guardian.Personnummer == caller.Personnummer).Name;

    private async Task<CertificateShares> SharesAsync(DbTransaction transaction, Certificate certificate, CancellationToken cancellationToken)
    {
        var connection = transaction.Connection!;
        // The certificate and those it renewed, back to the first: a renewal's history starts where its predecessor's ended.
        var history = (await connection.QueryAsync<ConsentRow>(new CommandDefinition("""
            WITH RECURSIVE chain (id) AS (
                SELECT c.id FROM certificates c WHERE c.id = @Id
                UNION ALL
                SELECT c.replaces FROM certificates c JOIN chain ON c.id = chain.id WHERE c.replaces IS NOT NULL
            )
            SELECT s.id, s.certificate_id, s.unit_id, s.change, s.basis, s.actor_role, s.actor_id, s.actor_name, s.occurred_at
            FROM share_consents s
            WHERE s.certificate_id IN (SELECT id FROM chain)
            ORDER BY s.id DESC
            """, new { certificate.Id }, transaction, cancellationToken: cancellationToken)))
            .Select(row => new ConsentEvent(row.Id, row.CertificateId, row.UnitId, row.Change, row.Basis, row.ActorRole, row.ActorId,
                row.ActorName, row.OccurredAt))
            .ToList();
        var directory = await UnitStore.FindAsync(connection, transaction, db.Dialect,
            [.. certificate.SharedWith.Concat(history.Select(consent => consent.UnitId)).Distinct(StringComparer.Ordinal)],
            cancellationToken);
        return new CertificateShares(certificate, certificate.SharedWith, history, directory);
    }

    private async Task<Certificate?> LoadCertificateAsync(DbTransaction transaction, Guid id, CancellationToken cancellationToken) =>
        (await UncheckedCertificateReader.LoadAsync(transaction, db.Dialect, [id], cancellationToken)).SingleOrDefault();

    // A row class with setters: Dapper maps SQLite's 64-bit ids and text instants onto it, which constructor mapping refuses.
    private sealed class ConsentRow
    {
        public long Id { get; set; }
        public Guid CertificateId { get; set; }
        public string UnitId { get; set; } = "";
        public string Change { get; set; } = "";
        public string Basis { get; set; } = "";
        public string ActorRole { get; set; } = "";
        public string ActorId { get; set; } = "";
        public string ActorName { get; set; } = "";
        public DateTimeOffset OccurredAt { get; set; }
    }
}
