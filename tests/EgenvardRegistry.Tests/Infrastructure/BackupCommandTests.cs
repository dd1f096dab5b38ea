using System.Globalization;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Data.Sqlite;

namespace EgenvardRegistry.Tests.Infrastructure;

/// <summary>
/// <c>backup PATH</c> run the way an operator runs it: the built service as a process of its own, on the database of a
/// service that is running (the shared test host), with the settings in the environment.
/// </summary>
[TestFixture(Engine.Sqlite)]
public sealed partial class BackupCommandTests(Engine engine) : IntegrationTest(engine)
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

    private Dictionary<string, string> Settings => new()
    {
        ["Database:Provider"] = "sqlite",
        ["ConnectionStrings:Registry"] = App.Database.ConnectionString,
    };

    [Test]
    public async Task Backup_WhileTheServiceRuns_WritesTheCopy_SaysWhatItCopied_AndReplacesAFileOnlyWithForce()
    {
        await IssueOk();
        await IssueOk(Samples.Certificate(childPnr: Samples.OtherChildPnr));
        var target = Path.Combine(_folder, "registry-backup.db");
        var live = new SqliteConnectionStringBuilder(App.Database.ConnectionString).DataSource;

        // A relative PATH is relative to the directory the command runs in.
        var made = await RegistryCommand.RunAsync(_folder, Settings, "backup", "registry-backup.db");

        Assert.That(made.ExitCode, Is.EqualTo(0), made.ToString());
        Assert.That(made.Error, Is.Empty);
        var lines = made.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.That(lines[0], Does.Match(
            $@"^Backed up {Regex.Escape(live)} to {Regex.Escape(target)}: {new FileInfo(target).Length} bytes, integrity_check ok, \d+ tables$"));
        var tables = lines.Skip(1).Select(line => TableLine().Match(line))
            .ToDictionary(match => match.Groups["table"].Value, match => long.Parse(match.Groups["rows"].Value, CultureInfo.InvariantCulture));
        Assert.That(tables.Keys, Is.SupersetOf(new[] { "audit_events", "certificate_guardians", "certificate_measures", "schema_migrations" }));
        Assert.That(tables["certificates"], Is.EqualTo(2));
        Assert.That(lines[0], Does.EndWith($"{tables.Count} tables"));
        Assert.That(made.Output, Does.Not.Contain("Now listening"), "the verb never starts the web host");
        Assert.That(await Certificates(target), Is.EqualTo(2));

        var bytes = await File.ReadAllBytesAsync(target);
        await IssueOk(Samples.Certificate(childPnr: "201304051236"));
        var refused = await RegistryCommand.RunAsync(_folder, Settings, "backup", target);

        Assert.That(refused.ExitCode, Is.EqualTo(1), refused.ToString());
        Assert.That(refused.Error.Trim(), Is.EqualTo($"backup: {target} already exists: choose a new file, or pass --force to replace it."));
        Assert.That(refused.Output, Is.Empty);
        Assert.That(await File.ReadAllBytesAsync(target), Is.EqualTo(bytes));

        var replaced = await RegistryCommand.RunAsync(_folder, Settings, "backup", target, "--force");

        Assert.That(replaced.ExitCode, Is.EqualTo(0), replaced.ToString());
        Assert.That(await Certificates(target), Is.EqualTo(3));
        Assert.That(Directory.GetFiles(_folder).Select(Path.GetFileName), Is.EqualTo(new[] { "registry-backup.db" }));
    }

    [Test]
    public async Task Backup_WithoutAPath_ShowsHowToUseIt()
    {
        var outcome = await RegistryCommand.RunAsync(_folder, Settings, "backup");

        Assert.That(outcome.ExitCode, Is.EqualTo(2), outcome.ToString());
        Assert.That(outcome.Error, Does.StartWith("Usage: backup PATH [--force]"));
        Assert.That(Directory.GetFiles(_folder), Is.Empty);
    }

    private static async Task<long> Certificates(string path)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM certificates");
    }

    [GeneratedRegex(@"^(?<table>[a-z_]+)\s+(?<rows>\d+)$")]
    private static partial Regex TableLine();
}

/// <summary>On PostgreSQL the verb copies nothing and says to use pg_dump.</summary>
[TestFixture(Engine.Postgres)]
public sealed class BackupCommandOnPostgresTests(Engine engine) : IntegrationTest(engine)
{
    [Test]
    public async Task Backup_OnPostgres_IsRefused_PointingToPgDump()
    {
        await IssueOk();
        var folder = Directory.CreateTempSubdirectory("egenvard-backup-").FullName;
        try
        {
            var outcome = await RegistryCommand.RunAsync(folder, new Dictionary<string, string>
            {
                ["Database:Provider"] = "postgres",
                ["ConnectionStrings:Registry"] = App.Database.ConnectionString,
            }, "backup", "registry-backup.db");

            Assert.That(outcome.ExitCode, Is.EqualTo(1), outcome.ToString());
            Assert.That(outcome.Error, Does.StartWith("backup: the registry is on PostgreSQL")
                .And.Contain("pg_dump --format=custom --schema=public --schema=hangfire"));
            Assert.That(outcome.Output, Is.Empty);
            Assert.That(Directory.GetFiles(folder), Is.Empty);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
