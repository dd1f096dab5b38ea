using Dapper;
using EgenvardRegistry.Infrastructure.Database;
using Microsoft.Data.Sqlite;

namespace EgenvardRegistry.Tests.Infrastructure;

/// <summary>
/// <see cref="SqliteBackup"/> called directly: what the copy holds, and what it refuses. SQLite only: PostgreSQL is
/// backed up with pg_dump (<see cref="BackupCommandTests"/> checks the refusal that says so, <see cref="BackupRestoreTests"/>
/// restores a pg_dump taken under load).
/// </summary>
[TestFixture(Engine.Sqlite)]
public sealed class SqliteBackupTests(Engine engine) : IntegrationTest(engine)
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("egenvard-backup-").FullName;

    [TearDown]
    public void DeleteFolder()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private string LiveDatabase => new SqliteConnectionStringBuilder(App.Database.ConnectionString).DataSource;

    [Test]
    public async Task Copy_OfTheRunningServicesDatabase_HoldsEveryTableWithEveryRow_AsOneFile()
    {
        var first = await IssueOk();
        var second = await IssueOk(Samples.Certificate(childPnr: Samples.OtherChildPnr, measures: ["insulin", "blood-glucose"]));
        var target = Path.Combine(_folder, "registry-backup.db");

        var result = SqliteBackup.Copy(App.Database.ConnectionString, _folder, target, overwrite: false);

        Assert.That(result.Source, Is.EqualTo(LiveDatabase));
        Assert.That(result.Destination, Is.EqualTo(target));
        Assert.That(result.Bytes, Is.EqualTo(new FileInfo(target).Length).And.GreaterThan(0));
        Assert.That(result.Tables.ToDictionary(table => table.Table, table => table.Rows), Is.EqualTo(await RowCounts(App.Database.ConnectionString)));
        Assert.That(result.Tables.Single(table => table.Table == "certificate_measures").Rows, Is.EqualTo(3));
        Assert.That(Directory.GetFiles(_folder).Select(Path.GetFileName), Is.EqualTo(new[] { "registry-backup.db" }),
            "no temporary file, journal or -wal is left beside the backup");

        await using var copy = await OpenReadOnly(target);
        Assert.That(await copy.ExecuteScalarAsync<string>("PRAGMA journal_mode"), Is.EqualTo("delete"));
        Assert.That(await copy.QueryAsync<string>("SELECT id FROM certificates ORDER BY id"),
            Is.EqualTo(new[] { first.ToString(), second.ToString() }.Order()));
        await using var live = await App.Database.OpenAsync();
        var liveAudit = await live.QueryAsync<(long, string, string?)>("SELECT id, action, certificate_id FROM audit_events ORDER BY id");
        Assert.That(await copy.QueryAsync<(long, string, string?)>("SELECT id, action, certificate_id FROM audit_events ORDER BY id"),
            Is.EqualTo(liveAudit));
    }

    [Test]
    public async Task Copy_ToAnExistingFile_IsRefusedAndLeavesItAsItWas_UnlessOverwriting()
    {
        await IssueOk();
        var target = Path.Combine(_folder, "registry-backup.db");
        await File.WriteAllTextAsync(target, "an older backup");

        Assert.That(() => SqliteBackup.Copy(App.Database.ConnectionString, _folder, target, overwrite: false),
            Throws.InstanceOf<BackupException>().With.Message.EqualTo($"{target} already exists: choose a new file, or pass --force to replace it."));
        Assert.That(await File.ReadAllTextAsync(target), Is.EqualTo("an older backup"));

        SqliteBackup.Copy(App.Database.ConnectionString, _folder, target, overwrite: true);

        await using var copy = await OpenReadOnly(target);
        Assert.That(await copy.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM certificates"), Is.EqualTo(1));
        Assert.That(Directory.GetFiles(_folder), Has.Length.EqualTo(1));
    }

    [Test]
    public async Task Copy_OntoTheLiveDatabase_IsRefusedEvenWhenOverwriting()
    {
        await IssueOk();

        Assert.That(() => SqliteBackup.Copy(App.Database.ConnectionString, _folder, LiveDatabase, overwrite: true),
            Throws.InstanceOf<BackupException>().With.Message.Contains("is the live database itself"));
        Assert.That(() => SqliteBackup.Copy(App.Database.ConnectionString, _folder, LiveDatabase + "-wal", overwrite: true),
            Throws.InstanceOf<BackupException>().With.Message.Contains("is the live database itself"));

        Assert.That(await Count("certificates"), Is.EqualTo(1));
    }

    [Test]
    public void Copy_OfADatabaseThatDoesNotExist_IsRefused_AndCreatesNeitherFile()
    {
        var missing = Path.Combine(_folder, "missing.db");
        var target = Path.Combine(_folder, "registry-backup.db");

        Assert.That(() => SqliteBackup.Copy($"Data Source={missing}", _folder, target, overwrite: false),
            Throws.InstanceOf<BackupException>().With.Message.EqualTo($"There is no database at {missing}: check ConnectionStrings:Registry."));
        Assert.That(Directory.GetFiles(_folder), Is.Empty);
    }

    [Test]
    public void Copy_OfAnInMemoryDatabase_IsRefused()
    {
        Assert.That(() => SqliteBackup.Copy("Data Source=:memory:", _folder, Path.Combine(_folder, "b.db"), overwrite: false),
            Throws.InstanceOf<BackupException>().With.Message.Contains("in-memory"));
    }

    [Test]
    public async Task Copy_OfADatabaseWhoseLastCommitsAreOnlyInItsWal_HoldsThem()
    {
        // The files a service killed mid-run leaves: committed rows in the -wal, not yet checkpointed into the main file.
        var crashed = Directory.CreateDirectory(Path.Combine(_folder, "crashed")).FullName;
        var writerPath = Path.Combine(_folder, "writer.db");
        await using (var writer = new SqliteConnection($"Data Source={writerPath};Pooling=False"))
        {
            await writer.OpenAsync();
            await writer.ExecuteAsync("""
                PRAGMA journal_mode = WAL;
                PRAGMA wal_autocheckpoint = 0;
                CREATE TABLE certificates (id TEXT PRIMARY KEY);
                INSERT INTO certificates (id) VALUES ('a'), ('b'), ('c');
                """);
            File.Copy(writerPath, Path.Combine(crashed, "registry.db"));
            File.Copy(writerPath + "-wal", Path.Combine(crashed, "registry.db-wal"));
        }
        File.Copy(Path.Combine(crashed, "registry.db"), Path.Combine(_folder, "main-file-only.db"));
        await using (var mainFileOnly = await OpenReadOnly(Path.Combine(_folder, "main-file-only.db")))
        {
            Assert.That(await mainFileOnly.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM sqlite_schema"), Is.Zero,
                "the scenario leaves the rows in the -wal alone");
        }
        var target = Path.Combine(_folder, "registry-backup.db");

        var result = SqliteBackup.Copy("Data Source=crashed/registry.db", _folder, target, overwrite: false);

        Assert.That(result.Tables, Is.EqualTo(new[] { new TableRows("certificates", 3) }));
        await using var copy = await OpenReadOnly(target);
        Assert.That(await copy.QueryAsync<string>("SELECT id FROM certificates ORDER BY id"), Is.EqualTo(new[] { "a", "b", "c" }));
    }

    [Test]
    public async Task Copy_ThatFailsTheIntegrityCheck_IsNotKept()
    {
        var damaged = Path.Combine(_folder, "damaged.db");
        await using (var connection = new SqliteConnection($"Data Source={damaged};Pooling=False"))
        {
            await connection.OpenAsync();
            await connection.ExecuteAsync("""
                CREATE TABLE certificates (id TEXT);
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
                INSERT INTO certificates (id) SELECT printf('certificate-%05d', i) FROM n;
                """);
        }
        // Scribble over the cell pointers of the last page (a b-tree leaf full of rows): the schema still reads.
        await using (var file = new FileStream(damaged, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Seek(file.Length - 4096 + 8, SeekOrigin.Begin);
            file.Write(Enumerable.Repeat((byte)0xFF, 32).ToArray());
        }
        var target = Path.Combine(_folder, "registry-backup.db");

        Assert.That(() => SqliteBackup.Copy($"Data Source={damaged}", _folder, target, overwrite: false),
            // Where SQLite notices the damage depends on which pages it reads first: in the check of the copy, or already
            // while copying. Either way the copy must be refused and removed.
            Throws.InstanceOf<BackupException>().With.Message.StartsWith("The copy failed PRAGMA integrity_check, so it was not kept: ")
                .Or.Message.StartsWith("The copy could not be checked, so it was not kept: ")
                .Or.Message.StartsWith("The backup failed: "));
        Assert.That(Directory.GetFiles(_folder).Select(Path.GetFileName), Is.EqualTo(new[] { "damaged.db" }));
    }

    private static async Task<SqliteConnection> OpenReadOnly(string path)
    {
        var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<Dictionary<string, long>> RowCounts(string connectionString)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        var counts = new Dictionary<string, long>();
        foreach (var table in await connection.QueryAsync<string>(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"))
        {
            counts[table] = await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM \"{table}\"");
        }
        return counts;
    }
}
