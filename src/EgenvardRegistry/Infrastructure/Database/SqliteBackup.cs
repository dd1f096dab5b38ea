using Dapper;
using Microsoft.Data.Sqlite;

namespace EgenvardRegistry.Infrastructure.Database;

/// <summary>
/// Copies the embedded SQLite database to a file while the service runs, through SQLite's online backup API. The copy
/// is one consistent snapshot: the backup reads inside one read transaction, which in WAL mode does not hold up the
/// service's writers, so it holds exactly the transactions committed before it began. It is written to a temporary
/// file next to the target, switched to a single self-contained file (rollback journal, no <c>-wal</c>), checked
/// with <c>PRAGMA integrity_check</c>, and only then renamed into place.
/// </summary>
public static class SqliteBackup
{
    /// <summary>Copies the database of <paramref name="sourceConnectionString"/> to <paramref name="destination"/>.</summary>
    /// <param name="contentRoot">What a relative database path is relative to, as for the service itself.</param>
    /// <param name="destination">The backup file; a relative path is relative to the current directory.</param>
    /// <param name="overwrite">Replace an existing file at <paramref name="destination"/>; without it, refuse.</param>
    /// <exception cref="BackupException">Nothing was written at <paramref name="destination"/>; the message says why.</exception>
    public static BackupResult Copy(string sourceConnectionString, string contentRoot, string destination, bool overwrite)
    {
        var source = SqliteConnectionFactory.Resolve(sourceConnectionString, contentRoot);
        if (SqliteConnectionFactory.IsInMemory(source) || string.IsNullOrEmpty(source.DataSource))
        {
            throw new BackupException("ConnectionStrings:Registry names an in-memory database: there is no file to back up.");
        }
        var target = Path.GetFullPath(destination);
        CheckTarget(source.DataSource, target, overwrite);

        // Read-only and unpooled: the backup never writes to the live database and leaves no handle open on it.
        source.Mode = SqliteOpenMode.ReadOnly;
        source.Pooling = false;
        var temporary = Path.Combine(Path.GetDirectoryName(target)!, $"{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            CopyOnline(source.ToString(), temporary);
            var tables = CheckCopy(temporary);
            var bytes = new FileInfo(temporary).Length;
            try
            {
                File.Move(temporary, target, overwrite);
            }
            catch (IOException exception)
            {
                throw new BackupException($"Could not move the finished copy to {target}: {exception.Message}");
            }
            return new BackupResult(source.DataSource, target, bytes, tables);
        }
        finally
        {
            foreach (var leftover in new[] { temporary, $"{temporary}-journal", $"{temporary}-wal", $"{temporary}-shm" })
            {
                File.Delete(leftover);
            }
        }
    }

    private static void CheckTarget(string source, string target, bool overwrite)
    {
        if (!File.Exists(source))
        {
            throw new BackupException($"There is no database at {source}: check ConnectionStrings:Registry.");
        }
        if (string.Equals(Path.GetFullPath(source), target, StringComparison.Ordinal)
            || target.StartsWith($"{source}-", StringComparison.Ordinal))
        {
            throw new BackupException($"{target} is the live database itself: choose another file for the backup.");
        }
        if (Directory.Exists(target))
        {
            throw new BackupException($"{target} is a folder: give the path of the backup file to write.");
        }
        if (!Directory.Exists(Path.GetDirectoryName(target)))
        {
            throw new BackupException($"The folder {Path.GetDirectoryName(target)} does not exist.");
        }
        if (File.Exists(target) && !overwrite)
        {
            throw new BackupException($"{target} already exists: choose a new file, or pass --force to replace it.");
        }
    }

    private static void CopyOnline(string sourceConnectionString, string temporary)
    {
        try
        {
            using var source = new SqliteConnection(sourceConnectionString);
            source.Open();
            // The backup's read lock waits out a WAL recovery or checkpoint of the service instead of failing at once.
            source.Execute("PRAGMA busy_timeout = 10000");
            using var copy = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = temporary,
                Mode = SqliteOpenMode.ReadWriteCreate,
                Pooling = false,
            }.ToString());
            copy.Open();
            source.BackupDatabase(copy);
            // The pages carry the service's WAL setting; a backup is better one file that opens anywhere. The service
            // switches a restored file back to WAL when it starts.
            copy.ExecuteScalar<string>("PRAGMA journal_mode = DELETE");
        }
        catch (SqliteException exception)
        {
            throw new BackupException($"The backup failed: {exception.Message}");
        }
    }

    /// <returns>The copy's tables and how many rows each holds.</returns>
    private static List<TableRows> CheckCopy(string temporary)
    {
        try
        {
            using var copy = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = temporary,
                Mode = SqliteOpenMode.ReadOnly,
                Pooling = false,
            }.ToString());
            copy.Open();
            var problems = copy.Query<string>("PRAGMA integrity_check").ToList();
            if (problems is not ["ok"])
            {
                throw new BackupException(
                    $"The copy failed PRAGMA integrity_check, so it was not kept: {string.Join("; ", problems.Take(5))}");
            }
            var tables = copy.Query<string>("""
                SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name
                """).ToList();
            return tables
                .Select(table => new TableRows(table, copy.ExecuteScalar<long>($"SELECT COUNT(*) FROM \"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\"")))
                .ToList();
        }
        catch (SqliteException exception)
        {
            throw new BackupException($"The copy could not be checked, so it was not kept: {exception.Message}");
        }
    }
}

/// <summary>A finished backup: where from, where to, its size and what it holds.</summary>
public sealed record BackupResult(string Source, string Destination, long Bytes, IReadOnlyList<TableRows> Tables);

public sealed record TableRows(string Table, long Rows);

/// <summary>A backup that was refused or failed; the message says why, for the operator.</summary>
public sealed class BackupException(string message) : Exception(message);
