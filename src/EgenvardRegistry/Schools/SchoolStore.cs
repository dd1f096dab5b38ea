using EgenvardRegistry.Audit;
using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Database;
using EgenvardRegistry.Instructions;

namespace EgenvardRegistry.Schools;

/// <summary>A certificate on the school unit's list, with how many of the unit's staff are recorded as instructed.</summary>
public sealed record SchoolListEntry(Certificate Certificate, int InstructedStaff);

public sealed class SchoolStore(IDbConnectionFactory db, TimeProvider time)
{
    public async Task<IReadOnlyList<Certificate>> ListAsync(
        Caller caller, DateOnly today, int? expiringWithinDays, CancellationToken cancellationToken) =>
        [.. (await ListEntriesAsync(caller, today, expiringWithinDays, withoutInstructedStaff: false, cancellationToken))
            .Select(entry => entry.Certificate)];

    /// <param name="withoutInstructedStaff">Only certificates for which the unit has recorded no instructed staff.</param>
    public Task<IReadOnlyList<SchoolListEntry>> ListEntriesAsync(
        Caller caller, DateOnly today, int? expiringWithinDays, bool withoutInstructedStaff, CancellationToken cancellationToken) =>
        db.RunAuditedAsync(async transaction =>
        {
            var until = expiringWithinDays is null ? "" : "AND c.valid_until <= @Until";
            var uninstructed = withoutInstructedStaff ? """
                AND NOT EXISTS (SELECT 1 FROM current_staff_instructions i WHERE i.certificate_id = c.id AND i.school_unit = @SchoolUnit)
                """ : "";
            var certificates = await UncheckedCertificateReader.LoadSelectedAsync(transaction, db.Dialect, $"""
                SELECT c.id
                FROM certificates c
                JOIN certificate_shares s ON s.certificate_id = c.id
                WHERE s.school_unit = @SchoolUnit
                  AND c.status = 'active'
                  AND c.valid_until >= @Today
                  {until}
                  {uninstructed}
                ORDER BY c.valid_until, c.id
                """, new { caller.SchoolUnit, Today = today, Until = today.AddDays(expiringWithinDays ?? 0) }, cancellationToken);
            var instructed = await InstructionStore.CountCurrentAsync(transaction, db.Dialect,
                [.. certificates.Select(certificate => certificate.Id)], caller.SchoolUnit!, cancellationToken);
            return Audited.With<IReadOnlyList<SchoolListEntry>>(
                [.. certificates.Select(certificate => new SchoolListEntry(certificate, instructed.GetValueOrDefault(certificate.Id)))],
                AuditEvents.PerCertificate(caller, time.GetUtcNow(), AuditActions.SchoolList, certificates));
        }, cancellationToken);
}
