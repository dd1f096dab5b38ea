using System.Globalization;

namespace EgenvardRegistry.Tests.Infrastructure;

/// <summary>
/// A throw-away PostgreSQL cluster of one test's own, made and run exactly as scripts/test.sh makes the suite's (initdb
/// and pg_ctl of the newest installed PostgreSQL, as the <c>postgres</c> user through runuser, a temporary folder, a
/// free local port), so a drill can stop and start it without touching the server the rest of the suite uses.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private readonly string _folder;
    private readonly string _bin;

    private PostgresCluster(string folder, string bin, int port)
    {
        _folder = folder;
        _bin = bin;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres";

    private string Data => Path.Combine(_folder, "pgdata");

    /// <summary>Makes the cluster in a folder of its own under <paramref name="parent"/> and starts it.</summary>
    public static async Task<PostgresCluster> StartAsync(string parent)
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(folder => Path.Combine(folder, "bin"))
                .Where(folder => File.Exists(Path.Combine(folder, "initdb")))
                .OrderBy(folder => Version.TryParse(Path.GetFileName(Path.GetDirectoryName(folder)), out var version) ? version : new Version(0, 0))
                .LastOrDefault()
            : null;
        if (bin is null || Environment.UserName != "root")
        {
            Assert.Fail("A cluster of the test's own needs PostgreSQL under /usr/lib/postgresql and root (runuser -u postgres); scripts/test.sh installs it.");
        }
        // runuser keeps the working directory, which the postgres user must be able to enter.
        await Run("chmod", ["go+x", parent], parent);
        var folder = Path.Combine(parent, "postgres");
        Directory.CreateDirectory(folder);
        await Run("chown", ["postgres:", folder], parent);
        var cluster = new PostgresCluster(folder, bin!, RegistryProcess.FreePort());
        await cluster.AsPostgres("initdb", "-D", cluster.Data, "-A", "trust", "-U", "postgres", "--no-sync");
        await cluster.StartAsync();
        return cluster;
    }

    public Task StartAsync() => AsPostgres("pg_ctl", "start", "-w", "-t", "60", "-D", Data, "-l", Path.Combine(_folder, "postgres.log"), "-o",
        string.Create(CultureInfo.InvariantCulture,
            $"-c listen_addresses=127.0.0.1 -p {Port} -k {_folder} -c fsync=off -c synchronous_commit=off -c full_page_writes=off"));

    /// <summary>A fast shutdown: sessions are ended (57P01), the port closes.</summary>
    public Task StopAsync() => AsPostgres("pg_ctl", "stop", "-w", "-D", Data, "-m", "fast");

    public async ValueTask DisposeAsync()
    {
        if (File.Exists(Path.Combine(Data, "postmaster.pid")))
        {
            await RegistryCommand.RunToolAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, "pg_ctl"), "stop", "-D", Data, "-m", "immediate"],
                _folder, new Dictionary<string, string?>());
        }
    }

    private Task AsPostgres(string tool, params string[] arguments) =>
        Run("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. arguments], _folder);

    private static async Task Run(string program, string[] arguments, string folder)
    {
        var outcome = await RegistryCommand.RunToolAsync(program, arguments, folder, new Dictionary<string, string?>());
        Assert.That(outcome.ExitCode, Is.EqualTo(0), $"{program} {string.Join(' ', arguments)}: {outcome}");
    }
}
