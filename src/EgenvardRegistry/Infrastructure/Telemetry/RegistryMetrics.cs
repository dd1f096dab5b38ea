using System.Diagnostics.Metrics;
using EgenvardRegistry.Reminders;
using EgenvardRegistry.Verification;

namespace EgenvardRegistry.Infrastructure.Telemetry;

/// <summary>
/// The registry's own instruments, on one meter (<see cref="MeterName"/>). Recorded always: with no listener an
/// instrument does nothing. A tag value is always a word from a closed set (an outcome, a status, a kind), never an
/// identifier, a school unit or anything else about a child: metrics leave the service, the audit log does not.
/// </summary>
public sealed class RegistryMetrics
{
    public const string MeterName = "EgenvardRegistry";

    private readonly Counter<long> _verifications;
    private readonly Histogram<double> _verificationDuration;
    private readonly Counter<long> _reminders;
    private readonly Histogram<int> _auditBatchSize;

    public RegistryMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _verifications = meter.CreateCounter<long>("egenvard.verifications", "{verification}",
            "Verifications answered, by outcome (valid, none, expired, revoked, not-yet-valid, measure-not-covered).");
        // The goals are a few milliseconds at p99, so the buckets are finer there than the SDK's defaults.
        _verificationDuration = meter.CreateHistogram("egenvard.verification.duration", "s",
            "Time to decide a verification and commit its audit event, by outcome.",
            advice: new InstrumentAdvice<double>
            {
                HistogramBucketBoundaries = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
            });
        _reminders = meter.CreateCounter<long>("egenvard.reminders", "{notification}",
            "Outbox notifications by status (queued by the reminder scan; sent, retrying, failed or cancelled by the dispatch) and kind.");
        _auditBatchSize = meter.CreateHistogram("egenvard.audit.batch.size", "{caller}",
            "Callers whose audit events one group commit wrote (SQLite only).",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512] });
    }

    /// <param name="outcome">One of <see cref="VerificationReasons"/>.</param>
    public void Verified(string outcome, TimeSpan duration)
    {
        var tag = new KeyValuePair<string, object?>("outcome", outcome);
        _verifications.Add(1, tag);
        _verificationDuration.Record(duration.TotalSeconds, tag);
    }

    /// <summary>Reminders the scan wrote to the outbox.</summary>
    public void RemindersQueued(int count)
    {
        if (count > 0)
        {
            _reminders.Add(count, new("status", "queued"), new("kind", NotificationKinds.Reminder));
        }
    }

    /// <param name="kind">One of <see cref="NotificationKinds"/>.</param>
    /// <param name="status">What the dispatch made of it: a <see cref="NotificationStatus"/>, <c>pending</c> counted as <c>retrying</c>.</param>
    public void Dispatched(string kind, string status) =>
        _reminders.Add(1, new("status", status == NotificationStatus.Pending ? "retrying" : status), new("kind", kind));

    public void AuditBatchCommitted(int callers) => _auditBatchSize.Record(callers);
}
