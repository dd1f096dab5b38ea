using System.Data.Common;
using EgenvardRegistry.Audit;
using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Database;
using EgenvardRegistry.Instructions;

namespace EgenvardRegistry.Verification;

public sealed class VerificationStore(IDbConnectionFactory db, TimeProvider time)
{
    public Task<VerificationOutcome> VerifyAsync(
        string personnummer, string measure, Caller caller, DateOnly today, CancellationToken cancellationToken) =>
        db.RunAuditedAsync(async transaction =>
        {
            var (childId, outcome) = await DecideAsync(transaction, personnummer, measure, caller, today, cancellationToken);
            return Audited.With(outcome, AuditEvent.By(caller, time.GetUtcNow(), AuditActions.Verification,
                outcome.Reason, outcome.Certificate?.Id, childId));
        }, cancellationToken);

    /// <summary>
    /// Staff's answer to a check of <c>other</c> that needed confirmation: is the measure described on the certificate
    /// the one at hand? The check runs again, so the answer is about the certificates as they are now. When it no longer
    /// names the certificate staff saw, or needs no confirmation, that fresh outcome is returned and audited as a
    /// verification; otherwise the confirmed outcome, audited with staff's answer.
    /// </summary>
    public Task<VerificationOutcome> ConfirmAsync(string personnummer, Guid certificateId, bool sameMeasure, Caller caller,
        DateOnly today, CancellationToken cancellationToken) =>
        db.RunAuditedAsync(async transaction =>
        {
            var (childId, outcome) = await DecideAsync(transaction, personnummer, MeasureCatalogue.Other, caller, today, cancellationToken);
            var now = time.GetUtcNow();
            if (!outcome.NeedsConfirmation || outcome.Certificate!.Id != certificateId)
            {
                return Audited.With(outcome, AuditEvent.By(caller, now, AuditActions.Verification,
                    outcome.Reason, outcome.Certificate?.Id, childId));
            }
            return Audited.With(Verifier.Confirm(outcome, sameMeasure), AuditEvent.By(caller, now, AuditActions.VerificationConfirm,
                sameMeasure ? Confirmations.SameMeasure : Confirmations.OtherMeasure, certificateId, childId));
        }, cancellationToken);

    private async Task<(Guid? ChildId, VerificationOutcome Outcome)> DecideAsync(DbTransaction transaction, string personnummer,
        string measure, Caller caller, DateOnly today, CancellationToken cancellationToken)
    {
        var childId = await UncheckedCertificateReader.FindChildAsync(transaction, personnummer, cancellationToken);
        var shared = childId is null ? [] : await UncheckedCertificateReader.LoadSelectedAsync(transaction, db.Dialect, """
            SELECT c.id
            FROM certificates c
            JOIN certificate_shares s ON s.certificate_id = c.id
            WHERE c.child_id = @ChildId AND s.school_unit = @SchoolUnit
            """, new { ChildId = childId.Value, caller.SchoolUnit }, cancellationToken);
        var outcome = Verifier.Decide(shared, measure, today);
        if (outcome.Certificate is not { } certificate)
        {
            return (childId, outcome);
        }
        return (childId, outcome with
        {
            InstructedStaff = await InstructionStore.CountCurrentAsync(transaction, certificate.Id, caller.SchoolUnit!, cancellationToken),
            MeasuresChangedAtRenewal = await InstructionStore.MeasuresChangedAtRenewalAsync(transaction, db.Dialect, certificate,
                cancellationToken),
        });
    }
}
