using System.Reflection;
using Dapper;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Http;
using EgenvardRegistry.Infrastructure.Scheduling;
using EgenvardRegistry.Reminders;
using EgenvardRegistry.Requests;
using EgenvardRegistry.Tests.Infrastructure;
using Hangfire;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Hangfire.Common;
using Hangfire.States;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EgenvardRegistry.Tests.Reminders;

/// <summary>
/// Hangfire in a host of its own, with the reminder cycle replaced by a double: which recurring jobs exist and when,
/// the start-up scan, the dispatch running by itself, what a failing run leaves, and the store each engine gets.
/// </summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class SchedulerTests(Engine engine)
{
    public static readonly TimeSpan Patience = Eventually.Patience;

    // Not the default, so the job is seen to take the setting; it never fires (no 31 February), so no scan of the cron's
    // own interferes with a test whatever the time of day.
    private static readonly string ScanCron = Cron.Never();

    private readonly CountingReminderCycle _cycle = new();
    private TestDatabase _database = null!;
    private RegistryApp _app = null!;
    private JobStorage _storage = null!;
    private int _scansAfterStartup;

    /// <summary>Settings that run the jobs: the scan on <paramref name="cron"/>, the dispatch every second unless told otherwise.</summary>
    public static Dictionary<string, string?> SchedulerOn(string? cron = null, string dispatchCron = "* * * * * *") => new()
    {
        ["Reminders:SchedulerEnabled"] = "true",
        ["Reminders:Cron"] = cron ?? new ReminderOptions().Cron,
        ["Reminders:DispatchCron"] = dispatchCron,
    };

    [OneTimeSetUp]
    public async Task StartHostWithTheScheduler()
    {
        _database = await TestDatabase.CreateAsync(engine);
        _app = new RegistryApp(_database, SchedulerOn(ScanCron), _cycle.AddTo);
        var startupScan = _cycle.NextScan();
        _ = _app.Server;
        _storage = _app.Services.GetRequiredService<JobStorage>();
        // Every test starts after the start-up scan, so none of them changes how that run behaves.
        await startupScan.WaitAsync(Patience);
        _scansAfterStartup = _cycle.Scans;
    }

    [OneTimeTearDown]
    public async Task StopHost()
    {
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    [SetUp]
    public void CycleSucceeds() => _cycle.FailWith = null;

    [Test]
    public void RecurringJobs_AreTheScanTheDispatchThePurgeAndTheRequestLapse_OnTheirCronsInStockholm()
    {
        var jobs = _storage.RecurringJobs().ToDictionary(job => job.Id);

        Assert.That(jobs.Keys, Is.EquivalentTo(new[] { ReminderJobs.ScanId, ReminderJobs.DispatchId, PurgeJob.Id, RequestJobs.ExpireId }));
        Assert.That(jobs.Values.Select(job => job.TimeZoneId), Is.All.EqualTo(StockholmTime.Zone.Id));
        Assert.That(jobs.Values.Select(job => job.LoadException), Is.All.Null);
        Assert.That(
            jobs.Values.Select(job => (job.Id, job.Cron, job.Job.Type, job.Job.Method.Name)),
            Is.EquivalentTo(new[]
            {
                (ReminderJobs.ScanId, ScanCron, typeof(ReminderJobs), nameof(ReminderJobs.ScanAsync)),
                (ReminderJobs.DispatchId, "* * * * * *", typeof(ReminderJobs), nameof(ReminderJobs.DispatchAsync)),
                (PurgeJob.Id, "30 3 * * *", typeof(PurgeJob), nameof(PurgeJob.RunAsync)),
                (RequestJobs.ExpireId, "15 0 * * *", typeof(RequestJobs), nameof(RequestJobs.ExpireAsync)),
            }));
        // Hangfire stores arguments and shows them on the dashboard: the jobs take only the token Hangfire supplies.
        Assert.That(jobs.Values.SelectMany(job => job.Job.Method.GetParameters()).Select(parameter => parameter.ParameterType),
            Is.All.EqualTo(typeof(CancellationToken)));
    }

    [Test]
    public void Startup_RanOneScan_AndLoggedItsCounts()
    {
        Assert.That(_scansAfterStartup, Is.EqualTo(1));
        Assert.That(_app.Logs.Lines, Has.Some.Contains("Reminder job reminders.scan: 2 queued, 1 sent, 1 retrying, 0 failed"));
    }

    [Test]
    public async Task Dispatch_RunsByItself_AgainAndAgain()
    {
        var drains = _cycle.Drains;

        await _cycle.NextDrain().WaitAsync(Patience);
        await _cycle.NextDrain().WaitAsync(Patience);

        Assert.That(_cycle.Drains, Is.GreaterThanOrEqualTo(drains + 2));
    }

    [Test]
    public void Jobs_AreNeverRetriedByHangfire_AndTheScanNeverRunsTwiceAtOnce()
    {
        foreach (var type in new[] { typeof(ReminderJobs), typeof(PurgeJob), typeof(RequestJobs) })
        {
            var retry = type.GetCustomAttribute<AutomaticRetryAttribute>();
            Assert.That(retry, Is.Not.Null, type.Name);
            Assert.That(retry!.Attempts, Is.Zero, type.Name);
            Assert.That(retry.OnAttemptsExceeded, Is.EqualTo(AttemptsExceededAction.Delete), type.Name);
        }
        Assert.That(typeof(ReminderJobs).GetMethod(nameof(ReminderJobs.ScanAsync))!
            .GetCustomAttribute<DisableConcurrentExecutionAttribute>(), Is.Not.Null);
        Assert.That(typeof(PurgeJob).GetMethod(nameof(PurgeJob.RunAsync))!
            .GetCustomAttribute<DisableConcurrentExecutionAttribute>(), Is.Not.Null);
        Assert.That(typeof(RequestJobs).GetMethod(nameof(RequestJobs.ExpireAsync))!
            .GetCustomAttribute<DisableConcurrentExecutionAttribute>(), Is.Not.Null);
    }

    [Test]
    public async Task FailingScan_IsLoggedAndDeleted_NeverRetried()
    {
        _cycle.FailWith = new InvalidOperationException("the outbox is unreachable");
        var scans = _cycle.Scans;
        var client = _app.Services.GetRequiredService<IBackgroundJobClient>();

        var jobId = client.Enqueue<ReminderJobs>(job => job.ScanAsync(CancellationToken.None));
        var state = await _storage.WaitForState(jobId, DeletedState.StateName);

        Assert.That(state, Is.EqualTo(DeletedState.StateName));
        Assert.That(_cycle.Scans, Is.EqualTo(scans + 1), "tried once, not retried");
        Assert.That(_app.Logs.Lines, Has.Some.Matches<string>(line =>
            line.StartsWith("Error EgenvardRegistry.Reminders.ReminderJobs: Reminder job reminders.scan failed", StringComparison.Ordinal)
            && line.Contains("the outbox is unreachable", StringComparison.Ordinal)));
    }

    [Test]
    public async Task Store_IsInMemoryOnSqlite_AndPostgresInASchemaOfItsOwn()
    {
        Assert.That(_storage, engine == Engine.Postgres ? Is.InstanceOf<PostgreSqlStorage>() : Is.InstanceOf<InMemoryStorage>());
        await using var connection = await _database.OpenAsync();
        if (engine == Engine.Postgres)
        {
            var schemas = (await connection.QueryAsync<string>("""
                SELECT DISTINCT table_schema FROM information_schema.tables
                WHERE table_name IN ('job', 'jobqueue', 'hash', 'set', 'server', 'lock')
                """)).ToList();
            Assert.That(schemas, Is.EqualTo(new[] { SchedulerRegistration.PostgresSchema }));
        }
        var migrations = (await connection.QueryAsync<string>("SELECT name FROM schema_migrations")).ToList();
        Assert.That(migrations, Is.EquivalentTo(Directory
            .GetFiles(Path.Combine(AppContext.BaseDirectory, "db", engine == Engine.Postgres ? "postgres" : "sqlite"), "*.sql")
            .Select(Path.GetFileName)));
    }

    [Test]
    public async Task SharedHosts_RunNoJobs()
    {
        var shared = await TestHosts.For(engine);

        Assert.That(shared.Services.GetServices<IHostedService>().Select(service => service.GetType().Name),
            Has.None.EqualTo(nameof(RecurringJobs)).And.None.Contains("BackgroundJobServer"));
    }
}

/// <summary>When the recurring jobs are due, computed by Hangfire itself from a moved clock: across both clock changes.</summary>
public sealed class RecurringScheduleTests
{
    // Summer time starts on 28 March 2027 (02:00 → 03:00) and ends on 31 October 2027 (03:00 → 02:00).
    [TestCase("2027-03-26T08:00", "2027-03-27T06:00Z", TestName = "Scan_TheDayBeforeTheSpringChange_IsDueAt0700Winter")]
    [TestCase("2027-03-27T08:00", "2027-03-28T05:00Z", TestName = "Scan_OnTheSpringChange_IsDueAt0700Summer")]
    [TestCase("2027-10-30T08:00", "2027-10-31T06:00Z", TestName = "Scan_OnTheAutumnChange_IsDueAt0700Winter")]
    [TestCase("2027-10-31T07:01", "2027-11-01T06:00Z", TestName = "Scan_AtSevenOnTheAutumnChange_IsDueTheNextDay")]
    public void Scan_WithTheDefaultCron_IsDueAt0700Stockholm(string stockholmNow, string dueUtc) =>
        Assert.That(NextExecution(ReminderJobs.ScanId, stockholmNow), Is.EqualTo(DateTime.Parse(dueUtc, null, System.Globalization.DateTimeStyles.AdjustToUniversal)));

    [TestCase("2027-03-27T12:00", "2027-03-28T01:30Z")]
    [TestCase("2027-10-30T12:00", "2027-10-31T02:30Z")]
    public void Purge_IsDueAt0330Stockholm_OnBothClockChanges(string stockholmNow, string dueUtc) =>
        Assert.That(NextExecution(PurgeJob.Id, stockholmNow), Is.EqualTo(DateTime.Parse(dueUtc, null, System.Globalization.DateTimeStyles.AdjustToUniversal)));

    [TestCase("2027-03-28T01:59:45")]
    [TestCase("2027-06-01T12:00:01")]
    public void Dispatch_WithTheDefaultCron_IsDueWithinHalfAMinute(string stockholmNow)
    {
        var now = Utc(stockholmNow);

        var due = NextExecution(ReminderJobs.DispatchId, stockholmNow);

        Assert.That(due - now, Is.GreaterThan(TimeSpan.Zero).And.LessThanOrEqualTo(TimeSpan.FromSeconds(30)));
    }

    private static DateTime? NextExecution(string jobId, string stockholmNow)
    {
        var storage = new InMemoryStorage();
        var manager = new RecurringJobManager(storage, JobFilterProviders.Providers, new DefaultTimeZoneResolver(), () => Utc(stockholmNow));

        RecurringJobs.Register(manager, [new ReminderJobSchedule(Options.Create(new ReminderOptions())), new PurgeJobSchedule()]);

        return storage.RecurringJobs().Single(job => job.Id == jobId).NextExecution;
    }

    private static DateTime Utc(string stockholmLocal)
    {
        var local = DateTime.Parse(stockholmLocal, System.Globalization.CultureInfo.InvariantCulture);
        return TimeZoneInfo.ConvertTimeToUtc(local, StockholmTime.Zone);
    }
}

/// <summary>Stopping the service while a scan runs: the scan is asked to stop, and the shutdown waits for it.</summary>
public sealed class SchedulerShutdownTests
{
    [Test]
    public async Task Shutdown_DuringAScan_CancelsItAndWaitsForItToUnwind()
    {
        await using var database = await TestDatabase.CreateAsync(Engine.Sqlite);
        var cycle = new BlockingReminderCycle();
        var app = new RegistryApp(database, SchedulerTests.SchedulerOn(Cron.Never(), dispatchCron: Cron.Never()),
            services => services.AddSingleton<IReminderCycle>(cycle));
        _ = app.Server;
        await cycle.Running.Task.WaitAsync(SchedulerTests.Patience);

        await app.DisposeAsync().AsTask().WaitAsync(SchedulerTests.Patience);

        Assert.That(cycle.Cancelled, Is.True);
        Assert.That(app.Logs.Lines, Has.Some.Contains("Reminder job reminders.scan stopped by shutdown"));
        Assert.That(app.Logs.Lines, Has.None.Contains("Reminder job reminders.scan failed"));
    }

    private sealed class BlockingReminderCycle : IReminderCycle
    {
        public TaskCompletionSource Running { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Cancelled { get; private set; }

        public async Task<ReminderRunCounts> RunAsync(CancellationToken cancellationToken)
        {
            Running.TrySetResult();
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Cancelled = true;
                throw;
            }
            return new ReminderRunCounts(0, 0, 0, 0);
        }

        public Task<ReminderRunCounts> DrainAsync(CancellationToken cancellationToken) => Task.FromResult(new ReminderRunCounts(0, 0, 0, 0));
    }
}
