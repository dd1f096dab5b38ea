using Dapper;
using EgenvardRegistry.Infrastructure.Database;
using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.Tests.Platform;

[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class MigrationTests(Engine engine) : IntegrationTest(engine)
{
    private SqlDialect Dialect => Engine == Engine.Postgres ? SqlDialect.Postgres : SqlDialect.Sqlite;

    [Test]
    public async Task Start_AppliedEveryScriptOnce_AndAgainIsANoOp()
    {
        var scripts = MigrationRunner.Discover(Dialect);
        var runner = App.Services.GetRequiredService<MigrationRunner>();

        var appliedAgain = await runner.ApplyAsync(CancellationToken.None);

        await using var connection = await App.Database.OpenAsync();
        var journal = (await connection.QueryAsync<(long Version, string Name)>(
            "SELECT version, name FROM schema_migrations ORDER BY version")).ToList();
        Assert.That(appliedAgain, Is.EqualTo(0));
        Assert.That(journal.Select(row => row.Name), Is.EqualTo(scripts.Select(script => script.Name)));
        Assert.That(scripts.Select(script => script.Version), Is.Ordered.And.Unique);
    }

    [Test]
    public void BothEngines_HaveTheSameNumberedScripts()
    {
        var sqlite = MigrationRunner.Discover(SqlDialect.Sqlite).Select(script => script.Name);
        var postgres = MigrationRunner.Discover(SqlDialect.Postgres).Select(script => script.Name);

        Assert.That(postgres, Is.EqualTo(sqlite));
    }

    [Test]
    public async Task FreshDatabase_IsMigratedFromNothing()
    {
        await using var database = await TestDatabase.CreateAsync(Engine);
        await using var app = new RegistryApp(database);
        _ = app.Server;

        await using var connection = await database.OpenAsync();
        var tables = Engine == Engine.Postgres
            ? "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'certificates'"
            : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'certificates'";
        Assert.That(await connection.ExecuteScalarAsync<long>(tables), Is.EqualTo(1));
        if (Engine == Engine.Sqlite)
        {
            Assert.That(await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode"), Is.EqualTo("wal"));
        }
    }

    [Test]
    public async Task FailingScript_RollsBackWholeAndIsNotRecorded_WhileEarlierScriptsStay()
    {
        var folder = Directory.CreateTempSubdirectory("egenvard-migrations-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "0001_good.sql"), "CREATE TABLE good_table (id INTEGER);");
            await File.WriteAllTextAsync(Path.Combine(folder, "0002_bad.sql"),
                "CREATE TABLE half_done (id INTEGER); INSERT INTO no_such_table VALUES (1);");
            await using var database = await TestDatabase.CreateAsync(Engine);
            IDbConnectionFactory factory = Engine == Engine.Postgres
                ? new PostgresConnectionFactory(Npgsql.NpgsqlDataSource.Create(database.ConnectionString))
                : new SqliteConnectionFactory(database.ConnectionString, folder);
            var runner = new MigrationRunner(factory, TimeProvider.System,
                Microsoft.Extensions.Logging.Abstractions.NullLogger<MigrationRunner>.Instance);

            Assert.That(async () => await runner.ApplyAsync(MigrationRunner.Discover(folder), CancellationToken.None), Throws.Exception);

            await using var connection = await database.OpenAsync();
            Assert.That(await connection.QueryAsync<string>("SELECT name FROM schema_migrations"), Is.EqualTo(new[] { "0001_good.sql" }));
            Assert.That(await TableExists(connection, "good_table"), Is.True);
            Assert.That(await TableExists(connection, "half_done"), Is.False, "the failed script left nothing behind");
            if (factory is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public async Task MeasureMigration_KeepsEveryMeasureRow_AndItsKeys_AndAcceptsOralMedication()
    {
        await using var database = await TestDatabase.CreateAsync(Engine);
        IDbConnectionFactory factory = Engine == Engine.Postgres
            ? new PostgresConnectionFactory(Npgsql.NpgsqlDataSource.Create(database.ConnectionString))
            : new SqliteConnectionFactory(database.ConnectionString, Path.GetTempPath());
        var runner = new MigrationRunner(factory, TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<MigrationRunner>.Instance);
        var scripts = MigrationRunner.Discover(Dialect);
        await runner.ApplyAsync([.. scripts.Where(script => script.Version < 6)], CancellationToken.None);
        const string id = "0195b7a0-0000-7000-8000-000000000001";
        await using (var connection = await database.OpenAsync())
        {
            await connection.ExecuteAsync(InsertCertificate);
            await connection.ExecuteAsync(InsertMeasure(id, 0, "insulin", null));
            await connection.ExecuteAsync(InsertMeasure(id, 1, "other", "Hörapparat"));
        }

        await runner.ApplyAsync(scripts, CancellationToken.None);

        await using (var connection = await database.OpenAsync())
        {
            var measures = (await connection.QueryAsync<(string Code, string? Description)>(
                "SELECT code, description FROM certificate_measures ORDER BY position")).ToList();
            Assert.That(measures, Is.EqualTo(new[] { ("insulin", (string?)null), ("other", "Hörapparat") }));
            await connection.ExecuteAsync(InsertMeasure(id, 2, "oral-medication", null));
            Assert.That(async () => await connection.ExecuteAsync(InsertMeasure(id, 2, "inhaler", null)), Throws.Exception,
                "the primary key is kept");
            Assert.That(async () => await connection.ExecuteAsync(InsertMeasure(Guid.NewGuid().ToString(), 0, "inhaler", null)),
                Throws.Exception, "the foreign key to certificates is kept");
            Assert.That(async () => await connection.ExecuteAsync(InsertMeasure(id, 3, "other", null)), Throws.Exception,
                "other still needs a description");
            Assert.That(async () => await connection.ExecuteAsync(InsertMeasure(id, 3, "aspirin", null)), Throws.Exception,
                "an unknown code is still refused");
        }
        if (factory is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }

    [Test]
    public async Task GuardianAddressMigration_MarksExistingAddressesAsCares_AndKeepsTheOutbox()
    {
        await using var database = await TestDatabase.CreateAsync(Engine);
        IDbConnectionFactory factory = Engine == Engine.Postgres
            ? new PostgresConnectionFactory(Npgsql.NpgsqlDataSource.Create(database.ConnectionString))
            : new SqliteConnectionFactory(database.ConnectionString, Path.GetTempPath());
        var runner = new MigrationRunner(factory, TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<MigrationRunner>.Instance);
        var scripts = MigrationRunner.Discover(Dialect);
        await runner.ApplyAsync([.. scripts.Where(script => script.Version < 14)], CancellationToken.None);
        await using (var connection = await database.OpenAsync())
        {
            await connection.ExecuteAsync(InsertCertificate);
            await connection.ExecuteAsync("""
                INSERT INTO guardians (id, personnummer, name, email, created_at, updated_at)
                VALUES ('0195b7a0-0000-7000-8000-000000000003', '198204112380', 'Sara Lind', 'sara.lind@example.se',
                        '2026-08-15T08:00:00Z', '2026-09-01T08:00:00Z'),
                       ('0195b7a0-0000-7000-8000-000000000004', '198112189876', 'Per Lind', NULL,
                        '2026-08-15T08:00:00Z', '2026-08-15T08:00:00Z');
                INSERT INTO notifications (id, kind, certificate_id, guardian_id, threshold_days, status, attempts, next_attempt_at, created_at)
                VALUES ('0195b7a0-0000-7000-8000-000000000005', 'reminder', '0195b7a0-0000-7000-8000-000000000001',
                        '0195b7a0-0000-7000-8000-000000000003', 30, 'pending', 0, '2026-09-01T08:00:00Z', '2026-09-01T08:00:00Z');
                """);
        }

        await runner.ApplyAsync(scripts, CancellationToken.None);

        await using (var connection = await database.OpenAsync())
        {
            var guardians = (await connection.QueryAsync<(string Name, string? Source, long SetWhenUpdated)>("""
                SELECT name, email_source, CASE WHEN email_set_at = updated_at THEN 1 ELSE 0 END FROM guardians ORDER BY name
                """)).ToList();
            Assert.That(guardians, Is.EqualTo(new[] { ("Per Lind", (string?)null, 0L), ("Sara Lind", (string?)"clinician", 1L) }));
            Assert.That(await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM notifications WHERE kind = 'reminder'"),
                Is.EqualTo(1));
            Assert.That(async () => await connection.ExecuteAsync(
                "UPDATE notifications SET kind = 'email-changed', certificate_id = NULL, threshold_days = NULL"), Throws.Exception,
                "an address-change notice needs its old address and who changed it");
        }
        if (factory is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }

    // Literals, not parameters: untyped literals fit SQLite's text columns and PostgreSQL's uuid, date and timestamptz alike.
    private const string InsertCertificate = """
        INSERT INTO children (id, personnummer, name, created_at)
        VALUES ('0195b7a0-0000-7000-8000-000000000002', '201503122382', 'Alva Lind', '2026-08-15T08:00:00Z');
        INSERT INTO certificates (id, child_id, child_name, status, version, valid_from, valid_until, follow_up_on,
            instruction_given_by, care_unit_hsa_id, care_unit_name, care_unit_phone, issued_at, issued_by_sub,
            issued_by_hsa_id, issued_by_name)
        VALUES ('0195b7a0-0000-7000-8000-000000000001', '0195b7a0-0000-7000-8000-000000000002', 'Alva Lind', 'active', 1,
            '2026-08-15', '2027-08-14', '2027-02-15', 'Sköterska', 'SE2321000016-D1AB', 'Mottagningen', '021-17 30 00',
            '2026-08-15T08:00:00Z', 'c1', 'SE2321000016-K7BG', 'Karin Berg');
        """;

    private static string InsertMeasure(string certificateId, int position, string code, string? description) => $"""
        INSERT INTO certificate_measures (certificate_id, position, code, description, performer, instructions, if_harm, if_changed)
        VALUES ('{certificateId}', {position}, '{code}', {(description is null ? "NULL" : $"'{description}'")}, 'staff',
            'Före lunch.', 'Ring 112.', 'Ring mottagningen.')
        """;

    private async Task<bool> TableExists(System.Data.Common.DbConnection connection, string table) =>
        await connection.ExecuteScalarAsync<long>(Engine == Engine.Postgres
            ? "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name = @table"
            : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @table", new { table }) == 1;

    [TestCase("UPDATE certificates SET status = 'expired'")]
    [TestCase("UPDATE certificates SET valid_until = '2026-01-01'")]
    [TestCase("UPDATE certificates SET follow_up_on = '2030-01-01'")]
    [TestCase("UPDATE certificates SET revoked_at = issued_at")]
    [TestCase("UPDATE certificate_measures SET performer = 'teacher'")]
    [TestCase("UPDATE certificate_measures SET code = 'aspirin'")]
    [TestCase("UPDATE children SET personnummer = '123'")]
    [TestCase("UPDATE certificate_shares SET school_unit = '123'")]
    [TestCase("DELETE FROM children")]
    [TestCase("UPDATE share_consents SET change = 'withdraw', basis = 'guardian', actor_role = 'guardian'")]
    [TestCase("UPDATE share_consents SET unit_id = '87654321'")]
    [TestCase("UPDATE units SET kind = 'forskola' WHERE id = '12345678'")]
    [TestCase("UPDATE units SET kind = 'skola' WHERE id = 'F1980001'")]
    [TestCase("UPDATE units SET kind = 'gymnasium'")]
    [TestCase("UPDATE guardians SET email_source = 'school'")]
    [TestCase("UPDATE guardians SET email = NULL")]
    [TestCase("UPDATE guardians SET email_set_at = NULL")]
    [TestCase("UPDATE guardians SET suggested_email = 'sara.jobb@example.se'")]
    public async Task Database_RejectsRowsThatBreakTheRules(string sql)
    {
        await IssueOk();
        await Client(Tokens.Admin()).ImportOk();

        Assert.That(async () => await Execute(sql), Throws.Exception);
        Assert.That(await Count("certificates", "status = 'active'"), Is.EqualTo(1));
    }
}
