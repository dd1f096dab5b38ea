using System.Globalization;
using EgenvardRegistry.Infrastructure.Database;
using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.Dashboard;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.Extensions.Options;

namespace EgenvardRegistry.Infrastructure.Scheduling;

/// <summary>
/// The scheduling module: Hangfire runs the recurring jobs the features register (<see cref="IRecurringJobSource"/>) in
/// the web process. On SQLite its storage is in memory, since the outbox table, not the job store, is the durable ledger; on
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

    private static readonly CultureInfo Swedish = CultureInfo.GetCultureInfo("sv-SE");

    // Hangfire's list of dashboard stylesheets is process-wide: added once, however many hosts map the dashboard.
    private static readonly Lazy<bool> ReadableColours = new(() =>
    {
        DashboardRoutes.AddStylesheet(typeof(SchedulerRegistration).Assembly, "EgenvardRegistry.Infrastructure.Scheduling.dashboard.css");
        return true;
    });

    /// <param name="runJobs">
    /// Whether this node runs jobs (a Hangfire server, and every feature's recurring jobs registered at start). It decides
    /// which services exist, so it is read before options are bound; without it the node can still queue jobs and show the
    /// dashboard.
    /// </param>
    public static IServiceCollection AddRegistryScheduler(this IServiceCollection services, bool runJobs)
    {
        services.AddSingleton<JobStorage>(CreateStorage);
        services.AddSingleton<JobActivator>(provider => new AspNetCoreJobActivator(provider.GetRequiredService<IServiceScopeFactory>()));
        services.AddHangfire((provider, hangfire) => hangfire
            .UseLogProvider(new HangfireLogging(provider.GetRequiredService<ILoggerFactory>()))
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings());
        if (!runJobs)
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

    /// <summary>Adds a feature's recurring jobs; the job classes themselves the feature registers as scoped services.</summary>
    public static IServiceCollection AddRecurringJobs<TSource>(this IServiceCollection services)
        where TSource : class, IRecurringJobSource =>
        services.AddSingleton<IRecurringJobSource, TSource>();

    /// <summary>
    /// The Hangfire Dashboard at <c>/admin/jobb</c>: for whoever <paramref name="authorizationPolicy"/> admits (the
    /// administrators' page policy, which sends anyone else to sign in or to the refusal page), read-only, and in Swedish.
    /// </summary>
    public static IEndpointConventionBuilder MapJobDashboard(this IEndpointRouteBuilder routes, string authorizationPolicy)
    {
        var services = routes.ServiceProvider;
        HangfireServiceCollectionExtensions.ThrowIfNotConfigured(services);
        _ = ReadableColours.Value;
        var options = new DashboardOptions
        {
            AppPath = "/admin",
            DashboardTitle = "Egenvårdsregistret – schemalagda jobb",
            // The endpoint's authorization policy decides who gets in; Hangfire's own filter would admit local requests only.
            Authorization = [],
            AsyncAuthorization = [],
            // Read-only even for administrators: deleting a recurring job would stop reminders until the next restart, and
            // a failed notification is retried on /admin, where the outbox owns retries.
            IsReadOnlyFunc = _ => true,
            DisplayStorageConnectionString = false,
            // One look, the light one that the contrast fix below is made for.
            DarkModeEnabled = false,
            TimeZoneResolver = services.GetRequiredService<ITimeZoneResolver>(),
        };
        var dashboard = routes.CreateApplicationBuilder()
            .UsePathBase(DashboardPath)
            .Use(InSwedish)
            .UseMiddleware<AspNetCoreDashboardMiddleware>(services.GetRequiredService<JobStorage>(), options,
                services.GetRequiredService<Hangfire.Dashboard.RouteCollection>())
            .Build();
        return routes.Map(DashboardPath + "/{**path}", dashboard).RequireAuthorization(authorizationPolicy);
    }

    /// <summary>Hangfire renders the dashboard in the request's UI culture (it ships Swedish) and names it in <c>lang</c>.</summary>
    private static Task InSwedish(HttpContext context, RequestDelegate next)
    {
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = Swedish;
        return next(context);
    }

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
