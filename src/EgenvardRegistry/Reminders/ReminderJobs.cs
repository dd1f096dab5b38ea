using EgenvardRegistry.Infrastructure.Scheduling;
using Hangfire;
using Microsoft.Extensions.Options;

namespace EgenvardRegistry.Reminders;

/// <summary>
/// Hangfire's entry points for the reminder work. Each is thin: it calls <see cref="IReminderCycle"/>, which is tested
/// without Hangfire and idempotent, and logs what it did. The jobs take no arguments: Hangfire stores arguments and
/// shows them on the dashboard, so nothing about a child or guardian may be one.
/// </summary>
/// <remarks>
/// Hangfire must never retry these: a retry would resend mail the outbox already decided about. The outbox owns
/// retries and back-off, and the next scheduled run picks up whatever this one left. A failed run is deleted rather
/// than kept as failed, so a database outage does not pile up failed jobs that nobody may delete.
/// </remarks>
[AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
public sealed partial class ReminderJobs(IReminderCycle cycle, ILogger<ReminderJobs> log)
{
    public const string ScanId = "reminders.scan";
    public const string DispatchId = "reminders.dispatch";

    /// <summary>The daily scan (and the catch-up at start-up): queue what is due, then send it.</summary>
    [DisableConcurrentExecution(timeoutInSeconds: 10 * 60)]
    public Task ScanAsync(CancellationToken cancellationToken) => RunAsync(ScanId, cycle.RunAsync, cancellationToken);

    /// <summary>
    /// Sends due rows, retries among them. Two dispatches may overlap (another node, or a slow SMTP server): the outbox's
    /// leases (<c>FOR UPDATE SKIP LOCKED</c> on PostgreSQL) give each row to one of them.
    /// </summary>
    public Task DispatchAsync(CancellationToken cancellationToken) => RunAsync(DispatchId, cycle.DrainAsync, cancellationToken);

    private async Task RunAsync(string job, Func<CancellationToken, Task<ReminderRunCounts>> work, CancellationToken cancellationToken)
    {
        try
        {
            var counts = await work(cancellationToken);
            if (counts.Queued + counts.Sent + counts.Retrying + counts.Failed > 0 || job == ScanId)
            {
                LogRan(job, counts.Queued, counts.Sent, counts.Retrying, counts.Failed);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            LogCancelled(job);
            throw;
        }
        catch (Exception exception)
        {
            LogFailed(exception, job);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Reminder job {Job}: {Queued} queued, {Sent} sent, {Retrying} retrying, {Failed} failed")]
    private partial void LogRan(string job, int queued, int sent, int retrying, int failed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reminder job {Job} stopped by shutdown; the next run picks up")]
    private partial void LogCancelled(string job);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reminder job {Job} failed; the next run tries again")]
    private partial void LogFailed(Exception exception, string job);
}

/// <summary>
/// The reminder jobs' ids, crons (<c>Reminders:Cron</c>, <c>Reminders:DispatchCron</c>) and time zone, and one scan queued
/// as a node starts, to catch up on a morning missed while no node was running: on SQLite the in-memory store forgot
/// when the scan last ran. The scan is idempotent, so several nodes starting at once is harmless.
/// </summary>
public sealed class ReminderJobSchedule(IOptions<ReminderOptions> options) : IRecurringJobSource
{
    // Hangfire passes its own token where a job's expression says CancellationToken.None.
    public void Register(IRecurringJobManager recurring)
    {
        ArgumentNullException.ThrowIfNull(recurring);
        var settings = options.Value;
        recurring.AddOrUpdate<ReminderJobs>(ReminderJobs.ScanId, job => job.ScanAsync(CancellationToken.None), settings.Cron,
            RecurringJobs.InStockholm);
        recurring.AddOrUpdate<ReminderJobs>(ReminderJobs.DispatchId, job => job.DispatchAsync(CancellationToken.None),
            settings.DispatchCron, RecurringJobs.InStockholm);
    }

    public void Started(IBackgroundJobClientV2 jobs) => jobs.Enqueue<ReminderJobs>(job => job.ScanAsync(CancellationToken.None));
}
