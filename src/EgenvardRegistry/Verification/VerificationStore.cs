using EgenvardRegistry.Audit;
using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Database;

namespace EgenvardRegistry.Verification;

public sealed class VerificationStore(IDbConnectionFactory db, TimeProvider time)
{
    public Task<VerificationOutcome> VerifyAsync(
        string personnummer, string measure, Caller caller, DateOnly today, CancellationToken cancellationToken) =>
        db.RunAuditedAsync(async transaction =>
        {
            var childId = await UncheckedCertificateReader.FindChildAsync(transaction, personnummer, cancellationToken);
            var shared = childId is null ? [] : await UncheckedCertificateReader.LoadSelectedAsync(transaction, db.Dialect, """
                SELECT c.id
                FROM certificates c
                JOIN certificate_shares s ON s.certificate_id = c.id
                WHERE c.child_id = @ChildId AND s.school_unit = @SchoolUnit
                """, new { ChildId = childId.Value, caller.SchoolUnit }, cancellationToken);
            var outcome = Verifier.Decide(shared, measure, today);
            return Audited.With(outcome, AuditEvent.By(caller, time.GetUtcNow(), AuditActions.Verification,
                outcome.Reason, outcome.Certificate?.Id, childId));
        }, cancellationToken);
}
