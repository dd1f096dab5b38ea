using EgenvardRegistry.Infrastructure.Database;
using EgenvardRegistry.Reminders;
using EgenvardRegistry.Web;
using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.Extensions.Options;

namespace EgenvardRegistry.Infrastructure.Scheduling;

/// <summary>
/// The scheduling module: Hangfire runs the recurring jobs (<see cref="ReminderJobs"/>, <see cref="PurgeJob"/>) in the
/// web process. On SQLite its storage is in memory, since the outbox table, not the job store, is the durable ledger; on
/// PostgreSQL it lives in the registry's database in a schema of its own (<c>hangfire</c>, created by Hangfire at start),
/// so a recurring job fires once across any number of nodes.
/// </summary>
/// <remarks>
/// The storage and the job activator are this host's own services rather than Hangfire's process-wide
/// <c>JobStorage.Current</c> and <c>JobActivator.Current</c>, so two hosts in one process (the tests' nodes) never run
/// each other's jobs. Only the static serializer settings are global, and they are the same for every host.
/// </remarks>
public static class SchedulerRegistration
{
    public const string DashboardPath = "/admin/jobb";

    public const string PostgresSchema = "hangfire";

    /// <summary>How often a node looks for recurring and delayed jobs that are due, and (on PostgreSQL) for queued ones.</summary>
    public static readonly TimeSpan PollingInterval = TimeSpan.FromSeconds(2);

    public static IServiceCollection AddRegistryScheduler(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<JobStorage>(CreateStorage);
        services.AddSingleton<JobActivator>(provider => new AspNetCoreJobActivator(provider.GetRequiredService<IServiceScopeFactory>()));
        services.AddHangfire((provider, hangfire) => hangfire
            .UseLogProvider(new HangfireLogging(provider.GetRequiredService<ILoggerFactory>()))
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings());
        services.AddScoped<ReminderJobs>();
        services.AddScoped<PurgeJob>();

        // Whether this node runs jobs decides which services exist, so it is read now; everything else through options.
        if (!configuration.GetValue($"{ReminderOptions.Section}:{nameof(ReminderOptions.SchedulerEnabled)}", true))
        {
            return services;
        }
        services.AddHostedService<RecurringJobs>();
        services.AddHangfireServer(server =>
        {
            // Three jobs, none of them busy for long: a few workers keep a slow scan from delaying the dispatch.
            server.WorkerCount = 3;
            server.SchedulePollingInterval = PollingInterval;
        });
        return services;
    }

    /// <summary>The Hangfire Dashboard at <c>/admin/jobb</c>, for signed-in administrators only, read-only.</summary>
    public static IEndpointConventionBuilder MapJobDashboard(this IEndpointRouteBuilder routes) =>
        routes.MapHangfireDashboardWithAuthorizationPolicy(WebPolicies.Admin, DashboardPath, new DashboardOptions
        {
            AppPath = "/admin",
            DashboardTitle = "Egenvårdsregistret – schemalagda jobb",
            // Read-only even for administrators: deleting a recurring job would stop reminders until the next restart, and
            // a failed notification is retried on /admin, where the outbox owns retries.
            IsReadOnlyFunc = _ => true,
            DisplayStorageConnectionString = false,
        });

    private static JobStorage CreateStorage(IServiceProvider provider)
    {
        var database = provider.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        if (database.ParseProvider() != DatabaseProvider.Postgres)
        {
            return new InMemoryStorage();
        }
        var options = new PostgreSqlStorageOptions
        {
            SchemaName = PostgresSchema,
            PrepareSchemaIfNecessary = true,
            QueuePollInterval = PollingInterval,
        };
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(database.ConnectionString, options), options);
    }
}
