using Hangfire;

namespace EgenvardRegistry.Infrastructure.Scheduling;

/// <summary>
/// Registers every feature's recurring jobs as a node starts (replacing what the store holds, so every node's settings
/// win in turn and must agree), then lets each feature queue what it runs once at start-up.
/// </summary>
public sealed class RecurringJobs(
    IRecurringJobManagerV2 recurring, IBackgroundJobClientV2 jobs, IEnumerable<IRecurringJobSource> sources) : IHostedService
{
    public static RecurringJobOptions InStockholm => new()
    {
        TimeZone = StockholmTime.Zone,
        // A firing missed while the scheduler was away (database down at 07:00) runs once as soon as it can.
        MisfireHandling = MisfireHandlingMode.Relaxed,
    };

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var all = sources.ToList();
        Register(recurring, all);
        foreach (var source in all)
        {
            source.Started(jobs);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public static void Register(IRecurringJobManager recurring, IEnumerable<IRecurringJobSource> sources)
    {
        ArgumentNullException.ThrowIfNull(recurring);
        ArgumentNullException.ThrowIfNull(sources);
        foreach (var source in sources)
        {
            source.Register(recurring);
        }
    }
}
