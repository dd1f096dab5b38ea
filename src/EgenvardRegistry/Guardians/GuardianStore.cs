using Dapper;
using EgenvardRegistry.Audit;
using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Database;

namespace EgenvardRegistry.Guardians;

public sealed class GuardianStore(IDbConnectionFactory db, TimeProvider time)
{
    /// <returns>The contact details, or null when no certificate names the caller as guardian.</returns>
    public async Task<GuardianContact?> GetContactAsync(Caller caller, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ContactRow>(new CommandDefinition(
            "SELECT email, reminders_enabled FROM guardians WHERE personnummer = @Personnummer",
            new { caller.Personnummer }, cancellationToken: cancellationToken));
        return row is null ? null : new GuardianContact(row.Email, row.RemindersEnabled);
    }

    private sealed class ContactRow
    {
        public string? Email { get; set; }
        public bool RemindersEnabled { get; set; }
    }

    /// <returns>False when no certificate names the caller as guardian.</returns>
    public async Task<bool> SetContactAsync(Caller caller, string? email, bool remindersEnabled, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE guardians SET email = @Email, reminders_enabled = @RemindersEnabled, updated_at = @Now
            WHERE personnummer = @Personnummer
            """, new { Email = email, RemindersEnabled = remindersEnabled, Now = time.GetUtcNow(), caller.Personnummer },
            cancellationToken: cancellationToken)) == 1;
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
