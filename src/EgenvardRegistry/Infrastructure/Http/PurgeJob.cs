using EgenvardRegistry.Infrastructure.Scheduling;
using Hangfire;

namespace EgenvardRegistry.Infrastructure.Http;

/// <summary>Nightly housekeeping: deletes idempotency keys (and the responses they hold) past their 24 hours.</summary>
/// <remarks>Not retried by Hangfire: the next night deletes whatever this run left.</remarks>
[AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
public sealed partial class PurgeJob(IdempotencyStore idempotency, TimeProvider time, ILogger<PurgeJob> log)
{
    public const string Id = "maintenance.purge";

    /// <summary>03:30 in Europe/Stockholm, away from the reminder scan.</summary>
    public const string Cron = "30 3 * * *";

    [DisableConcurrentExecution(timeoutInSeconds: 10 * 60)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            var purged = await idempotency.PurgeExpiredAsync(time.GetUtcNow(), cancellationToken);
            LogPurged(purged);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogFailed(exception);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Purged {Count} expired idempotency keys")]
    private partial void LogPurged(int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Purging expired idempotency keys failed; the next night tries again")]
    private partial void LogFailed(Exception exception);
}

/// <summary>The purge's id and cron; it has nothing to catch up at start-up, since the next night deletes whatever is due.</summary>
public sealed class PurgeJobSchedule : IRecurringJobSource
{
    public void Register(IRecurringJobManager recurring)
    {
        ArgumentNullException.ThrowIfNull(recurring);
        recurring.AddOrUpdate<PurgeJob>(PurgeJob.Id, job => job.RunAsync(CancellationToken.None), PurgeJob.Cron, RecurringJobs.InStockholm);
    }
}
