using System.Globalization;
using System.Text.RegularExpressions;
using Dapper;

namespace EgenvardRegistry.Infrastructure.Database;

/// <summary>
/// Applies the numbered scripts under <c>db/&lt;engine&gt;/</c> in order, each in its own transaction together
/// with its row in the <c>schema_migrations</c> journal. Applied scripts are skipped, so running it again is a no-op.
/// </summary>
public sealed partial class MigrationRunner(IDbConnectionFactory db, TimeProvider time, ILogger<MigrationRunner> log)
{
    public static string ScriptFolder(SqlDialect dialect) =>
        Path.Combine(AppContext.BaseDirectory, "db", dialect.Name);

    public static IReadOnlyList<Migration> Discover(SqlDialect dialect) => Discover(ScriptFolder(dialect));

    public static IReadOnlyList<Migration> Discover(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new InvalidOperationException($"The migrations folder {folder} is missing.");
        }
        var migrations = Directory.GetFiles(folder, "*.sql")
            .Select(path => (path, match: ScriptName().Match(Path.GetFileName(path))))
            .Where(file => file.match.Success)
            .Select(file => new Migration(
                int.Parse(file.match.Groups["version"].Value, CultureInfo.InvariantCulture),
                Path.GetFileName(file.path),
                file.path))
            .OrderBy(migration => migration.Version)
            .ToList();
        var duplicate = migrations.GroupBy(m => m.Version).FirstOrDefault(group => group.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Two migrations share the number {duplicate.Key}.");
        }
        return migrations;
    }

    /// <returns>How many scripts were applied now.</returns>
    public Task<int> ApplyAsync(CancellationToken cancellationToken) => ApplyAsync(Discover(db.Dialect), cancellationToken);

    internal async Task<int> ApplyAsync(IReadOnlyList<Migration> migrations, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        // No command time-out here: waiting for another node's migrations, and a long script, are not requests to fail fast.
        await connection.ExecuteAsync(new CommandDefinition(db.Dialect.BeginMigrationsSql, commandTimeout: 0, cancellationToken: cancellationToken));
        try
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    INTEGER PRIMARY KEY,
                    name       TEXT NOT NULL,
                    applied_at TEXT NOT NULL
                )
                """, cancellationToken: cancellationToken));
            var applied = (await connection.QueryAsync<int>(new CommandDefinition(
                "SELECT version FROM schema_migrations", cancellationToken: cancellationToken))).ToHashSet();

            var count = 0;
            foreach (var migration in migrations.Where(m => !applied.Contains(m.Version)))
            {
                var script = await File.ReadAllTextAsync(migration.Path, cancellationToken);
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await connection.ExecuteAsync(new CommandDefinition(script, transaction: transaction, commandTimeout: 0, cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@Version, @Name, @AppliedAt)",
                    new { migration.Version, migration.Name, AppliedAt = TypeHandlers.ToUtcText(time.GetUtcNow()) },
                    transaction, cancellationToken: cancellationToken));
                await transaction.CommitAsync(cancellationToken);
                LogApplied(migration.Name, db.Dialect.Name);
                count++;
            }
            return count;
        }
        finally
        {
            await connection.ExecuteAsync(new CommandDefinition(db.Dialect.EndMigrationsSql, cancellationToken: CancellationToken.None));
        }
    }

    [GeneratedRegex(@"^(?<version>\d{4})_[a-z0-9_]+\.sql$")]
    private static partial Regex ScriptName();

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied migration {Name} on {Engine}")]
    private partial void LogApplied(string name, string engine);

    public sealed record Migration(int Version, string Name, string Path);
}
