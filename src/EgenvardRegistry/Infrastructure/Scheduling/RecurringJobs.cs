using EgenvardRegistry.Reminders;
using Hangfire;
using Microsoft.Extensions.Options;

namespace EgenvardRegistry.Infrastructure.Scheduling;

/// <summary>
/// Registers the recurring jobs as a node starts (replacing what the store holds, so every node's settings win in
/// turn and must agree), and queues one scan to catch up on a morning missed while no node was running: on SQLite the
/// in-memory store forgot when the scan last ran. The scan is idempotent, so several nodes starting at once is harmless.
/// </summary>
public sealed class RecurringJobs(IRecurringJobManagerV2 recurring, IBackgroundJobClientV2 jobs, IOptions<ReminderOptions> options)
    : IHostedService
{
    public static RecurringJobOptions InStockholm => new()
    {
        TimeZone = StockholmTime.Zone,
        // A firing missed while the scheduler was away (database down at 07:00) runs once as soon as it can.
        MisfireHandling = MisfireHandlingMode.Relaxed,
    };

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Register(recurring, options.Value);
        jobs.Enqueue<ReminderJobs>(job => job.ScanAsync(CancellationToken.None));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The three recurring jobs with their ids, crons and time zone. Hangfire passes its own token for <c>CancellationToken.None</c>.</summary>
    public static void Register(IRecurringJobManager recurring, ReminderOptions settings)
    {
        ArgumentNullException.ThrowIfNull(recurring);
        ArgumentNullException.ThrowIfNull(settings);
        recurring.AddOrUpdate<ReminderJobs>(ReminderJobs.ScanId, job => job.ScanAsync(CancellationToken.None), settings.Cron, InStockholm);
        recurring.AddOrUpdate<ReminderJobs>(ReminderJobs.DispatchId, job => job.DispatchAsync(CancellationToken.None),
            settings.DispatchCron, InStockholm);
        recurring.AddOrUpdate<PurgeJob>(PurgeJob.Id, job => job.RunAsync(CancellationToken.None), PurgeJob.Cron, InStockholm);
    }
}
