using System.Collections.Concurrent;
using System.Data.Common;

namespace EgenvardRegistry.Infrastructure.Database;

/// <summary>
/// One fixed SQL text (one or more statements) with named parameters, for a read on a hot path, run without parsing
/// and planning it each time. On SQLite the statements are prepared once per connection and kept with it: SQLite
/// parses and plans a statement whenever a new command runs it, and Microsoft.Data.Sqlite keeps prepared statements
/// only as long as their command object lives (measured on a verification: parsing and planning was a third of the
/// service's CPU). On PostgreSQL the pooled connection is used as usual and Npgsql's automatic preparation
/// (<c>Max Auto Prepare</c>, set by <see cref="DatabaseRegistration"/>) keeps the statements prepared on the server.
/// </summary>
public abstract class PreparedQuery : IAsyncDisposable
{
    public static PreparedQuery For(IDbConnectionFactory db, string sql, params string[] parameterNames) =>
        db.Dialect == SqlDialect.Sqlite ? new KeptCommands(db, sql, parameterNames) : new PooledConnection(db, sql, parameterNames);

    /// <summary>Runs the statements with these parameter values (in the order of the names given) and reads their results.</summary>
    public abstract Task<T> ReadAsync<T>(object?[] values, Func<DbDataReader, Task<T>> read, CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();

    private static DbCommand Command(DbConnection connection, string sql, string[] parameterNames)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameterNames)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    private static void Bind(DbCommand command, object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }

    private sealed class PooledConnection(IDbConnectionFactory db, string sql, string[] parameterNames) : PreparedQuery
    {
        public override async Task<T> ReadAsync<T>(object?[] values, Func<DbDataReader, Task<T>> read, CancellationToken cancellationToken)
        {
            await using var connection = await db.OpenAsync(cancellationToken);
            await using var command = Command(connection, sql, parameterNames);
            Bind(command, values);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await read(reader);
        }

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>
    /// Prepared commands on open connections, each used by one caller at a time. At most a few are kept (each SQLite
    /// connection has a page cache of its own); a caller who finds none idle prepares one, and it is kept if there is room.
    /// </summary>
    private sealed class KeptCommands(IDbConnectionFactory db, string sql, string[] parameterNames) : PreparedQuery
    {
        private static readonly int MaxKept = Math.Max(4, Environment.ProcessorCount * 2);

        private readonly ConcurrentBag<DbCommand> _idle = [];
        private int _idleCount;
        private bool _disposed;

        public override async Task<T> ReadAsync<T>(object?[] values, Func<DbDataReader, Task<T>> read, CancellationToken cancellationToken)
        {
            DbCommand command;
            if (_idle.TryTake(out var idle))
            {
                Interlocked.Decrement(ref _idleCount);
                command = idle;
            }
            else
            {
                command = await PrepareAsync(cancellationToken);
            }
            T result;
            try
            {
                Bind(command, values);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                result = await read(reader);
            }
            catch
            {
                await DisposeAsync(command); // in whatever state the failure left it
                throw;
            }
            if (!Volatile.Read(ref _disposed) && Interlocked.Increment(ref _idleCount) <= MaxKept)
            {
                _idle.Add(command);
            }
            else
            {
                Interlocked.Decrement(ref _idleCount);
                await DisposeAsync(command);
            }
            return result;
        }

        private async Task<DbCommand> PrepareAsync(CancellationToken cancellationToken)
        {
            var connection = await db.OpenAsync(cancellationToken);
            var command = Command(connection, sql, parameterNames);
            await command.PrepareAsync(cancellationToken);
            return command;
        }

        public override async ValueTask DisposeAsync()
        {
            Volatile.Write(ref _disposed, true);
            while (_idle.TryTake(out var command))
            {
                await DisposeAsync(command);
            }
        }

        private static async ValueTask DisposeAsync(DbCommand command)
        {
            var connection = command.Connection;
            await command.DisposeAsync();
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
    }
}
