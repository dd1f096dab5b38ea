using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace EgenvardRegistry.Infrastructure.Database;

/// <summary>
/// Tells a database that cannot be reached, or is shutting down, starting up or too busy, apart from an error in a
/// statement: the first is the caller's to retry (503), the second a bug (500).
/// </summary>
public static class DatabaseUnavailable
{
    /// <summary>
    /// Why the database is unavailable, in words that name no data (an SQLSTATE, a socket error), or null when
    /// <paramref name="exception"/> is not about the database being unavailable.
    /// </summary>
    public static string? Cause(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                // 57P01–57P05: shutting down, crashed, starting up, dropped, idle session ended; 08: connection lost;
                // 53300: no connection slot left.
                case PostgresException postgres when postgres.SqlState.StartsWith("57P", StringComparison.Ordinal)
                        || postgres.SqlState.StartsWith("08", StringComparison.Ordinal) || postgres.SqlState == "53300":
                    return $"PostgreSQL SQLSTATE {postgres.SqlState}";
                case PostgresException:
                    return null;
                case NpgsqlException npgsql when ConnectionFailure(npgsql) is { } failure:
                    return $"PostgreSQL connection: {failure}";
                // SQLITE_BUSY, SQLITE_LOCKED: another writer held the file for longer than the command time-out.
                case SqliteException { SqliteErrorCode: 5 or 6 } sqlite:
                    return $"SQLite error {sqlite.SqliteErrorCode} (busy)";
            }
        }
        return null;
    }

    private static string? ConnectionFailure(NpgsqlException exception)
    {
        for (Exception? current = exception.InnerException; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case SocketException socket:
                    return $"socket error {socket.SocketErrorCode}";
                case IOException or TimeoutException:
                    return current.GetType().Name;
            }
        }
        return exception.IsTransient ? "transient failure" : null;
    }
}
