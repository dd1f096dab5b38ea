using System.Collections.Concurrent;
using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using EgenvardRegistry.Infrastructure.Database;
using EgenvardRegistry.Infrastructure.Http;
using Hangfire;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace EgenvardRegistry.Tests.Infrastructure;

/// <summary>
/// A backup taken while clinicians issue certificates and schools verify, restored as the database of a fresh service,
/// has every write acknowledged before the backup began, with its audit event, and nothing half-written. The backup is
/// the README's: on SQLite the service's own <c>backup</c> verb as a process of its own, on PostgreSQL
/// <c>pg_dump --format=custom</c> and <c>pg_restore</c> of the schemas the registry uses.
/// </summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class BackupRestoreTests(Engine engine)
{
    private const int Writers = 4;
    private const int AcknowledgedBeforeTheBackup = 12;
    private const int StartedAfterTheBackup = 8;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private static readonly string[] Children = [Samples.ChildPnr, Samples.OtherChildPnr, "201304051236"];
    private static readonly string[] Measures = ["insulin", "blood-glucose", "adrenaline"];

    private readonly List<IAsyncDisposable> _disposables = [];
    private string _folder = "";

    // One counter orders every request's start and acknowledgement against the backup's start and end.
    private long _moment;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("egenvard-restore-").FullName;

    [TearDown]
    public async Task DisposeEverything()
    {
        foreach (var disposable in Enumerable.Reverse(_disposables))
        {
            await disposable.DisposeAsync();
        }
        _disposables.Clear();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Test]
    public async Task Restore_OfABackupTakenUnderWriteLoad_HasEveryAcknowledgedCertificateAndAuditEvent_AndNothingHalfWritten()
    {
        var sourceDatabase = await TestDatabase.CreateAsync(engine);
        _disposables.Add(sourceDatabase);
        var source = Start(sourceDatabase);
        if (engine == Engine.Sqlite)
        {
            await using var connection = await source.Database.OpenAsync();
            Assert.That(await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode"), Is.EqualTo("wal"),
                "the service writes in WAL mode, which lets the backup read while it writes");
        }
        // On PostgreSQL Hangfire keeps its jobs in the registry's database: a queued one must come back too.
        var queuedJob = engine == Engine.Postgres
            ? source.Services.GetRequiredService<IBackgroundJobClient>().Enqueue<PurgeJob>(job => job.RunAsync(CancellationToken.None))
            : null;

        var issued = new ConcurrentBag<Issued>();
        var verified = new ConcurrentBag<long>();
        var failures = new ConcurrentBag<string>();
        var backupBegan = long.MaxValue;
        var backupEnded = long.MaxValue;
        var enoughBefore = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var enoughAfter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();

        async Task Write(int writer)
        {
            using var client = source.ClientFor(Tokens.Clinician());
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var measures = Measures.Take(1 + (i % Measures.Length)).ToArray();
                var body = Samples.Certificate(childPnr: Children[writer % Children.Length], measures: measures);
                var guardians = 1 + (i % 2);
                if (guardians == 2)
                {
                    body["guardians"]!.AsArray().Add(new JsonObject { ["personnummer"] = Tokens.OtherGuardianPnr, ["name"] = "Olle Lind" });
                }
                var started = Interlocked.Increment(ref _moment);
                using var response = await client.PostAsJsonAsync("/api/certificates", body);
                var acknowledged = Interlocked.Increment(ref _moment);
                var json = await response.Content.ReadAsStringAsync();
                if (response.StatusCode != HttpStatusCode.Created)
                {
                    failures.Add($"{response.StatusCode}: {json}");
                    continue;
                }
                issued.Add(new Issued(Guid.Parse(JsonNode.Parse(json)!["id"]!.GetValue<string>()), started, acknowledged, measures.Length, guardians));
                if (issued.Count >= AcknowledgedBeforeTheBackup)
                {
                    enoughBefore.TrySetResult();
                }
                if (issued.Count(write => write.Started > Interlocked.Read(ref backupEnded)) >= StartedAfterTheBackup)
                {
                    enoughAfter.TrySetResult();
                }
            }
        }

        async Task Verify()
        {
            using var client = source.ClientFor(Tokens.School());
            while (!stop.IsCancellationRequested)
            {
                using var response = await client.PostAsJsonAsync("/api/verifications", new { personnummer = Samples.ChildPnr, measure = "insulin" });
                var acknowledged = Interlocked.Increment(ref _moment);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    verified.Add(acknowledged);
                }
                else
                {
                    failures.Add($"verification {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }
            }
        }

        var load = Enumerable.Range(0, Writers).Select(Write).Append(Verify()).ToList();
        await enoughBefore.Task.WaitAsync(Patience);
        var backupFile = Path.Combine(_folder, engine == Engine.Sqlite ? "registry-backup.db" : "registry.dump");
        Interlocked.Exchange(ref backupBegan, Interlocked.Increment(ref _moment));
        var backup = await BackUpAsync(source.Database, backupFile);
        Interlocked.Exchange(ref backupEnded, Interlocked.Increment(ref _moment));
        Assert.That(backup.ExitCode, Is.EqualTo(0), backup.ToString());
        await enoughAfter.Task.WaitAsync(Patience);
        await stop.CancelAsync();
        await Task.WhenAll(load);

        Assert.That(failures, Is.Empty);
        var before = issued.Where(write => write.Acknowledged < backupBegan).ToList();
        var after = issued.Where(write => write.Started > backupEnded).ToList();
        Assert.That(before, Has.Count.GreaterThanOrEqualTo(AcknowledgedBeforeTheBackup));
        Assert.That(after, Has.Count.GreaterThanOrEqualTo(StartedAfterTheBackup));

        var restoredDatabase = await TestDatabase.CreateAsync(engine);
        _disposables.Add(restoredDatabase);
        await RestoreAsync(backupFile, restoredDatabase);
        var restored = Start(restoredDatabase);

        var sourceCertificates = await CertificatesWithParts(source.Database);
        var restoredCertificates = await CertificatesWithParts(restoredDatabase);
        Assert.Multiple(() =>
        {
            foreach (var write in before)
            {
                Assert.That(restoredCertificates.GetValueOrDefault(write.Id),
                    Is.EqualTo(new Parts(write.Measures, write.Guardians, Shares: 1, ShareConsents: 1, History: 1, IssueEvents: 1)),
                    $"certificate {write.Id}, acknowledged before the backup began");
            }
            foreach (var write in after)
            {
                Assert.That(restoredCertificates, Does.Not.ContainKey(write.Id), "a certificate issued after the backup ended");
            }
            foreach (var (id, parts) in restoredCertificates)
            {
                Assert.That(parts, Is.EqualTo(sourceCertificates[id]), $"certificate {id} is whole, as in the live database");
                Assert.That(parts.IssueEvents, Is.EqualTo(1), $"certificate {id} has its audit event");
            }
        });
        Assert.That(restoredCertificates.Count, Is.LessThan(sourceCertificates.Count));
        TestContext.Out.WriteLine($"{engine}: {sourceCertificates.Count} certificates issued, {restoredCertificates.Count} in the backup; " +
            $"{before.Count} acknowledged before it began, {issued.Count(write => write.Acknowledged > backupBegan && write.Started < backupEnded)} " +
            $"during it, {after.Count} started after it; {verified.Count} verifications");

        var sourceAudit = (await AuditEvents(source.Database)).ToDictionary(row => row.Id);
        var restoredAudit = await AuditEvents(restoredDatabase);
        Assert.That(restoredAudit.Where(row => !sourceAudit.TryGetValue(row.Id, out var live) || live != row), Is.Empty,
            "every audit event in the backup is one the live database holds, unchanged");
        Assert.That(restoredAudit.Where(row => row.Action == "certificate.issue").Select(row => Guid.Parse(row.CertificateId!)),
            Is.EquivalentTo(restoredCertificates.Keys), "no issue event without its certificate");
        Assert.That(restoredAudit.Count(row => row.Action == "verification"), Is.GreaterThanOrEqualTo(verified.Count(at => at < backupBegan)));

        Assert.That(await Migrations(restoredDatabase), Is.EqualTo(await Migrations(source.Database)));
        Assert.That((await Migrations(restoredDatabase)).Select(migration => migration.Version),
            Is.EqualTo(MigrationRunner.Discover(Dialect).Select(migration => migration.Version)));
        Assert.That(await Triggers(restoredDatabase), Is.EqualTo(await Triggers(source.Database)).And.Not.Empty);
        await using (var application = await restored.Services.GetRequiredService<IDbConnectionFactory>().OpenAsync(CancellationToken.None))
        {
            Assert.That(async () => await application.ExecuteAsync("UPDATE audit_events SET outcome = 'denied'"),
                Throws.InstanceOf<DbException>().With.Message.Contains("audit_events is append-only"));
            Assert.That(async () => await application.ExecuteAsync("DELETE FROM audit_events"),
                Throws.InstanceOf<DbException>().With.Message.Contains("audit_events is append-only"));
        }
        if (queuedJob is not null)
        {
            await using var connection = await restoredDatabase.OpenAsync();
            Assert.That(await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM hangfire.job WHERE id = @id",
                new { id = long.Parse(queuedJob, System.Globalization.CultureInfo.InvariantCulture) }), Is.EqualTo(1));
        }

        // The service starts on the restored database, reads from it and writes its audit events to it.
        using var health = await restored.ClientFor(null).GetAsync("/health/ready");
        Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.OK), await health.Content.ReadAsStringAsync());
        var first = before.MinBy(write => write.Acknowledged)!;
        using var read = await restored.ClientFor(Tokens.Clinician()).GetAsync($"/api/certificates/{first.Id}");
        var certificate = await read.ReadJson();
        Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.OK), certificate.ToJsonString());
        Assert.That(certificate["id"]!.GetValue<string>(), Is.EqualTo(first.Id.ToString()));
        Assert.That(certificate["measures"]!.AsArray(), Has.Count.EqualTo(first.Measures));
        Assert.That((await AuditEvents(restoredDatabase)).Count(row => row.Action == "certificate.read" && row.CertificateId == first.Id.ToString()),
            Is.EqualTo(1));
    }

    private SqlDialect Dialect => engine == Engine.Postgres ? SqlDialect.Postgres : SqlDialect.Sqlite;

    private RegistryApp Start(TestDatabase database)
    {
        var app = new RegistryApp(database);
        _disposables.Add(app);
        _ = app.Server; // starts the host: migrations run now, as on a real start
        return app;
    }

    private async Task<RegistryCommand.Outcome> BackUpAsync(TestDatabase database, string file)
    {
        if (engine == Engine.Sqlite)
        {
            return await RegistryCommand.RunAsync(_folder, new Dictionary<string, string>
            {
                ["Database:Provider"] = "sqlite",
                ["ConnectionStrings:Registry"] = database.ConnectionString,
            }, "backup", file);
        }
        return await RegistryCommand.RunToolAsync(PostgresTool("pg_dump"),
            ["--format=custom", "--schema=public", "--schema=hangfire", $"--file={file}", .. ConnectionArguments(database)],
            _folder, PostgresEnvironment(database));
    }

    private async Task RestoreAsync(string file, TestDatabase database)
    {
        if (engine == Engine.Sqlite)
        {
            // Restoring is putting the file where the stopped service looks for it.
            File.Copy(file, new SqliteConnectionStringBuilder(database.ConnectionString).DataSource);
            return;
        }
        var restore = await RegistryCommand.RunToolAsync(PostgresTool("pg_restore"),
            ["--clean", "--if-exists", "--no-owner", "--single-transaction", .. ConnectionArguments(database), file],
            _folder, PostgresEnvironment(database));
        Assert.That(restore.ExitCode, Is.EqualTo(0), restore.ToString());
    }

    private static string[] ConnectionArguments(TestDatabase database)
    {
        var connection = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        return [$"--host={connection.Host}", $"--port={connection.Port}", $"--username={connection.Username}", $"--dbname={connection.Database}"];
    }

    private static Dictionary<string, string?> PostgresEnvironment(TestDatabase database) =>
        new() { ["PGPASSWORD"] = new NpgsqlConnectionStringBuilder(database.ConnectionString).Password };

    /// <summary>The newest installed PostgreSQL's tool (the one scripts/test.sh starts the server from), else the one on the PATH.</summary>
    private static string PostgresTool(string name) =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(folder => Path.Combine(folder, "bin", name))
                .Where(File.Exists)
                .OrderBy(path => Version.TryParse(Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(path))), out var version)
                    ? version : new Version(0, 0))
                .LastOrDefault() ?? name
            : name;

    /// <summary>Each certificate with how many of its parts are stored, and how many issue events record it.</summary>
    private static async Task<Dictionary<Guid, Parts>> CertificatesWithParts(TestDatabase database)
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<CertificateRow>("""
            SELECT CAST(c.id AS TEXT) AS Id,
                   (SELECT COUNT(*) FROM certificate_measures m WHERE m.certificate_id = c.id) AS Measures,
                   (SELECT COUNT(*) FROM certificate_guardians g WHERE g.certificate_id = c.id) AS Guardians,
                   (SELECT COUNT(*) FROM certificate_shares s WHERE s.certificate_id = c.id) AS Shares,
                   (SELECT COUNT(*) FROM share_consents sc WHERE sc.certificate_id = c.id) AS ShareConsents,
                   (SELECT COUNT(*) FROM certificate_history h WHERE h.certificate_id = c.id) AS History,
                   (SELECT COUNT(*) FROM audit_events a WHERE a.certificate_id = c.id AND a.action = 'certificate.issue') AS IssueEvents
            FROM certificates c
            """);
        return rows.ToDictionary(row => Guid.Parse(row.Id),
            row => new Parts(row.Measures, row.Guardians, row.Shares, row.ShareConsents, row.History, row.IssueEvents));
    }

    private static async Task<List<AuditEventRow>> AuditEvents(TestDatabase database)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<AuditEventRow>("""
            SELECT id AS Id, action AS Action, actor_id AS ActorId, CAST(certificate_id AS TEXT) AS CertificateId,
                   CAST(child_id AS TEXT) AS ChildId, outcome AS Outcome, CAST(occurred_at AS TEXT) AS OccurredAt
            FROM audit_events ORDER BY id
            """)).ToList();
    }

    private static async Task<List<(long Version, string Name, string AppliedAt)>> Migrations(TestDatabase database)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<(long, string, string)>(
            "SELECT CAST(version AS BIGINT), name, CAST(applied_at AS TEXT) FROM schema_migrations ORDER BY version")).ToList();
    }

    private async Task<List<string>> Triggers(TestDatabase database)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<string>(engine == Engine.Postgres
            ? """
              SELECT t.tgrelid::regclass::text || '.' || t.tgname FROM pg_trigger t
              JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE NOT t.tgisinternal AND n.nspname = 'public' ORDER BY 1
              """
            : "SELECT tbl_name || '.' || name FROM sqlite_schema WHERE type = 'trigger' ORDER BY 1")).ToList();
    }

    private sealed record Issued(Guid Id, long Started, long Acknowledged, int Measures, int Guardians);

    private sealed record Parts(long Measures, long Guardians, long Shares, long ShareConsents, long History, long IssueEvents);

    /// <summary>Settable properties: Dapper maps PostgreSQL's bigint counts and SQLite's integers alike.</summary>
    private sealed class CertificateRow
    {
        public string Id { get; set; } = "";
        public long Measures { get; set; }
        public long Guardians { get; set; }
        public long Shares { get; set; }
        public long ShareConsents { get; set; }
        public long History { get; set; }
        public long IssueEvents { get; set; }
    }

    /// <summary>An audit row as text; settable properties because SQLite reports all-NULL columns as blobs.</summary>
    private sealed record AuditEventRow
    {
        public long Id { get; init; }
        public string Action { get; init; } = "";
        public string ActorId { get; init; } = "";
        public string? CertificateId { get; init; }
        public string? ChildId { get; init; }
        public string Outcome { get; init; } = "";
        public string OccurredAt { get; init; } = "";
    }
}
