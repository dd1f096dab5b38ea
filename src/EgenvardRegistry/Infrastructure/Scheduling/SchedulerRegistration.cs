using System.Data.Common;
using EgenvardRegistry.Infrastructure.Database;
using EgenvardRegistry.Reminders;
using Microsoft.Extensions.Options;
using Npgsql;
using Quartz;

namespace EgenvardRegistry.Infrastructure.Scheduling;

/// <summary>
/// The scheduler module: Quartz.NET runs <see cref="ReminderJob"/> daily on <c>Reminders:Cron</c> (Europe/Stockholm)
/// and once at start-up. In memory on SQLite; on PostgreSQL a clustered store in the registry's own database
/// (tables <c>qrtz_*</c>, created by Quartz), so a daily firing happens once across nodes. Nothing outside this
/// folder knows the scheduler is Quartz: another one (Hangfire) would replace this folder and keep calling
/// <see cref="IReminderCycle"/>.
/// </summary>
public static class SchedulerRegistration
{
    /// <summary>The name every node's scheduler shares: on PostgreSQL it is the cluster's identity in the Quartz tables.</summary>
    public const string SchedulerName = "EgenvardRegistry";

    private const string DataSourceKey = "scheduler";

    public static IServiceCollection AddRegistryScheduler(this IServiceCollection services, IConfiguration configuration)
    {
        // Whether there is a scheduler, and which store it has, decide which services exist, so those two settings are
        // read now; the cron and the connection string are read through options when the scheduler is built.
        if (!configuration.GetValue($"{ReminderOptions.Section}:{nameof(ReminderOptions.SchedulerEnabled)}", true))
        {
            return services;
        }
        var clustered = UsesPostgres(configuration);

        services.AddQuartz(quartz =>
        {
            quartz.ConfigureScheduler(scheduler =>
            {
                // Every node shares the name (it is the cluster's identity); UseClustering gives each node its own id (AUTO).
                scheduler.InstanceName = SchedulerName;
                // On shutdown the running job's token is cancelled, and the shutdown still waits for it to unwind.
                scheduler.ShutdownJobInterruption = ShutdownJobInterruption.WhenWaitingForJobs;
            });
            // Quartz fires on the real clock; the cycle reads the app's TimeProvider for "today", which tests move.
            quartz.UseTimeProvider(TimeProvider.System);
            if (clustered)
            {
                quartz.UsePersistentStore(store =>
                {
                    store.UsePostgres(source => source.DataSourceServiceKey = DataSourceKey);
                    store.UseSystemTextJsonSerializer();
                    store.UseClustering(cluster =>
                    {
                        cluster.CheckinInterval = TimeSpan.FromSeconds(10);
                        cluster.CheckinMisfireThreshold = TimeSpan.FromSeconds(20);
                    });
                    store.ProvisionSchema();
                });
            }
            else
            {
                quartz.UseInMemoryStore();
            }

            quartz.AddJob<ReminderJob>(job => job.WithIdentity(ReminderJob.Key).StoreDurably());
            quartz.AddTrigger((provider, trigger) => trigger
                .WithIdentity(ReminderJob.DailyTrigger)
                .ForJob(ReminderJob.Key)
                .WithSchedule(CronScheduleBuilder
                    .Create(provider.GetRequiredService<IOptions<ReminderOptions>>().Value.Cron)
                    .InTimeZone(StockholmTime.Zone)
                    // A firing missed while the scheduler ran (database away at 07:00, a node that died holding it)
                    // happens once as soon as it can; a node that was down altogether catches up by the start-up trigger.
                    .WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed)));
            // Each node adds it as it starts; the stored one is replaced (OverwriteExistingData), so a restart never
            // fails on a key that already exists, and the cycle is idempotent if two nodes' start-ups both fire.
            quartz.AddJob<PurgeJob>(job => job.WithIdentity(PurgeJob.Key).StoreDurably());
            quartz.AddTrigger(trigger => trigger
                .WithIdentity(PurgeJob.NightlyTrigger)
                .ForJob(PurgeJob.Key)
                .WithSchedule(CronScheduleBuilder.Create(PurgeJob.Cron).InTimeZone(StockholmTime.Zone)
                    .WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed)));
            quartz.AddTrigger(trigger => trigger
                .WithIdentity(ReminderJob.StartupTrigger)
                .ForJob(ReminderJob.Key)
                .StartNow());
        });
        services.Configure<QuartzOptions>(options => options.Scheduling.OverwriteExistingData = true);
        services.AddQuartzHostedService(hosted => hosted.WaitForJobsToComplete = true);

        if (clustered)
        {
            // Quartz's own pool, disposed with the container. Not given the app's logger factory: a clustered scheduler
            // polls and checks in every few seconds, and Npgsql would log each statement.
            services.AddKeyedSingleton<DbDataSource>(DataSourceKey, (provider, _) =>
                NpgsqlDataSource.Create(provider.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString));
        }
        return services;
    }

    private static bool UsesPostgres(IConfiguration configuration)
    {
        var options = new DatabaseOptions
        {
            Provider = configuration[$"{DatabaseOptions.Section}:{nameof(DatabaseOptions.Provider)}"] ?? new DatabaseOptions().Provider,
        };
        try
        {
            return options.ParseProvider() == DatabaseProvider.Postgres;
        }
        catch (InvalidOperationException)
        {
            return false; // DatabaseOptions validation stops the service at start, naming the setting
        }
    }
}
