using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;
using Respawn;

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
    private readonly Lazy<Task<Respawner>> _respawner;

    private TestDatabase(Engine engine, string connectionString, string? adminConnectionString, string? sqliteFolder)
    {
        Engine = engine;
        ConnectionString = connectionString;
        _adminConnectionString = adminConnectionString;
        _sqliteFolder = sqliteFolder;
        _respawner = new(CreateRespawnerAsync);
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
    /// Empties the registry's tables with Respawn, except three: the migration journal; <c>audit_events</c>, whose
    /// triggers refuse UPDATE, DELETE and TRUNCATE by design, from the tests too, so audit rows outlive the test that
    /// wrote them (<see cref="IntegrationTest"/> reads only its own); and <c>data_protection_keys</c>, the key ring,
    /// which belongs to the running hosts rather than to a test: a host caches it, so a reset would leave the host
    /// signing cookies and forms with a key that is no longer in the database, and the next host on it (or this one,
    /// once its cache expires) would make another and refuse what the first signed. Only the <c>public</c> schema: a
    /// scheduler's tables in a schema of their own are left to the scheduler.
    /// </summary>
    public async Task ResetAsync()
    {
        await using var connection = await OpenAsync();
        var respawner = await _respawner.Value;
        await respawner.ResetAsync(connection);
    }

    /// <summary>Respawn reads the tables and their foreign keys once, when it is created, and keeps the statements.</summary>
    private async Task<Respawner> CreateRespawnerAsync()
    {
        // PostgreSQL gets one TRUNCATE … CASCADE. SQLite gets a DELETE per table, referencing tables first, inside a
        // transaction, where SQLite ignores Respawn's PRAGMA foreign_keys = OFF: the order alone satisfies the keys.
        // No reseed: no table reset has a counter, and audit_events keeps its own (sqlite_sequence, identity).
        await using var connection = await OpenAsync();
        return await Respawner.CreateAsync(connection, new RespawnerOptions
        {
            DbAdapter = Engine == Engine.Postgres ? DbAdapter.Postgres : DbAdapter.Sqlite,
            SchemasToInclude = Engine == Engine.Postgres ? ["public"] : [],
            TablesToIgnore = ["schema_migrations", "audit_events", "data_protection_keys"],
        });
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
