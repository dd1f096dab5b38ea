using EgenvardRegistry.Audit;
using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Database;

namespace EgenvardRegistry.Schools;

public sealed class SchoolStore(IDbConnectionFactory db, TimeProvider time)
{
    public Task<IReadOnlyList<Certificate>> ListAsync(
        Caller caller, DateOnly today, int? expiringWithinDays, CancellationToken cancellationToken) =>
        db.RunAuditedAsync(async transaction =>
        {
            var until = expiringWithinDays is null ? "" : "AND c.valid_until <= @Until";
            var certificates = await UncheckedCertificateReader.LoadSelectedAsync(transaction, db.Dialect, $"""
                SELECT c.id
                FROM certificates c
                JOIN certificate_shares s ON s.certificate_id = c.id
                WHERE s.school_unit = @SchoolUnit
                  AND c.status = 'active'
                  AND c.valid_until >= @Today
                  {until}
                ORDER BY c.valid_until, c.id
                """, new { caller.SchoolUnit, Today = today, Until = today.AddDays(expiringWithinDays ?? 0) }, cancellationToken);
            return Audited.With(certificates,
                AuditEvents.PerCertificate(caller, time.GetUtcNow(), AuditActions.SchoolList, certificates));
        }, cancellationToken);
}
