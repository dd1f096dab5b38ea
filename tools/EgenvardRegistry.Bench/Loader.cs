using System.Diagnostics;
using System.Globalization;
using EgenvardRegistry.Infrastructure.Database;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace EgenvardRegistry.Bench;

public enum BenchEngine
{
    Sqlite,
    Postgres,
}

/// <summary>Creates the schema with the service's own migrations and loads a plan into it.</summary>
public static class Loader
{
    /// <summary>The registry's connection factory for an engine, as the service builds it.</summary>
    public static IDbConnectionFactory Factory(BenchEngine engine, string connectionString) => engine == BenchEngine.Postgres
        ? new PostgresConnectionFactory(NpgsqlDataSource.Create(connectionString))
        : new SqliteConnectionFactory(connectionString, Directory.GetCurrentDirectory());

    public static async Task MigrateAsync(IDbConnectionFactory db, CancellationToken cancellationToken)
    {
        TypeHandlers.Register();
        await new MigrationRunner(db, TimeProvider.System, NullLogger<MigrationRunner>.Instance).ApplyAsync(cancellationToken);
    }

    /// <summary>Migrates, then loads every table of the plan; returns how long the load itself took (migrations not counted).</summary>
    public static async Task<TimeSpan> LoadAsync(BenchEngine engine, string connectionString, DataPlan plan, CancellationToken cancellationToken)
    {
        var db = Factory(engine, connectionString);
        try
        {
            await MigrateAsync(db, cancellationToken);
        }
        finally
        {
            if (db is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }
        var watch = Stopwatch.StartNew();
        if (engine == BenchEngine.Postgres)
        {
            await LoadPostgresAsync(connectionString, plan, cancellationToken);
        }
        else
        {
            LoadSqlite(SqliteConnectionFactory.Resolve(connectionString, Directory.GetCurrentDirectory()).ToString(), plan);
        }
        return watch.Elapsed;
    }

    /// <summary>
    /// Binary COPY, one table after another in one transaction. ANALYZE afterwards, as autovacuum would soon do, so the
    /// first queries are planned with the real sizes.
    /// </summary>
    private static async Task LoadPostgresAsync(string connectionString, DataPlan plan, CancellationToken cancellationToken)
    {
        // No command timeout: a COPY's foreign-key checks run when it completes, which takes minutes at a million rows.
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = 0 }.ToString());
        await connection.OpenAsync(cancellationToken);
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            foreach (var table in Tables.InLoadOrder)
            {
                var columns = string.Join(", ", table.Columns.Select(column => column.Name));
                await using var importer = await connection.BeginBinaryImportAsync(
                    $"COPY {table.Name} ({columns}) FROM STDIN (FORMAT BINARY)", cancellationToken);
                var watch = Stopwatch.StartNew();
                var rows = 0;
                foreach (var row in table.Rows(plan))
                {
                    rows++;
                await importer.StartRowAsync(cancellationToken);
                    for (var i = 0; i < row.Length; i++)
                    {
                        await WriteAsync(importer, row[i], table.Columns[i].Type, cancellationToken);
                    }
                }
                await importer.CompleteAsync(cancellationToken);
                Progress(table, rows, watch.Elapsed);
            }
            await using (var link = new NpgsqlCommand(Tables.LinkRenewals, connection, transaction) { CommandTimeout = 0 })
            {
                await link.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
        }
        await using var analyze = new NpgsqlCommand("ANALYZE", connection) { CommandTimeout = 0 };
        await analyze.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Per table on standard error, so a slow table shows while the load runs.</summary>
    private static void Progress(TableSpec table, int rows, TimeSpan elapsed) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {table.Name,-22} {rows,10:N0} rows {elapsed.TotalSeconds,7:F1} s"));

    private static Task WriteAsync(NpgsqlBinaryImporter importer, object? value, ColumnType type, CancellationToken cancellationToken) =>
        value is null ? importer.WriteNullAsync(cancellationToken) : type switch
        {
            ColumnType.Uuid => importer.WriteAsync((Guid)value, NpgsqlDbType.Uuid, cancellationToken),
            ColumnType.Number => importer.WriteAsync((int)value, NpgsqlDbType.Integer, cancellationToken),
            ColumnType.Boolean => importer.WriteAsync((bool)value, NpgsqlDbType.Boolean, cancellationToken),
            ColumnType.Date => importer.WriteAsync((DateOnly)value, NpgsqlDbType.Date, cancellationToken),
            ColumnType.Instant => importer.WriteAsync(((DateTimeOffset)value).UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken),
            _ => importer.WriteAsync((string)value, NpgsqlDbType.Text, cancellationToken),
        };

    /// <summary>
    /// One transaction with one prepared INSERT per table, values in the text forms the service's type handlers write,
    /// with foreign keys on (the factory's connection string).
    /// </summary>
    private static void LoadSqlite(string connectionString, DataPlan plan)
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using (var pragma = connection.CreateCommand())
        {
            // A larger page cache (256 MiB) for this connection only: the indexes of a million certificates stay in memory.
            pragma.CommandText = "PRAGMA cache_size = -262144;";
            pragma.ExecuteNonQuery();
        }
        using var transaction = connection.BeginTransaction();
        foreach (var table in Tables.InLoadOrder)
        {
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = $"""
                INSERT INTO {table.Name} ({string.Join(", ", table.Columns.Select(column => column.Name))})
                VALUES ({string.Join(", ", table.Columns.Select((_, i) => $"$p{i}"))})
                """;
            var parameters = table.Columns.Select((_, i) => insert.Parameters.Add(new SqliteParameter($"$p{i}", null))).ToArray();
            insert.Prepare();
            var watch = Stopwatch.StartNew();
            var rows = 0;
            foreach (var row in table.Rows(plan))
            {
                rows++;
                for (var i = 0; i < row.Length; i++)
                {
                    parameters[i].Value = SqliteValue(row[i], table.Columns[i].Type);
                }
                insert.ExecuteNonQuery();
            }
            Progress(table, rows, watch.Elapsed);
        }
        using (var link = connection.CreateCommand())
        {
            link.Transaction = transaction;
            link.CommandText = Tables.LinkRenewals;
            link.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    private static object SqliteValue(object? value, ColumnType type) => value is null ? DBNull.Value : type switch
    {
        ColumnType.Uuid => ((Guid)value).ToString("D"),
        ColumnType.Boolean => (bool)value ? 1 : 0,
        ColumnType.Date => ((DateOnly)value).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        // The form TypeHandlers writes: UTC, seven fractional digits, 'Z'.
        ColumnType.Instant => ((DateTimeOffset)value).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture),
        _ => value,
    };
}
