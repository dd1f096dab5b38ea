using Dapper;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;

namespace EgenvardRegistry.Infrastructure.Database;

public static class DatabaseRegistration
{
    public static IServiceCollection AddRegistryDatabase(this IServiceCollection services)
    {
        TypeHandlers.Register();
        services.AddOptions<DatabaseOptions>()
            .BindConfiguration(DatabaseOptions.Section)
            .Configure<IConfiguration>((options, configuration) =>
                options.ConnectionString = configuration.GetConnectionString("Registry") ?? "")
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddSingleton<IDbConnectionFactory>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            return options.ParseProvider() switch
            {
                DatabaseProvider.Postgres => new PostgresConnectionFactory(
                    PostgresDataSource(options.PostgresConnectionString(), provider.GetRequiredService<ILoggerFactory>())),
                _ => new SqliteConnectionFactory(
                    options.ConnectionString, provider.GetRequiredService<IHostEnvironment>().ContentRootPath),
            };
        });
        services.AddSingleton<MigrationRunner>();
        // A database that does not answer is unhealthy within seconds, not after a connect time-out of its own.
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"], timeout: TimeSpan.FromSeconds(5));
        return services;
    }

    /// <summary>Npgsql's pool, for the connection string <see cref="DatabaseOptions.PostgresConnectionString"/> completed.</summary>
    private static NpgsqlDataSource PostgresDataSource(string connectionString, ILoggerFactory loggers) =>
        new NpgsqlDataSourceBuilder(connectionString).UseLoggerFactory(loggers).Build();
}

public sealed class DatabaseHealthCheck(IDbConnectionFactory db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await db.OpenAsync(cancellationToken);
            var applied = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT COUNT(*) FROM schema_migrations", cancellationToken: cancellationToken));
            return applied > 0
                ? HealthCheckResult.Healthy($"{db.Dialect.Name}: {applied} migrations applied")
                : HealthCheckResult.Unhealthy($"{db.Dialect.Name}: no migrations applied");
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"{db.Dialect.Name}: database unreachable");
        }
    }
}
