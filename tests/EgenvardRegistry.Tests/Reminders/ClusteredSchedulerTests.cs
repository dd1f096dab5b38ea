using System.Net;
using System.Net.Http.Json;
using Dapper;
using EgenvardRegistry.Infrastructure.Scheduling;
using EgenvardRegistry.Reminders;
using EgenvardRegistry.Tests.Infrastructure;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;

namespace EgenvardRegistry.Tests.Reminders;

/// <summary>
/// Two nodes on one PostgreSQL database with the real reminder cycle and one shared pickup folder: when the daily scan
/// falls due while both run, it runs once across them, and the guardian gets one message.
/// </summary>
public sealed class ClusteredSchedulerTests
{
    private readonly string _mail = Directory.CreateTempSubdirectory("egenvard-cluster-mail-").FullName;
    private TestDatabase _database = null!;
    private RegistryApp[] _nodes = [];
    private JobStorage _storage = null!;

    [OneTimeSetUp]
    public async Task StartTwoNodesOnOneDatabase()
    {
        _database = await TestDatabase.CreateAsync(Engine.Postgres);
        // Neither the scan's cron nor the dispatch fires by itself: the test makes the daily firing due.
        var settings = SchedulerTests.SchedulerOn(Cron.Never(), dispatchCron: Cron.Never());
        settings["Mail:PickupDirectory"] = _mail;
        _nodes = [new RegistryApp(_database, settings), new RegistryApp(_database, settings)];
        foreach (var node in _nodes)
        {
            _ = node.Server;
        }
        _storage = _nodes[0].Services.GetRequiredService<JobStorage>();
        // Each node scans once as it starts; the test begins when both have.
        await Eventually.Until(() => ScanJobs().Count(job => job.State == SucceededState.StateName) >= 2, "both start-up scans");
    }

    [OneTimeTearDown]
    public async Task StopNodes()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
        await _database.DisposeAsync();
        Directory.Delete(_mail, recursive: true);
    }

    [Test]
    public async Task DailyScan_FallingDueWhileTwoNodesRun_RunsOnce_AndSendsOneMessage()
    {
        var node = _nodes[0];
        using var issued = await node.ClientFor(Tokens.Clinician())
            .PostAsJsonAsync("/api/certificates", Samples.CertificateExpiringIn(node.Clock.Today, 14));
        Assert.That(issued.StatusCode, Is.EqualTo(HttpStatusCode.Created));

        // 07:00 arrives: Hangfire's schedulers run on the real clock, so the daily job is stored as registered a day ago,
        // and its last 07:00 is due; both nodes' schedulers see it at their next poll.
        var aDayAgo = new RecurringJobManager(_storage, JobFilterProviders.Providers, new DefaultTimeZoneResolver(),
            () => HangfireNow().AddDays(-1));
        aDayAgo.RemoveIfExists(ReminderJobs.ScanId);
        aDayAgo.AddOrUpdate<ReminderJobs>(ReminderJobs.ScanId, job => job.ScanAsync(CancellationToken.None), "0 7 * * *", RecurringJobs.InStockholm);
        await Eventually.Until(() => Directory.GetFiles(_mail, "*.eml").Length > 0, "the reminder in the pickup folder");
        await Eventually.Until(() => DailyScanJobs().All(job => job.State == SucceededState.StateName)
            && _storage.RecurringJobs().Single(job => job.Id == ReminderJobs.ScanId).NextExecution > HangfireNow(),
            "the daily firing done and the next one scheduled");

        Assert.That(_storage.GetMonitoringApi().Servers(), Has.Count.EqualTo(2), "both nodes run a Hangfire server");
        Assert.That(DailyScanJobs(), Has.Count.EqualTo(1), "one run of the daily scan across both nodes");
        await using var connection = await _database.OpenAsync();
        var outbox = (await connection.QueryAsync<string>("SELECT status FROM notifications")).ToList();
        Assert.That(outbox, Is.EqualTo(new[] { "sent" }));
        Assert.That(Directory.GetFiles(_mail, "*.eml"), Has.Length.EqualTo(1));
    }

    private sealed record ScanJob(string Id, string State, string? RecurringJobId);

    private List<ScanJob> ScanJobs()
    {
        using var connection = _storage.GetConnection();
        var monitoring = _storage.GetMonitoringApi();
        var ids = monitoring.SucceededJobs(0, 1000).Select(job => job.Key)
            .Concat(monitoring.ProcessingJobs(0, 1000).Select(job => job.Key))
            .Concat(monitoring.EnqueuedJobs("default", 0, 1000).Select(job => job.Key))
            .Concat(monitoring.DeletedJobs(0, 1000).Select(job => job.Key))
            .Distinct();
        return [.. ids
            .Select(id => (Id: id, Data: connection.GetJobData(id)))
            .Where(job => job.Data?.Job?.Method.Name == nameof(ReminderJobs.ScanAsync))
            .Select(job => new ScanJob(job.Id, job.Data!.State, SerializationHelper.Deserialize<string?>(
                connection.GetJobParameter(job.Id, "RecurringJobId"))))];
    }

    /// <summary>Hangfire's schedulers read the machine's clock; the test's times are relative to it, never a date.</summary>
    private static DateTime HangfireNow() => TimeProvider.System.GetUtcNow().UtcDateTime;

    private List<ScanJob> DailyScanJobs() => [.. ScanJobs().Where(job => job.RecurringJobId == ReminderJobs.ScanId)];
}
