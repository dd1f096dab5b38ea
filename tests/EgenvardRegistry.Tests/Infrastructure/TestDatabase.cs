using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace EgenvardRegistry.Tests.Infrastructure;

/// <summary>
/// A database of its own for one test run: a temporary SQLite file, or a fresh database on the PostgreSQL
/// server named by <c>EGENVARD_TEST_POSTGRES</c> (which scripts/test.sh starts). A missing server fails the
/// run: it never skips.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "EGENVARD_TEST_POSTGRES";

    private readonly string? _adminConnectionString;
    private readonly string? _sqliteFolder;

    private TestDatabase(Engine engine, string connectionString, string? adminConnectionString, string? sqliteFolder)
    {
        Engine = engine;
        ConnectionString = connectionString;
        _adminConnectionString = adminConnectionString;
        _sqliteFolder = sqliteFolder;
    }

    public Engine Engine { get; }

    public string ConnectionString { get; }

    public string Provider => Engine == Engine.Postgres ? "postgres" : "sqlite";

    public static async Task<TestDatabase> CreateAsync(Engine engine)
    {
        if (engine == Engine.Sqlite)
        {
            var folder = Directory.CreateTempSubdirectory("egenvard-test-").FullName;
            return new TestDatabase(engine, $"Data Source={Path.Combine(folder, "registry.db")}", null, folder);
        }

        var admin = Environment.GetEnvironmentVariable(PostgresVariable);
        if (string.IsNullOrWhiteSpace(admin))
        {
            throw new InvalidOperationException(
                $"{PostgresVariable} is not set. Run the suite with scripts/test.sh, which starts PostgreSQL.");
        }
        var name = $"egenvard_test_{Guid.NewGuid():N}"[..32];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await connection.ExecuteAsync($"CREATE DATABASE {name}");
        }
        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
        return new TestDatabase(engine, builder.ConnectionString, admin, null);
    }

    public async Task<DbConnection> OpenAsync()
    {
        DbConnection connection = Engine == Engine.Postgres
            ? new NpgsqlConnection(ConnectionString)
            : new SqliteConnection(new SqliteConnectionStringBuilder(ConnectionString) { ForeignKeys = true }.ToString());
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>
    /// Empties every table but the migration journal and Quartz's <c>qrtz_*</c> tables (the small stand-in for
    /// Respawn), past the triggers that make tables append-only: the tests connect as superuser, which may skip them,
    /// the application's role may not. A running clustered scheduler keeps its state in the Quartz tables.
    /// </summary>
    public async Task ResetAsync()
    {
        await using var connection = await OpenAsync();
        if (Engine == Engine.Postgres)
        {
            var tables = (await connection.QueryAsync<string>("""
                SELECT quote_ident(table_name) FROM information_schema.tables
                WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations'
                  AND table_name NOT LIKE 'qrtz\_%'
                """)).ToList();
            if (tables.Count > 0)
            {
                // In the replica role ordinary triggers, TRUNCATE triggers included, do not fire; SET LOCAL ends with the transaction.
                await using var transaction = await connection.BeginTransactionAsync();
                await connection.ExecuteAsync("SET LOCAL session_replication_role = replica", transaction: transaction);
                await connection.ExecuteAsync($"TRUNCATE {string.Join(", ", tables)} RESTART IDENTITY CASCADE", transaction: transaction);
                await transaction.CommitAsync();
            }
            return;
        }
        var sqliteTables = (await connection.QueryAsync<string>("""
            SELECT name FROM sqlite_master
            WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'
            """)).ToList();
        await connection.ExecuteAsync("PRAGMA foreign_keys = OFF");
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            // SQLite cannot switch triggers off: drop them, empty the tables, and create them again from their own SQL.
            var triggers = (await connection.QueryAsync<(string Name, string Sql)>(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'", transaction: transaction)).ToList();
            foreach (var trigger in triggers)
            {
                await connection.ExecuteAsync($"DROP TRIGGER \"{trigger.Name}\"", transaction: transaction);
            }
            foreach (var table in sqliteTables)
            {
                await connection.ExecuteAsync($"DELETE FROM \"{table}\"", transaction: transaction);
            }
            foreach (var trigger in triggers)
            {
                await connection.ExecuteAsync(trigger.Sql, transaction: transaction);
            }
            await transaction.CommitAsync();
        }
        await connection.ExecuteAsync("PRAGMA foreign_keys = ON");
    }

    public async ValueTask DisposeAsync()
    {
        if (_adminConnectionString is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(_adminConnectionString);
            await connection.OpenAsync();
            var name = new NpgsqlConnectionStringBuilder(ConnectionString).Database;
            await connection.ExecuteAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        }
        if (_sqliteFolder is not null)
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(_sqliteFolder, recursive: true);
        }
    }
}
