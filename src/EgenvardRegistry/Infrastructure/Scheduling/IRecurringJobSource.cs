using Hangfire;

namespace EgenvardRegistry.Infrastructure.Scheduling;

/// <summary>
/// A feature's recurring jobs. A feature registers its source with <see cref="SchedulerRegistration.AddRecurringJobs{TSource}"/>,
/// and <see cref="RecurringJobs"/> asks every source, as a node starts, to add or update its jobs.
/// </summary>
public interface IRecurringJobSource
{
    /// <summary>Adds or updates the feature's recurring jobs, each with an explicit id, its cron and <see cref="RecurringJobs.InStockholm"/>.</summary>
    void Register(IRecurringJobManager recurring);

    /// <summary>Queues what should run once as a node starts, after every source has registered its recurring jobs.</summary>
    void Started(IBackgroundJobClientV2 jobs)
    {
    }
}
