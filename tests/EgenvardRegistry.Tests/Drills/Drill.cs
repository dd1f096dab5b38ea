using System.Text.Json;
using Dapper;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Database;
using EgenvardRegistry.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace EgenvardRegistry.Tests.Drills;

/// <summary>
/// A fault drill: the real service as a process (<see cref="RegistryProcess"/>) on a database and, where mail is
/// involved, an SMTP server of the drill's own, a fault (kill -9, a stopped database or mail server), and a count of what
/// was lost. The service runs on the machine's clock, so a drill's dates are computed from the Stockholm date when it
/// runs and never depend on the time of day. Each drill reports one line (<see cref="Report"/>).
/// </summary>
[Category("Drill")]
public abstract class Drill(Engine engine)
{
    /// <summary>The file each drill appends its JSON line to (scripts/drills sets it and prints the table).</summary>
    public const string ReportVariable = "EGENVARD_DRILL_REPORT";

    private readonly List<IAsyncDisposable> _disposables = [];

    protected Engine Engine { get; } = engine;

    protected string Folder { get; private set; } = "";

    /// <summary>Today in Stockholm on the machine's clock: the service's "today", give or take a midnight passing.</summary>
    protected static DateOnly StockholmToday => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, StockholmTime.Zone).DateTime);

    [SetUp]
    public void CreateFolder()
    {
        TypeHandlers.Register();
        Folder = Directory.CreateTempSubdirectory("egenvard-drill-").FullName;
    }

    [TearDown]
    public async Task DisposeEverything()
    {
        foreach (var disposable in Enumerable.Reverse(_disposables))
        {
            await disposable.DisposeAsync();
        }
        _disposables.Clear();
        SqliteConnection.ClearAllPools();
        Directory.Delete(Folder, recursive: true);
    }

    protected T Keep<T>(T disposable) where T : IAsyncDisposable
    {
        _disposables.Add(disposable);
        return disposable;
    }

    protected async Task<TestDatabase> DatabaseAsync() => Keep(await TestDatabase.CreateAsync(Engine));

    protected async Task<RegistryProcess> StartAsync(IReadOnlyDictionary<string, string> settings) =>
        Keep(await RegistryProcess.StartAsync(Folder, settings));

    protected static Dictionary<string, string> Merge(params IReadOnlyDictionary<string, string>[] parts)
    {
        var merged = new Dictionary<string, string>();
        foreach (var part in parts)
        {
            foreach (var (key, value) in part)
            {
                merged[key] = value;
            }
        }
        return merged;
    }

    protected static async Task<T> Scalar<T>(TestDatabase database, string sql, object? parameters = null)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.ExecuteScalarAsync<T>(sql, parameters))!;
    }

    protected static async Task<List<T>> Query<T>(TestDatabase database, string sql, object? parameters = null)
    {
        await using var connection = await database.OpenAsync();
        return [.. await connection.QueryAsync<T>(sql, parameters)];
    }

    /// <summary>
    /// One line of the drills' table: what was sent (acknowledged writes, or messages queued), what arrived, what was lost,
    /// what arrived twice, and what was in flight when the fault struck (null where nothing was killed).
    /// </summary>
    protected void Report(string drill, int sent, int delivered, int lost, int duplicates, int? inFlightAtKill, string? note = null)
    {
        var line = JsonSerializer.Serialize(new
        {
            drill,
            engine = Engine.ToString().ToLowerInvariant(),
            sent,
            delivered,
            lost,
            duplicates,
            inFlightAtKill,
            note,
        });
        TestContext.Out.WriteLine(line);
        if (Environment.GetEnvironmentVariable(ReportVariable) is { Length: > 0 } file)
        {
            lock (typeof(Drill))
            {
                File.AppendAllText(file, line + "\n");
            }
        }
    }

    /// <summary>
    /// Reads <paramref name="read"/> until <paramref name="done"/> holds, failing after <paramref name="patience"/>: again
    /// each time <paramref name="service"/> writes a line (its reminder jobs log one when a run is committed), never on a
    /// timer. The count of lines is taken before each read, so a line written while reading is not missed.
    /// </summary>
    protected static async Task<T> Until<T>(Func<Task<T>> read, Func<T, bool> done, RegistryProcess service, TimeSpan patience, string what)
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            var lines = service.LinesWritten;
            var value = await read();
            if (done(value))
            {
                return value;
            }
            if (!await service.WroteMoreThanAsync(lines, deadline - DateTime.UtcNow))
            {
                var seen = value is System.Collections.IEnumerable items and not string
                    ? string.Join(", ", items.Cast<object>().GroupBy(item => item.ToString()).Select(group => $"{group.Key} ×{group.Count()}"))
                    : value?.ToString();
                Assert.Fail($"Waited {patience} for {what}; last seen: {seen}\n{service.Output}");
            }
        }
    }
}
