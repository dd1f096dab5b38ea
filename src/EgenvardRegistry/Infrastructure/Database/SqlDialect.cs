namespace EgenvardRegistry.Infrastructure.Database;

/// <summary>
/// The one place where the SQL of the two engines differs. Stores write the SQL both engines share and ask
/// the dialect for the rest.
/// </summary>
public abstract class SqlDialect
{
    public static readonly SqlDialect Sqlite = new SqliteDialect();
    public static readonly SqlDialect Postgres = new PostgresDialect();

    /// <summary>Folder name under <c>db/</c> holding this engine's migrations.</summary>
    public abstract string Name { get; }

    /// <summary>A filter "column is one of the list parameter".</summary>
    /// <remarks>Dapper expands <c>IN @list</c> on SQLite but hands Npgsql the whole array.</remarks>
    public abstract string InList(string column, string parameter);

    /// <summary>The value to bind to an <see cref="InList"/> parameter holding ids.</summary>
    /// <remarks>Dapper expands a list without consulting type handlers, so SQLite needs the ids as text.</remarks>
    public abstract System.Collections.IEnumerable Ids(IEnumerable<Guid> ids);

    /// <summary>An expression that makes a new random UUID per row, for set-based inserts.</summary>
    public abstract string NewIdSql { get; }

    /// <summary>Appended to a row-claiming subquery so concurrent claimers take different rows.</summary>
    /// <remarks>SQLite has no row locks: its write transactions are serialised (BEGIN IMMEDIATE) instead.</remarks>
    public abstract string SkipLockedSql { get; }

    /// <summary>Appended to a SELECT of one row that the transaction is about to change, so a concurrent change waits.</summary>
    /// <remarks>SQLite has no row locks: its write transactions are serialised (BEGIN IMMEDIATE) instead.</remarks>
    public abstract string ForUpdateSql { get; }

    /// <summary>Run once per migration pass before anything else, on the migration connection.</summary>
    public abstract string BeginMigrationsSql { get; }

    public abstract string EndMigrationsSql { get; }

    private sealed class SqliteDialect : SqlDialect
    {
        public override string Name => "sqlite";

        public override string InList(string column, string parameter) => $"{column} IN @{parameter}";

        public override System.Collections.IEnumerable Ids(IEnumerable<Guid> ids) => ids.Select(id => id.ToString("D")).ToArray();

        // A version-4 UUID in the canonical text form the type handlers read.
        public override string NewIdSql => """
            lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-'
                || substr('89ab', 1 + abs(random()) % 4, 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))
            """;

        public override string SkipLockedSql => "";

        public override string ForUpdateSql => "";

        // WAL lets readers go on while one writer commits; the setting is stored in the file.
        public override string BeginMigrationsSql => "PRAGMA journal_mode = WAL;";

        public override string EndMigrationsSql => "SELECT 1;";
    }

    private sealed class PostgresDialect : SqlDialect
    {
        // Several nodes may start at once: a session advisory lock lets one of them migrate at a time.
        private const long MigrationLockKey = 0x45_67_76_64_4D_49_47; // "EgvdMIG"

        public override string Name => "postgres";

        public override string InList(string column, string parameter) => $"{column} = ANY(@{parameter})";

        public override System.Collections.IEnumerable Ids(IEnumerable<Guid> ids) => ids.ToArray();

        public override string NewIdSql => "gen_random_uuid()";

        public override string SkipLockedSql => "FOR UPDATE SKIP LOCKED";

        public override string ForUpdateSql => "FOR UPDATE";

        public override string BeginMigrationsSql => $"SELECT pg_advisory_lock({MigrationLockKey});";

        public override string EndMigrationsSql => $"SELECT pg_advisory_unlock({MigrationLockKey});";
    }
}
