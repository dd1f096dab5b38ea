using System.Globalization;
using System.Net;
using Dapper;
using EgenvardRegistry.Reminders;
using EgenvardRegistry.Tests.Infrastructure;
using Hangfire;
using MimeKit;

namespace EgenvardRegistry.Tests.Reminders;

/// <summary>
/// Reminders delivered by the scheduled jobs alone, with no administrator running anything: a message refused once,
/// refused for good, a server that is down or drops the connection mid-message. Hangfire runs the dispatch every second
/// here (every 30 seconds in production); the outbox decides what is due by the app's clock, which the tests move.
/// </summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class ReminderDeliveryTests(Engine engine) : IntegrationTest(engine)
{
    private readonly int _port = FaultySmtpServer.ClosedPort();
    private FaultySmtpServer? _smtp;
    private TestDatabase _database = null!;
    private RegistryApp _app = null!;
    private JobStorage _storage = null!;

    [OneTimeSetUp]
    public async Task StartHostWithTheScheduler()
    {
        _smtp = StartSmtp();
        _database = await TestDatabase.CreateAsync(Engine);
        var settings = SchedulerTests.SchedulerOn(Cron.Never());
        settings["Smtp:Host"] = "127.0.0.1";
        settings["Smtp:Port"] = _port.ToString(CultureInfo.InvariantCulture);
        settings["Smtp:Security"] = "none";
        settings["Smtp:From"] = "Egenvårdsregistret <noreply@egenvard.test>";
        settings["Smtp:TimeoutSeconds"] = "5";
        // Development: the administrator's page is signed in to through the development sign-in page.
        _app = new RegistryApp(_database, settings, environment: "Development");
        _ = _app.Server;
        _storage = _app.Services.GetRequiredService<JobStorage>();
    }

    [OneTimeTearDown]
    public async Task StopHost()
    {
        await _app.DisposeAsync();
        await _database.DisposeAsync();
        await StopSmtp();
    }

    [SetUp]
    public async Task SmtpIsUp()
    {
        await StopSmtp();
        _smtp = StartSmtp();
    }

    protected override Task<RegistryApp> HostAsync() => Task.FromResult(_app);

    private FaultySmtpServer Smtp => _smtp!;

    [Test]
    public async Task RefusedOnce_IsSentByItselfWhenItsBackOffIsDue_ExactlyOnce_WithTheSameMessageId()
    {
        var certificate = await IssueOk(Samples.CertificateExpiringIn(Clock.Today, 7));
        Smtp.Next(SmtpFault.Reject451AtEndOfData);

        RunDailyScan();
        var refused = await Eventually.Until(() => Outbox(), rows => rows is [{ Status: "pending", Attempts: 1 }], "the refused first attempt");
        await Dispatches(1);
        var stillWaiting = await Outbox();
        Clock.SetUtcNow(refused[0].NextAttemptAt);
        var sent = await Eventually.Until(() => Outbox(), rows => rows is [{ Status: "sent" }], "the retry, sent by itself");
        await Dispatches(1);

        Assert.That(stillWaiting, Is.EqualTo(refused), "nothing is sent before its back-off is due");
        Assert.That(refused[0].NextAttemptAt - refused[0].CreatedAt, Is.InRange(TimeSpan.FromSeconds(48), TimeSpan.FromSeconds(72)),
            "the first back-off: one minute, ±20 %");
        Assert.That(Smtp.Received, Has.Count.EqualTo(1), "exactly once");
        Assert.That((sent[0].Attempts, sent[0].CertificateId), Is.EqualTo((2, certificate)));
        Assert.That(Smtp.Refused, Has.Count.EqualTo(1));
        var messageId = $"notification-{sent[0].Id:N}@egenvard.test";
        Assert.That(Smtp.Refused[0].Parse().MessageId, Is.EqualTo(messageId));
        Assert.That(Smtp.Received[0].Parse().MessageId, Is.EqualTo(messageId));
    }

    [Test]
    public async Task RefusedForGood_FailsAtOnce_ShowsOnTheAdminPage_AndIsSentByItselfAfterRetry()
    {
        await IssueOk(Samples.CertificateExpiringIn(Clock.Today, 14));
        Smtp.Next(SmtpFault.Reject550AtRcpt);

        RunDailyScan();
        var failed = await Eventually.Until(() => Outbox(), rows => rows is [{ Status: "failed" }], "the permanent failure");
        await Dispatches(1);
        var admin = await App.SignInAsync("admin");
        var page = await admin.GetPage("/admin");
        using var retry = await admin.PostForm($"/admin?handler=Retry&id={failed[0].Id}", page, ("id", failed[0].Id.ToString()));
        var sent = await Eventually.Until(() => Outbox(), rows => rows is [{ Status: "sent" }], "the retried message, sent by itself");

        Assert.That(failed[0].Attempts, Is.EqualTo(1), "a 5xx is not tried again by itself");
        Assert.That(page, Does.Contain(failed[0].Id.ToString()).And.Contain("Försök igen"));
        Assert.That(retry.StatusCode, Is.EqualTo(HttpStatusCode.Redirect).Or.EqualTo(HttpStatusCode.OK));
        Assert.That(Smtp.Received, Has.Count.EqualTo(1));
        Assert.That(sent[0].Id, Is.EqualTo(failed[0].Id));
    }

    [Test]
    public async Task ServerDownLongerThanTheBackOff_IsSentByItselfOnceItIsBack()
    {
        await IssueOk(Samples.CertificateExpiringIn(Clock.Today, 14));
        await StopSmtp();

        RunDailyScan();
        var first = await Eventually.Until(() => Outbox(), rows => rows is [{ Status: "pending", Attempts: 1 }], "the first attempt");
        Clock.SetUtcNow(first[0].NextAttemptAt);
        var second = await Eventually.Until(() => Outbox(), rows => rows is [{ Status: "pending", Attempts: 2 }], "the second attempt, still down");
        _smtp = StartSmtp();
        Clock.SetUtcNow(second[0].NextAttemptAt);
        var sent = await Eventually.Until(() => Outbox(), rows => rows is [{ Status: "sent" }], "the message, once the server is back");
        await Dispatches(1);

        Assert.That(second[0].NextAttemptAt - first[0].NextAttemptAt, Is.GreaterThan(TimeSpan.FromSeconds(90)), "the back-off doubles");
        Assert.That(sent[0].Attempts, Is.EqualTo(3));
        Assert.That(Smtp.Received, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task ConnectionDroppedMidMessage_IsSentOnceAfterwards()
    {
        await IssueOk(Samples.CertificateExpiringIn(Clock.Today, 14));
        await StopSmtp();
        List<OutboxRow> dropped;
        await using (var dropping = new RawSmtpFaultServer(RawSmtpFault.DropDuringData, _port))
        {
            RunDailyScan();
            dropped = await Eventually.Until(() => Outbox(), rows => rows is [{ Status: "pending", Attempts: 1 }], "the dropped attempt");
            Assert.That(dropping.Connections, Is.GreaterThanOrEqualTo(1));
        }
        _smtp = StartSmtp();
        Clock.SetUtcNow(dropped[0].NextAttemptAt);
        await Eventually.Until(() => Outbox(), rows => rows is [{ Status: "sent" }], "the message after the drop");
        await Dispatches(1);

        Assert.That(Smtp.Received, Has.Count.EqualTo(1));
        Assert.That(dropped[0].LastError, Does.Contain("connection").IgnoreCase.And.Not.Contain("sara.lind"));
    }

    private FaultySmtpServer StartSmtp() => new(_port, lifetime: TimeSpan.FromMinutes(10));

    private async Task StopSmtp()
    {
        if (_smtp is not null)
        {
            await _smtp.DisposeAsync();
            _smtp = null;
        }
    }

    /// <summary>What the daily firing does: queue the scan job.</summary>
    private void RunDailyScan() =>
        _app.Services.GetRequiredService<IBackgroundJobClient>().Enqueue<ReminderJobs>(job => job.ScanAsync(CancellationToken.None));

    /// <summary>Waits for <paramref name="count"/> more dispatch runs to finish.</summary>
    private async Task Dispatches(int count)
    {
        var monitoring = _storage.GetMonitoringApi();
        var target = monitoring.SucceededListCount() + count;
        await Eventually.Until(() => Task.FromResult(monitoring.SucceededListCount()), done => done >= target, $"{count} more dispatch runs");
    }

    private async Task<List<OutboxRow>> Outbox()
    {
        await using var connection = await _database.OpenAsync();
        return [.. await connection.QueryAsync<OutboxRow>("""
            SELECT id AS Id, certificate_id AS CertificateId, status AS Status, attempts AS Attempts,
                   next_attempt_at AS NextAttemptAt, created_at AS CreatedAt, last_error AS LastError
            FROM notifications ORDER BY created_at
            """)];
    }

    /// <summary>One outbox row; a record, so two reads compare by value.</summary>
    private sealed record OutboxRow
    {
        public Guid Id { get; init; }
        public Guid CertificateId { get; init; }
        public string Status { get; init; } = "";
        public int Attempts { get; init; }
        public DateTimeOffset NextAttemptAt { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public string? LastError { get; init; }
    }
}
