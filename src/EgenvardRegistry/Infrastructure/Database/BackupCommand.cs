using System.Globalization;

namespace EgenvardRegistry.Infrastructure.Database;

/// <summary>
/// <c>dotnet run -- backup PATH [--force]</c>: copies the database the configuration names (the same
/// <c>Database:Provider</c> and <c>ConnectionStrings:Registry</c> the service reads) with <see cref="SqliteBackup"/>,
/// without starting the web host or any job. PostgreSQL is backed up with its own tools.
/// </summary>
public static class BackupCommand
{
    public const int Succeeded = 0;
    public const int Failed = 1;
    public const int Misused = 2;

    private const string Usage = "Usage: backup PATH [--force]   copies the registry's SQLite database to the file PATH while the service runs";

    /// <returns>The process exit code: <see cref="Succeeded"/>, <see cref="Failed"/> or <see cref="Misused"/>.</returns>
    public static int Run(IConfiguration configuration, string contentRoot, IReadOnlyList<string> arguments,
        TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (Parse(arguments) is not var (path, force))
        {
            error.WriteLine(Usage);
            return Misused;
        }

        // The host's command-line provider read `--force` as a setting that takes the next argument as its value;
        // read the settings on the command line again without it.
        var settings = new ConfigurationBuilder()
            .AddConfiguration(configuration)
            .AddCommandLine(arguments.Where(argument => argument != "--force").ToArray())
            .Build();
        var options = new DatabaseOptions
        {
            Provider = settings.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>()?.Provider ?? "sqlite",
            ConnectionString = settings.GetConnectionString("Registry") ?? "",
        };
        if (options.Validate(new(options)).FirstOrDefault(problem => problem.MemberNames.Contains(nameof(options.Provider))) is { } badProvider)
        {
            error.WriteLine($"backup: {badProvider.ErrorMessage}");
            return Failed;
        }
        if (options.ParseProvider() == DatabaseProvider.Postgres)
        {
            error.WriteLine("""
                backup: the registry is on PostgreSQL (Database:Provider), and this command copies only the embedded SQLite
                database. Back PostgreSQL up with its own tools, while the service runs:
                  pg_dump --format=custom --schema=public --schema=hangfire --file=registry.dump "postgresql://USER@HOST/DATABASE"
                and restore with pg_restore (see the README, "Running in production", "Backups").
                """);
            return Failed;
        }
        if (options.Validate(new(options)).FirstOrDefault() is { } invalid)
        {
            error.WriteLine($"backup: {invalid.ErrorMessage}");
            return Failed;
        }

        try
        {
            var result = SqliteBackup.Copy(options.ConnectionString, contentRoot, path, force);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Backed up {result.Source} to {result.Destination}: {result.Bytes} bytes, integrity_check ok, {result.Tables.Count} tables"));
            var width = result.Tables.Max(table => (int?)table.Table.Length) ?? 0;
            foreach (var (table, rows) in result.Tables)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {table.PadRight(width)}  {rows,10}"));
            }
            return Succeeded;
        }
        catch (BackupException exception)
        {
            error.WriteLine($"backup: {exception.Message}");
            return Failed;
        }
    }

    /// <summary>
    /// One path and an optional <c>--force</c>. Other <c>--Key=value</c> or <c>--Key value</c> arguments are
    /// configuration (e.g. <c>--ConnectionStrings:Registry=…</c>), which the host's command-line provider reads.
    /// </summary>
    private static (string Path, bool Force)? Parse(IReadOnlyList<string> arguments)
    {
        var paths = new List<string>();
        var force = false;
        for (var i = 0; i < arguments.Count; i++)
        {
            var argument = arguments[i];
            if (argument is "--force")
            {
                force = true;
            }
            else if (argument.StartsWith('-'))
            {
                if (!argument.Contains('=', StringComparison.Ordinal))
                {
                    i++; // its value
                }
            }
            else
            {
                paths.Add(argument);
            }
        }
        return paths is [var path] && !string.IsNullOrWhiteSpace(path) ? (path, force) : null;
    }
}
