using System.Diagnostics;
using Dapper;
using EgenvardRegistry.Audit;
using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Database;
using EgenvardRegistry.Infrastructure.Telemetry;
using EgenvardRegistry.Instructions;

namespace EgenvardRegistry.Verification;

public sealed class VerificationStore : IAsyncDisposable
{
    /// <summary>The child's certificates shared with the school unit.</summary>
    private const string Shared = """
        SELECT s.certificate_id
        FROM children sch
        JOIN certificates sc ON sc.child_id = sch.id
        JOIN certificate_shares s ON s.certificate_id = sc.id
        WHERE sch.personnummer = @Personnummer AND s.school_unit = @SchoolUnit
        """;

    /// <summary>
    /// Everything a verification reads, as one command: the child, the shared certificates, the unit's instructed staff
    /// for each, and the measures of the certificate each renewal replaced (whether staff must be instructed anew).
    /// </summary>
    private static readonly string ReadSql = $"""
        SELECT id FROM children WHERE personnummer = @Personnummer;
        {UncheckedCertificateReader.Statements(column => $"{column} IN ({Shared})")}
        SELECT certificate_id, COUNT(*) AS staff
        FROM current_staff_instructions
        WHERE school_unit = @SchoolUnit AND certificate_id IN ({Shared})
        GROUP BY certificate_id;
        SELECT r.id AS certificate_id, m.code, m.description, m.performer, m.instructions, m.if_harm, m.if_changed
        FROM certificates r
        JOIN certificate_measures m ON m.certificate_id = r.replaces
        WHERE r.id IN ({Shared})
        ORDER BY m.position
        """;

    private readonly IAuditCommit _audit;
    private readonly TimeProvider _time;
    private readonly PreparedQuery _read;
    private readonly RegistryMetrics _metrics;

    public VerificationStore(IDbConnectionFactory db, IAuditCommit audit, TimeProvider time, RegistryMetrics metrics)
    {
        _audit = audit;
        _time = time;
        _metrics = metrics;
        _read = PreparedQuery.For(db, ReadSql, "Personnummer", "SchoolUnit");
    }

    public ValueTask DisposeAsync() => _read.DisposeAsync();

    /// <summary>
    /// The check schools make before every dose, so the one on the hot path: everything it reads comes back from one
    /// prepared command (one round trip on PostgreSQL), and its audit event is committed on its own (SQLite: with the
    /// others that arrived meanwhile, <see cref="SqliteGroupAuditCommit"/>) before the answer is returned. The read
    /// takes no write lock; what it decides on is what the event records.
    /// </summary>
    public async Task<VerificationOutcome> VerifyAsync(
        string personnummer, string measure, Caller caller, DateOnly today, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp(); // a latency: on the monotonic timer, which a fake clock does not freeze
        var (childId, outcome) = await DecideAsync(personnummer, measure, caller.SchoolUnit!, today, cancellationToken);
        await _audit.CommitAsync([AuditEvent.By(caller, _time.GetUtcNow(), AuditActions.Verification,
            outcome.Reason, outcome.Certificate?.Id, childId)], cancellationToken);
        _metrics.Verified(outcome.Reason, Stopwatch.GetElapsedTime(started));
        return outcome;
    }

    private async Task<(Guid? ChildId, VerificationOutcome Outcome)> DecideAsync(string personnummer, string measure,
        string schoolUnit, DateOnly today, CancellationToken cancellationToken)
    {
        var (childId, certificates, instructed, replacedMeasures) = await _read.ReadAsync([personnummer, schoolUnit],
            async reader =>
            {
                var child = reader.Parse<Guid>().Select(id => (Guid?)id).SingleOrDefault();
                await reader.NextResultAsync(cancellationToken);
                var shared = await UncheckedCertificateReader.ReadAsync(reader, cancellationToken);
                var staff = reader.Parse<InstructedRow>().ToDictionary(row => row.CertificateId, row => (int)row.Staff);
                await reader.NextResultAsync(cancellationToken);
                // The measures of the certificate each renewal replaced, under the renewal's id.
                var replaced = reader.Parse<UncheckedCertificateReader.MeasureRow>()
                    .ToLookup(row => row.CertificateId, row => row.ToMeasure());
                return (child, shared, staff, replaced);
            }, cancellationToken);

        var outcome = Verifier.Decide(certificates, measure, today);
        if (outcome.Certificate is not { } certificate)
        {
            return (childId, outcome);
        }
        return (childId, outcome with
        {
            InstructedStaff = instructed.GetValueOrDefault(certificate.Id),
            MeasuresChangedAtRenewal = certificate.Replaces is not null
                && InstructionRules.MeasuresChanged([.. replacedMeasures[certificate.Id]], certificate.Measures),
        });
    }

    private sealed class InstructedRow
    {
        public Guid CertificateId { get; set; }
        public long Staff { get; set; }
    }

    /// <summary>
    /// Staff's answer to a check of <c>other</c> that needed confirmation: is the measure described on the certificate
    /// the one at hand? The check runs again, so the answer is about the certificates as they are now. When it no longer
    /// names the certificate staff saw, or needs no confirmation, that fresh outcome is returned and audited as a
    /// verification; otherwise the confirmed outcome, audited with staff's answer.
    /// </summary>
    public async Task<VerificationOutcome> ConfirmAsync(string personnummer, Guid certificateId, bool sameMeasure, Caller caller,
        DateOnly today, CancellationToken cancellationToken)
    {
        var (childId, outcome) = await DecideAsync(personnummer, MeasureCatalogue.Other, caller.SchoolUnit!, today, cancellationToken);
        var now = _time.GetUtcNow();
        if (!outcome.NeedsConfirmation || outcome.Certificate!.Id != certificateId)
        {
            await _audit.CommitAsync([AuditEvent.By(caller, now, AuditActions.Verification,
                outcome.Reason, outcome.Certificate?.Id, childId)], cancellationToken);
            return outcome;
        }
        await _audit.CommitAsync([AuditEvent.By(caller, now, AuditActions.VerificationConfirm,
            sameMeasure ? Confirmations.SameMeasure : Confirmations.OtherMeasure, certificateId, childId)], cancellationToken);
        return Verifier.Confirm(outcome, sameMeasure);
    }
}
