using Dapper;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Scheduling;
using EgenvardRegistry.Reminders;
using EgenvardRegistry.Tests.Infrastructure;
using Microsoft.Extensions.Hosting;
using Quartz;
using RegistryScheduler = EgenvardRegistry.Infrastructure.Scheduling.SchedulerRegistration;

namespace EgenvardRegistry.Tests.Reminders;

/// <summary>
/// The scheduler in a host of its own, with the reminder cycle replaced by a double: the daily and start-up triggers,
/// the job's behaviour when the cycle fails, and the store each engine gets.
/// </summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class SchedulerTests(Engine engine)
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    // Not the default, so the trigger is seen to take the setting.
    private const string Cron = "0 30 6 * * ?";

    private readonly CountingReminderCycle _cycle = new();
    private readonly SchedulerProbe _probe = new();
    private TestDatabase _database = null!;
    private RegistryApp _app = null!;
    private IScheduler _scheduler = null!;
    private Firing _startup = null!;

    public static Dictionary<string, string?> SchedulerOn(string? cron = null) => new()
    {
        ["Reminders:SchedulerEnabled"] = "true",
        ["Reminders:Cron"] = cron ?? new ReminderOptions().Cron,
    };

    [OneTimeSetUp]
    public async Task StartHostWithTheScheduler()
    {
        _database = await TestDatabase.CreateAsync(engine);
        _app = new RegistryApp(_database, SchedulerOn(Cron), services =>
        {
            _cycle.AddTo(services);
            _probe.AddTo(services);
        });
        _ = _app.Server;
        _scheduler = await _probe.Started.Task.WaitAsync(Patience);
        // Every test starts after the start-up run, so none of them changes how that run behaves.
        _startup = await _probe.Finished(f => f.Trigger == ReminderJob.StartupTrigger.Name).WaitAsync(Patience);
    }

    [OneTimeTearDown]
    public async Task StopHost()
    {
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    [SetUp]
    public void CycleSucceeds()
    {
        _cycle.FailWith = null;
        _cycle.FailToBuildWith = null;
    }

    [Test]
    public async Task Startup_RunsTheCycleOnce()
    {
        await _cycle.FirstRun.Task.WaitAsync(Patience);

        Assert.That(_startup.Exception, Is.Null);
        Assert.That(_probe.Firings.Count(f => f.Trigger == ReminderJob.StartupTrigger.Name), Is.EqualTo(1));
        Assert.That(_app.Logs.Lines, Has.Some.Contains("Reminder run (reminders.startup): 2 queued, 1 sent, 1 retrying, 0 failed"));
    }

    [Test]
    public async Task NightlyPurge_IsScheduledAt0330InStockholm()
    {
        var trigger = await _scheduler.GetTrigger(PurgeJob.NightlyTrigger) as ICronTrigger;

        Assert.That(trigger, Is.Not.Null);
        Assert.That(trigger!.JobKey, Is.EqualTo(PurgeJob.Key));
        Assert.That(trigger.TimeZone.Id, Is.EqualTo(StockholmTime.Zone.Id));
        var next = TimeZoneInfo.ConvertTime(trigger.NextFireTimeUtc!.Value, StockholmTime.Zone);
        Assert.That(next.TimeOfDay, Is.EqualTo(new TimeSpan(3, 30, 0)));
    }

    [Test]
    public async Task DailyTrigger_HasTheConfiguredCronInStockholm_AndFiresOnceNowAfterAMisfire()
    {
        var trigger = await _scheduler.GetTrigger(ReminderJob.DailyTrigger) as ICronTrigger;

        Assert.That(trigger, Is.Not.Null);
        Assert.That(trigger!.JobKey, Is.EqualTo(ReminderJob.Key));
        Assert.That(trigger.CronExpressionString, Is.EqualTo(Cron));
        Assert.That(trigger.TimeZone.Id, Is.EqualTo(StockholmTime.Zone.Id));
        Assert.That(trigger.MisfireInstruction, Is.EqualTo(CronTriggerMisfireInstruction.FireAndProceed));
        var next = TimeZoneInfo.ConvertTime(trigger.NextFireTimeUtc!.Value, StockholmTime.Zone);
        Assert.That(next.TimeOfDay, Is.EqualTo(new TimeSpan(6, 30, 0)));
        Assert.That(next - DateTimeOffset.UtcNow, Is.InRange(TimeSpan.Zero, TimeSpan.FromHours(25)));
    }

    [Test]
    public async Task DailyTrigger_FiresAtTheStockholmTimeAcrossDaylightSaving()
    {
        var trigger = (ICronTrigger)(await _scheduler.GetTrigger(ReminderJob.DailyTrigger))!;
        var expression = new CronExpression(trigger.CronExpressionString!, trigger.TimeZone);

        // Summer time starts on 28 March 2027: 06:30 is 05:30 UTC the day before and 04:30 UTC that day.
        Assert.That(expression.GetNextValidTimeAfter(Stockholm(2027, 3, 26, 8)), Is.EqualTo(Utc(2027, 3, 27, 5, 30)));
        Assert.That(expression.GetNextValidTimeAfter(Stockholm(2027, 3, 27, 8)), Is.EqualTo(Utc(2027, 3, 28, 4, 30)));
        // And ends on 31 October 2027.
        Assert.That(expression.GetNextValidTimeAfter(Stockholm(2027, 10, 30, 8)), Is.EqualTo(Utc(2027, 10, 31, 5, 30)));
    }

    [Test]
    public void DefaultCron_Is07StockholmOnBothSidesOfTheSpringChange()
    {
        var expression = new CronExpression(new ReminderOptions().Cron, StockholmTime.Zone);

        Assert.That(expression.GetNextValidTimeAfter(Stockholm(2027, 3, 26, 8)), Is.EqualTo(Utc(2027, 3, 27, 6, 0)));
        Assert.That(expression.GetNextValidTimeAfter(Stockholm(2027, 3, 27, 8)), Is.EqualTo(Utc(2027, 3, 28, 5, 0)));
    }

    [Test]
    public async Task Job_IsTheReminderJob_AndNeverRunsConcurrently()
    {
        var job = await _scheduler.GetJobDetail(ReminderJob.Key);

        Assert.That(job, Is.Not.Null);
        Assert.That(job!.JobType.Type, Is.EqualTo(typeof(ReminderJob)));
        Assert.That(job.ConcurrentExecutionDisallowed, Is.True);
        Assert.That(job.Durable, Is.True, "the job outlives the one-shot start-up trigger");
        Assert.That(typeof(ReminderJob).IsDefined(typeof(DisallowConcurrentExecutionAttribute), inherit: false), Is.True);
    }

    [Test]
    public async Task FailingCycle_IsLogged_NotRethrown_AndTheNextFiringRunsAgain()
    {
        var failing = Guid.NewGuid().ToString();
        var after = Guid.NewGuid().ToString();
        _cycle.FailWith = new InvalidOperationException("the outbox is unreachable");

        await _scheduler.TriggerJob(ReminderJob.Key, new JobDataMap { [SchedulerProbe.MarkerKey] = failing });
        var failed = await _probe.Finished(f => f.Marker == failing).WaitAsync(Patience);
        _cycle.FailWith = null;
        var runsAfterTheFailure = _cycle.Runs;
        await _scheduler.TriggerJob(ReminderJob.Key, new JobDataMap { [SchedulerProbe.MarkerKey] = after });
        await _probe.Finished(f => f.Marker == after).WaitAsync(Patience);

        Assert.That(failed.Exception, Is.Null, "Quartz is told the firing completed, so it neither refires nor retries it");
        Assert.That(_app.Logs.Lines, Has.Some.Matches<string>(line =>
            line.StartsWith("Error EgenvardRegistry.Infrastructure.Scheduling.ReminderJob: Reminder run", StringComparison.Ordinal)
            && line.Contains("failed", StringComparison.Ordinal)
            && line.Contains("the outbox is unreachable", StringComparison.Ordinal)));
        Assert.That(_probe.Firings.Count(f => f.Marker == failing), Is.EqualTo(1));
        Assert.That(_cycle.Runs, Is.EqualTo(runsAfterTheFailure + 1));
    }

    [Test]
    public async Task CycleThatCannotBeBuilt_IsLoggedAsTheRunsFailure_NotRethrown()
    {
        var marker = Guid.NewGuid().ToString();
        _cycle.FailToBuildWith = new InvalidOperationException("no e-mail sender is registered");

        await _scheduler.TriggerJob(ReminderJob.Key, new JobDataMap { [SchedulerProbe.MarkerKey] = marker });
        var firing = await _probe.Finished(f => f.Marker == marker).WaitAsync(Patience);

        Assert.That(firing.Exception, Is.Null);
        Assert.That(_app.Logs.Lines, Has.Some.Matches<string>(line =>
            line.StartsWith("Error EgenvardRegistry.Infrastructure.Scheduling.ReminderJob: Reminder run", StringComparison.Ordinal)
            && line.Contains("no e-mail sender is registered", StringComparison.Ordinal)));
    }

    [Test]
    public async Task Store_IsInMemoryOnSqlite_AndClusteredOnPostgres()
    {
        var metadata = await _scheduler.GetMetadata();

        Assert.That(metadata.SchedulerName, Is.EqualTo(RegistryScheduler.SchedulerName));
        Assert.That(metadata.JobStorePersistent, Is.EqualTo(engine == Engine.Postgres));
        Assert.That(metadata.JobStoreClustered, Is.EqualTo(engine == Engine.Postgres));
    }

    [Test]
    public async Task SharedHosts_HaveNoScheduler()
    {
        var shared = await TestHosts.For(engine);

        Assert.That(shared.Services.GetService<ISchedulerFactory>(), Is.Null);
        Assert.That(shared.Services.GetServices<IHostedService>().Select(service => service.GetType().Namespace),
            Has.None.StartsWith("Quartz"));
        await using var connection = await shared.Database.OpenAsync();
        var quartzTables = engine == Engine.Postgres
            ? await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM information_schema.tables WHERE table_name LIKE 'qrtz%'")
            : await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'qrtz%'");
        Assert.That(quartzTables, Is.Zero);
    }

    internal static DateTimeOffset Stockholm(int year, int month, int day, int hour)
    {
        var local = new DateTime(year, month, day, hour, 0, 0, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, StockholmTime.Zone.GetUtcOffset(local));
    }

    internal static DateTimeOffset Utc(int year, int month, int day, int hour, int minute) =>
        new(year, month, day, hour, minute, 0, TimeSpan.Zero);
}

/// <summary>Two nodes on one PostgreSQL database: one cluster, one daily trigger, Quartz's tables beside the registry's.</summary>
public sealed class ClusteredSchedulerTests
{
    private readonly CountingReminderCycle[] _cycles = [new(), new()];
    private readonly SchedulerProbe[] _probes = [new(), new()];
    private TestDatabase _database = null!;
    private RegistryApp[] _nodes = [];
    private IScheduler[] _schedulers = [];

    [OneTimeSetUp]
    public async Task StartTwoNodesOnOneDatabase()
    {
        _database = await TestDatabase.CreateAsync(Engine.Postgres);
        _nodes = [.. Enumerable.Range(0, 2).Select(StartNode)];
        _schedulers = await Task.WhenAll(_probes.Select(probe => probe.Started.Task.WaitAsync(SchedulerTests.Patience)));
    }

    [OneTimeTearDown]
    public async Task StopNodes()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
        await _database.DisposeAsync();
    }

    [Test]
    public async Task BothNodes_JoinOneCluster_UnderOneNameWithTheirOwnIds()
    {
        var metadata = await Task.WhenAll(_schedulers.Select(scheduler => scheduler.GetMetadata().AsTask()));
        var checkedIn = await Query<string>("SELECT instance_name FROM qrtz_scheduler_state WHERE sched_name = @name",
            new { name = RegistryScheduler.SchedulerName });

        Assert.That(metadata.Select(m => m.JobStoreClustered), Is.All.True);
        Assert.That(metadata.Select(m => m.SchedulerName), Is.All.EqualTo(RegistryScheduler.SchedulerName));
        Assert.That(metadata.Select(m => m.SchedulerInstanceId).Distinct().Count(), Is.EqualTo(2));
        Assert.That(checkedIn, Is.SupersetOf(metadata.Select(m => m.SchedulerInstanceId)));
        Assert.That(_schedulers.Select(scheduler => scheduler.Status), Is.All.EqualTo(SchedulerStatus.Running));
    }

    [Test]
    public async Task TheDailyTriggerAndTheJob_AreStoredOnce()
    {
        var triggers = await Query<string>("SELECT trigger_name FROM qrtz_triggers WHERE trigger_name = @name",
            new { name = ReminderJob.DailyTrigger.Name });
        var jobs = await Query<string>("SELECT job_name FROM qrtz_job_details WHERE job_name = @name",
            new { name = ReminderJob.Key.Name });
        var cron = await Query<(string Expression, string Zone)>(
            "SELECT cron_expression, time_zone_id FROM qrtz_cron_triggers WHERE trigger_name = @name",
            new { name = ReminderJob.DailyTrigger.Name });

        Assert.That(triggers, Has.Count.EqualTo(1));
        Assert.That(jobs, Has.Count.EqualTo(1));
        Assert.That(cron, Is.EqualTo(new[] { (new ReminderOptions().Cron, "Europe/Stockholm") }));
    }

    [Test]
    public async Task StartupTrigger_RunsTheCycleSomewhereInTheCluster()
    {
        var startup = await Task.WhenAny(_probes.Select(probe =>
            probe.Finished(f => f.Trigger == ReminderJob.StartupTrigger.Name)));

        var firing = await startup.WaitAsync(SchedulerTests.Patience);

        Assert.That(firing.Exception, Is.Null);
        Assert.That(_cycles.Sum(cycle => cycle.Runs), Is.GreaterThanOrEqualTo(1));
    }

    [Test]
    public async Task QuartzTables_AreProvisionedBesideTheRegistrys_WithoutTouchingItsMigrations()
    {
        var quartz = await Query<string>(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name LIKE 'qrtz\\_%'");
        var migrations = await Query<string>("SELECT name FROM schema_migrations");

        Assert.That(quartz, Is.SupersetOf(new[]
        {
            "qrtz_job_details", "qrtz_triggers", "qrtz_cron_triggers", "qrtz_simple_triggers", "qrtz_fired_triggers",
            "qrtz_locks", "qrtz_scheduler_state",
        }));
        Assert.That(migrations, Has.None.Contains("qrtz"));
        Assert.That(migrations, Is.EquivalentTo(Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "db", "postgres"), "*.sql")
            .Select(Path.GetFileName)));
    }

    [Test]
    public async Task ANodeRestarting_OnAStoreThatHoldsTheJobAndTriggers_Starts()
    {
        var probe = new SchedulerProbe();
        await using var restarted = new RegistryApp(_database, SchedulerTests.SchedulerOn(), services =>
        {
            new CountingReminderCycle().AddTo(services);
            probe.AddTo(services);
        });
        _ = restarted.Server;

        var scheduler = await probe.Started.Task.WaitAsync(SchedulerTests.Patience);

        Assert.That(scheduler.Status, Is.EqualTo(SchedulerStatus.Running));
        Assert.That(await Query<string>("SELECT trigger_name FROM qrtz_triggers WHERE trigger_name = @name",
            new { name = ReminderJob.DailyTrigger.Name }), Has.Count.EqualTo(1));
    }

    private RegistryApp StartNode(int index)
    {
        var node = new RegistryApp(_database, SchedulerTests.SchedulerOn(), services =>
        {
            _cycles[index].AddTo(services);
            _probes[index].AddTo(services);
        });
        _ = node.Server;
        return node;
    }

    private async Task<IReadOnlyList<T>> Query<T>(string sql, object? parameters = null)
    {
        await using var connection = await _database.OpenAsync();
        return [.. await connection.QueryAsync<T>(sql, parameters)];
    }
}

/// <summary>Stopping the service while a run is going: the run is asked to stop, and the shutdown waits for it.</summary>
public sealed class SchedulerShutdownTests
{
    [Test]
    public async Task Shutdown_DuringARun_CancelsItAndWaitsForItToUnwind()
    {
        await using var database = await TestDatabase.CreateAsync(Engine.Sqlite);
        var cycle = new BlockingReminderCycle();
        var app = new RegistryApp(database, SchedulerTests.SchedulerOn(), services => services.AddSingleton<IReminderCycle>(cycle));
        _ = app.Server;
        await cycle.Running.Task.WaitAsync(SchedulerTests.Patience);

        await app.DisposeAsync().AsTask().WaitAsync(SchedulerTests.Patience);

        Assert.That(cycle.Cancelled, Is.True);
        Assert.That(app.Logs.Lines, Has.Some.Contains("Reminder run (reminders.startup) stopped by shutdown"));
        Assert.That(app.Logs.Lines, Has.None.Contains("Reminder run (reminders.startup) failed"));
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
    }
}
