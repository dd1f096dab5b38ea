using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace EgenvardRegistry.Infrastructure.Database;

/// <summary>Opens connections to the registry database; one implementation per engine.</summary>
public interface IDbConnectionFactory
{
    SqlDialect Dialect { get; }

    ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>For the few callers whose interface is synchronous (the Data Protection key repository).</summary>
    DbConnection Open();
}

public sealed class SqliteConnectionFactory : IDbConnectionFactory
{
    private readonly string _connectionString;

    public SqliteConnectionFactory(string connectionString, string contentRoot)
    {
        var builder = Resolve(connectionString, contentRoot);
        if (!IsInMemory(builder))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(builder.DataSource)!);
        }
        _connectionString = builder.ToString();
    }

    /// <summary>The connection string with foreign keys on and a relative file path made absolute.</summary>
    /// <remarks>A relative path is relative to the content root, so `dotnet run` finds the same file from anywhere.</remarks>
    public static SqliteConnectionStringBuilder Resolve(string connectionString, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString) { ForeignKeys = true };
        if (!IsInMemory(builder))
        {
            builder.DataSource = Path.GetFullPath(builder.DataSource, contentRoot);
        }
        return builder;
    }

    public static bool IsInMemory(SqliteConnectionStringBuilder builder) =>
        builder.DataSource == ":memory:" || builder.Mode == SqliteOpenMode.Memory;

    public SqlDialect Dialect => SqlDialect.Sqlite;

    public async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    public DbConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }
}

public sealed class PostgresConnectionFactory(NpgsqlDataSource dataSource) : IDbConnectionFactory, IAsyncDisposable
{
    public SqlDialect Dialect => SqlDialect.Postgres;

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();

    public async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await dataSource.OpenConnectionAsync(cancellationToken);

    public DbConnection Open() => dataSource.OpenConnection();
}
