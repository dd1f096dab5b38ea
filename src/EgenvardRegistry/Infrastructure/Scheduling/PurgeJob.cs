using EgenvardRegistry.Infrastructure.Http;
using Quartz;

namespace EgenvardRegistry.Infrastructure.Scheduling;

/// <summary>Nightly housekeeping: deletes idempotency keys (and the responses they hold) past their 24 hours.</summary>
[DisallowConcurrentExecution]
public sealed partial class PurgeJob(IdempotencyStore idempotency, TimeProvider time, ILogger<PurgeJob> log) : IJob
{
    public static readonly JobKey Key = new("maintenance.purge");

    /// <summary>03:30 in Europe/Stockholm, away from the reminder run.</summary>
    public static readonly TriggerKey NightlyTrigger = new("maintenance.nightly");

    public const string Cron = "0 30 3 * * ?";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        try
        {
            var purged = await idempotency.PurgeExpiredAsync(time.GetUtcNow(), cancellationToken);
            LogPurged(purged);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogFailed(exception); // tomorrow's run deletes what this one left
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Purged {Count} expired idempotency keys")]
    private partial void LogPurged(int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Purging expired idempotency keys failed; the next night tries again")]
    private partial void LogFailed(Exception exception);
}
