using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Reminders;
using EgenvardRegistry.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MimeKit;

namespace EgenvardRegistry.Tests.Reminders;

/// <summary>
/// The whole reminder path on one engine: scan, outbox, dispatch through MailKit over a socket to a test SMTP server
/// that records messages or fails on demand, admin endpoints, guardian settings. The clock is fake.
/// </summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class ReminderPathTests(Engine engine) : IntegrationTest(engine)
{
    private FaultySmtpServer _smtp = null!;
    private TestDatabase _database = null!;
    private RegistryApp _app = null!;
    private int _seen;

    [OneTimeSetUp]
    public async Task StartHostWithSmtp()
    {
        _smtp = new FaultySmtpServer(lifetime: TimeSpan.FromMinutes(10));
        _database = await TestDatabase.CreateAsync(Engine);
        // Development: the administrator's page is signed in to through the development sign-in page.
        _app = new RegistryApp(_database, SmtpSettings(_smtp.Port), environment: "Development");
        _ = _app.Server;
    }

    [OneTimeTearDown]
    public async Task StopHost()
    {
        await _app.DisposeAsync();
        await _database.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    [SetUp]
    public void ForgetEarlierMail() => _seen = _smtp.Received.Count;

    [TearDown]
    public void StopActingOnMail() => _smtp.OnAccepted = null;

    private TimeSpan Lease => App.Services.GetRequiredService<IOptions<ReminderOptions>>().Value.Lease;

    protected override Task<RegistryApp> HostAsync() => Task.FromResult(_app);

    private static Dictionary<string, string?> SmtpSettings(int port) => new()
    {
        ["Smtp:Host"] = "127.0.0.1",
        ["Smtp:Port"] = port.ToString(CultureInfo.InvariantCulture),
        ["Smtp:From"] = "Egenvårdsregistret <noreply@egenvard.test>",
        ["Smtp:Security"] = "none",
        ["Smtp:TimeoutSeconds"] = "5",
    };

    private IReadOnlyList<MimeMessage> NewMail() => [.. _smtp.Received.Skip(_seen).Select(message => message.Parse())];

    /// <summary>A certificate that expires <paramref name="days"/> days from today, valid for a year up to then.</summary>
    private async Task<Guid> IssueExpiringIn(int days, string childPnr = Samples.ChildPnr, string measure = "insulin",
        string guardianPnr = Tokens.GuardianPnr)
    {
        var until = Clock.Today.AddDays(days);
        var from = until.AddMonths(-12);
        return await IssueOk(Samples.Certificate(childPnr: childPnr, validFrom: Iso(from), validUntil: Iso(until),
            followUpOn: Iso(from), guardianPnr: guardianPnr, measures: measure));
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private async Task<JsonObject> Run()
    {
        using var response = await Client(Tokens.Admin()).PostAsync("/api/admin/reminders/run", null);
        var json = await response.ReadJson();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), json.ToJsonString());
        return json;
    }

    private static (int Queued, int Sent, int Retrying, int Failed) Counts(JsonObject run) => (
        run["queued"]!.GetValue<int>(), run["sent"]!.GetValue<int>(), run["retrying"]!.GetValue<int>(), run["failed"]!.GetValue<int>());

    private async Task<IReadOnlyList<OutboxRow>> Outbox()
    {
        await using var connection = await _database.OpenAsync();
        return (await connection.QueryAsync<OutboxRow>("""
            SELECT CAST(n.certificate_id AS TEXT) AS CertificateId, n.threshold_days AS ThresholdDays, n.status AS Status,
                   n.attempts AS Attempts, CAST(n.id AS TEXT) AS Id, n.last_error AS LastError
            FROM notifications n ORDER BY n.created_at, n.threshold_days
            """)).ToList();
    }

    [Test]
    public async Task Run_CertificatesAtEachDistance_SendOneMailAtTheLatestDueThreshold()
    {
        var certificates = new Dictionary<int, Guid>();
        foreach (var (days, index) in new[] { 31, 30, 15, 14, 7, 1, 0 }.Select((d, i) => (d, i)))
        {
            certificates[days] = await IssueExpiringIn(days, measure: MeasureNumber(index));
        }
        var connectionsBefore = _smtp.Connections;

        var counts = Counts(await Run());

        var outbox = await Outbox();
        Assert.That(counts, Is.EqualTo((6, 6, 0, 0)));
        var thresholdByDays = certificates.ToDictionary(c => c.Key,
            c => outbox.SingleOrDefault(row => Guid.Parse(row.CertificateId) == c.Value)?.ThresholdDays);
        Assert.That(thresholdByDays, Is.EquivalentTo(new Dictionary<int, int?>
        {
            [31] = null, [30] = 30, [15] = 30, [14] = 14, [7] = 7, [1] = 7, [0] = 0,
        }));
        Assert.That(outbox.Select(row => row.Status), Is.All.EqualTo("sent"));
        var mail = NewMail();
        Assert.That(mail, Has.Count.EqualTo(6));
        Assert.That(mail.Select(m => m.MessageId),
            Is.EquivalentTo(outbox.Select(row => $"notification-{Guid.Parse(row.Id):N}@egenvard.test")));
        Assert.That(_smtp.Connections - connectionsBefore, Is.EqualTo(1), "one connection for the whole run");
        Assert.That(_smtp.Received.Skip(_seen).SelectMany(m => m.RcptTo).Distinct(), Is.EqualTo(new[] { "sara.lind@example.se" }));
    }

    private static string MeasureNumber(int index) =>
        new[] { "insulin", "blood-glucose", "adrenaline", "inhaler", "seizure-medication", "tube-feeding", "oxygen" }[index];

    [Test]
    public async Task Run_Twice_SendsNothingTheSecondTime()
    {
        await IssueExpiringIn(14);

        var first = Counts(await Run());
        var second = Counts(await Run());

        Assert.That(first, Is.EqualTo((1, 1, 0, 0)));
        Assert.That(second, Is.EqualTo((0, 0, 0, 0)));
        Assert.That(NewMail(), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Run_RenewedRevokedWithoutEmailOrOptedOut_SendsNothing()
    {
        var renewed = await IssueExpiringIn(14, measure: "insulin");
        using (var renewal = await Renew(renewed,
            NewDates(Iso(Clock.Today), Iso(Clock.Today.AddMonths(12)), Iso(Clock.Today.AddMonths(6)))))
        {
            Assert.That(renewal.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        }
        var revoked = await IssueExpiringIn(7, measure: "oxygen");
        using (var revocation = await Revoke(revoked, reason: "Behandlingen avslutad"))
        {
            Assert.That(revocation.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
        var noEmail = Samples.Certificate(childPnr: Samples.OtherChildPnr, guardianPnr: Tokens.OtherGuardianPnr,
            validFrom: Iso(Clock.Today.AddMonths(-12).AddDays(14)), validUntil: Iso(Clock.Today.AddDays(14)),
            followUpOn: Iso(Clock.Today));
        noEmail["guardians"]![0]!["email"] = null;
        await IssueOk(noEmail);
        var optedOut = await IssueExpiringIn(0, childPnr: "201304051236", guardianPnr: "199001011239");
        using (var contact = await Client(Tokens.Guardian("199001011239")).PutAsJsonAsync("/api/guardians/me/contact",
            new { email = "sara.lind@example.se", remindersEnabled = false }))
        {
            Assert.That(contact.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        var counts = Counts(await Run());

        Assert.That(counts, Is.EqualTo((0, 0, 0, 0)), $"opted out certificate {optedOut}");
        Assert.That(NewMail(), Is.Empty);
    }

    [Test]
    public async Task Run_AfterMissedDays_SendsOnlyTheLatestDueThreshold()
    {
        var watched = await IssueExpiringIn(16);
        var late = await IssueExpiringIn(40, measure: "oxygen");
        Assert.That(Counts(await Run()), Is.EqualTo((1, 1, 0, 0)), "16 days left: the 30-day reminder");

        Clock.Advance(TimeSpan.FromDays(5)); // five days without a scan: 11 and 35 days left
        var afterFive = Counts(await Run());
        Clock.Advance(TimeSpan.FromDays(29)); // no scan while the other passed 30 and 14: now 6 days left
        var afterMany = Counts(await Run());

        var outbox = await Outbox();
        Assert.That((afterFive, afterMany), Is.EqualTo(((1, 1, 0, 0), (1, 1, 0, 0))));
        Assert.That(outbox.Where(row => Guid.Parse(row.CertificateId) == watched).Select(row => row.ThresholdDays),
            Is.EqualTo(new[] { 30, 14 }));
        Assert.That(outbox.Where(row => Guid.Parse(row.CertificateId) == late).Select(row => row.ThresholdDays),
            Is.EqualTo(new[] { 7 }), "one mail, not 30, 14 and 7 at once");
    }

    [Test]
    public async Task Run_OnTheDaySummerTimeBegins_CountsDaysInStockholm()
    {
        // 00:30 on 28 March 2027 in Stockholm is still 27 March in UTC; clocks jump from 02:00 to 03:00 that night.
        Clock.SetUtcNow(new DateTimeOffset(2027, 3, 27, 23, 30, 0, TimeSpan.Zero));
        await IssueOk(Samples.Certificate(validFrom: "2026-04-12", validUntil: "2027-04-11", followUpOn: "2026-10-01"));

        var counts = Counts(await Run());

        Assert.That(counts, Is.EqualTo((1, 1, 0, 0)));
        Assert.That((await Outbox()).Single().ThresholdDays, Is.EqualTo(14));
        Assert.That(NewMail().Single().Subject, Does.Contain("14 dagar"));
    }

    [TestCase(SmtpFault.Reject421AtMail)]
    [TestCase(SmtpFault.DropAtMail)]
    [TestCase(SmtpFault.Reject451AtRcpt)]
    [TestCase(SmtpFault.Reject451AtEndOfData)]
    public async Task TransientFailure_IsRetriedAfterTheBackOff_AndThenSent(SmtpFault fault)
    {
        await IssueExpiringIn(14);
        _smtp.Next(fault);

        var failed = Counts(await Run());
        var tooSoon = Counts(await Run());
        var waiting = (await Outbox()).Single();
        Clock.Advance(TimeSpan.FromMinutes(2));
        var later = Counts(await Run());

        Assert.That(failed, Is.EqualTo((1, 0, 1, 0)));
        Assert.That(tooSoon, Is.EqualTo((0, 0, 0, 0)), "not due before its back-off");
        Assert.That((waiting.Status, waiting.Attempts), Is.EqualTo(("pending", 1)));
        Assert.That(waiting.LastError, Does.Not.Contain("sara.lind"));
        Assert.That(later, Is.EqualTo((0, 1, 0, 0)));
        Assert.That((await Outbox()).Single().Status, Is.EqualTo("sent"));
        Assert.That(NewMail(), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task PermanentFailure_FailsAtOnce_WithTheErrorAndNoAddress()
    {
        await IssueExpiringIn(14);
        _smtp.Next(SmtpFault.Reject550AtRcpt);

        var counts = Counts(await Run());
        Clock.Advance(TimeSpan.FromDays(1));
        var nextDay = Counts(await Run());

        var row = (await Outbox()).Single();
        Assert.That((counts, nextDay), Is.EqualTo(((1, 0, 0, 1), (0, 0, 0, 0))));
        Assert.That((row.Status, row.Attempts), Is.EqualTo(("failed", 1)));
        Assert.That(row.LastError, Does.Contain("550").And.Not.Contain("sara.lind"));
    }

    [Test]
    public async Task TransientFailures_AfterTheLastAttempt_FailForGood()
    {
        await IssueExpiringIn(14);
        var attempts = new ReminderOptions().MaxAttempts;
        _smtp.Next([.. Enumerable.Repeat(SmtpFault.Reject421AtMail, attempts)]);

        var runs = new List<(int, int, int, int)>();
        for (var i = 0; i < attempts; i++)
        {
            runs.Add(Counts(await Run()));
            Clock.Advance(TimeSpan.FromHours(10));
        }

        var row = (await Outbox()).Single();
        Assert.That(runs.Take(attempts - 1).Select(r => r.Item3), Is.All.EqualTo(1), "retrying until the last attempt");
        Assert.That(runs[^1], Is.EqualTo((0, 0, 0, 1)));
        Assert.That((row.Status, row.Attempts), Is.EqualTo(("failed", attempts)));
        Assert.That(row.LastError, Does.StartWith($"Gave up after {attempts} attempts"));
    }

    [Test]
    public async Task ServerDown_LosesNothing_AndSendsOnceItIsBack()
    {
        var port = FaultySmtpServer.ClosedPort();
        await using var app = new RegistryApp(_database, SmtpSettings(port));
        await IssueExpiringIn(14);
        await IssueExpiringIn(7, measure: "oxygen");
        var cycle = app.Services.GetRequiredService<IReminderCycle>();
        app.Clock.SetUtcNow(Clock.GetUtcNow());

        var down = await cycle.RunAsync(CancellationToken.None);
        await using var back = new FaultySmtpServer(port);
        app.Clock.Advance(TimeSpan.FromMinutes(2));
        var up = await cycle.RunAsync(CancellationToken.None);

        Assert.That(down, Is.EqualTo(new ReminderRunCounts(2, 0, 2, 0)));
        Assert.That(up, Is.EqualTo(new ReminderRunCounts(0, 2, 0, 0)));
        Assert.That(back.Received, Has.Count.EqualTo(2));
        Assert.That((await Outbox()).Select(row => row.Status), Is.All.EqualTo("sent"));
    }

    [Test]
    public async Task Claim_TakesRowsWhoseLeaseRanOutAndDueRowsOldestFirst_ABatchAtMost_NeverOneNotYetDue()
    {
        for (var i = 0; i < 4; i++)
        {
            await IssueExpiringIn(14, measure: MeasureNumber(i));
        }
        var store = App.Services.GetRequiredService<ReminderStore>();
        var start = Clock.GetUtcNow();
        await store.ScanAsync(ReminderRules.Bands(Clock.Today, new ReminderOptions().Thresholds()), Clock.Today, start,
            CancellationToken.None);
        // Retries due 1 h, 2 h, 3 h and 50 h after the scan; the one due after 1 h is claimed at 2 h, and its dispatcher dies.
        var rows = new List<Guid>();
        foreach (var hours in new[] { 1, 2, 3, 50 })
        {
            var message = (await store.ClaimAsync(1, Lease, start, start, CancellationToken.None)).Single();
            await store.RecordAsync([new Delivery(message, start, NotificationStatus.Pending, start.AddHours(hours), "421")],
                CancellationToken.None);
            rows.Add(message.Id);
        }
        var died = await store.ClaimAsync(1, Lease, start.AddHours(2), start.AddHours(2), CancellationToken.None);
        var now = start.AddHours(4);

        var first = await store.ClaimAsync(2, Lease, now, now, CancellationToken.None);
        var second = await store.ClaimAsync(2, Lease, now, now, CancellationToken.None);
        var third = await store.ClaimAsync(2, Lease, now, now, CancellationToken.None);

        Assert.That(died.Single().Id, Is.EqualTo(rows[0]));
        Assert.That(first.Select(message => message.Id), Is.EquivalentTo(new[] { rows[0], rows[1] }),
            "the row whose lease ran out and the oldest due row, two at most");
        Assert.That(second.Select(message => message.Id), Is.EqualTo(new[] { rows[2] }));
        Assert.That(third, Is.Empty, "the row due at 50 h is not due");
        Assert.That(first.Single(message => message.Id == rows[0]).Attempts, Is.EqualTo(3), "its third claim");
    }

    [Test]
    public async Task DispatcherThatDied_LeavesItsRowsToAnotherAfterTheLease()
    {
        await IssueExpiringIn(14);
        var store = App.Services.GetRequiredService<ReminderStore>();
        var bands = ReminderRules.Bands(Clock.Today, new ReminderOptions().Thresholds());
        await store.ScanAsync(bands, Clock.Today, Clock.GetUtcNow(), CancellationToken.None);
        var claimed = await store.ClaimAsync(10, Lease, Clock.GetUtcNow(), Clock.GetUtcNow(), CancellationToken.None); // and then it dies

        var whileLeased = Counts(await Run());
        Clock.Advance(Lease + TimeSpan.FromMinutes(1));
        var afterLease = Counts(await Run());

        Assert.That(claimed, Has.Count.EqualTo(1));
        Assert.That(whileLeased, Is.EqualTo((0, 0, 0, 0)));
        Assert.That(afterLease, Is.EqualTo((0, 1, 0, 0)));
        Assert.That(NewMail(), Has.Count.EqualTo(1));
        Assert.That((await Outbox()).Single().Attempts, Is.EqualTo(2), "the dead dispatcher's claim counts as an attempt");
    }

    [Test]
    public async Task ClaimWithTooLittleLeaseLeft_GoesBackToTheOutbox_SoNoOtherNodeCanTakeARowStillBeingSent()
    {
        for (var i = 0; i < 5; i++)
        {
            await IssueExpiringIn(14, measure: MeasureNumber(i));
        }
        var store = App.Services.GetRequiredService<ReminderStore>();
        var tookOver = new List<Guid>();
        var accepted = 0;
        _smtp.OnAccepted = async _ =>
        {
            switch (++accepted)
            {
                case 2:
                    // The node stalls after the second message (a pause, a slow database): 3 s of the 15-minute lease are
                    // left, less than the 5-second SMTP time-out the third message could take.
                    Clock.Advance(Lease - TimeSpan.FromSeconds(3));
                    break;
                case 3:
                    // While the mail server takes the third message, the first claim runs out and another node looks.
                    Clock.Advance(TimeSpan.FromSeconds(5));
                    tookOver.AddRange((await store.ClaimAsync(10, Lease, Clock.GetUtcNow(), Clock.GetUtcNow(), CancellationToken.None)).Select(m => m.Id));
                    break;
            }
        };

        var first = Counts(await Run());
        _smtp.OnAccepted = null;
        Clock.Advance(Lease + TimeSpan.FromMinutes(1));
        var later = Counts(await Run());

        // The three rows left went back to the outbox and came round in a fresh claim of the same run, without counting
        // as a second attempt; the other node found nothing to take over, so nothing went out twice.
        Assert.That(tookOver, Is.Empty);
        Assert.That(first, Is.EqualTo((5, 5, 0, 0)));
        Assert.That(later, Is.EqualTo((0, 0, 0, 0)));
        var mail = NewMail();
        Assert.That(mail, Has.Count.EqualTo(5));
        Assert.That(mail.Select(message => message.MessageId), Is.Unique);
        Assert.That((await Outbox()).Select(row => (row.Status, row.Attempts)), Is.All.EqualTo(("sent", 1)));
    }

    [TestCase("api")]
    [TestCase("page")]
    public async Task AdminWhoGoesAwayAfterTheMailServerTookTheMessage_LeavesItMarkedSent_NotSentAgain(string via)
    {
        await IssueExpiringIn(14);
        using var disconnect = new CancellationTokenSource();
        // The admin's browser is closed while the mail server holds its 250. CancelAsync returns once the token's
        // callbacks have run, the test host's among them, which aborts the request: the abort is signalled by then.
        _smtp.OnAccepted = async _ => await disconnect.CancelAsync();
        var (client, request) = via == "api"
            ? (Client(Tokens.Admin()), new HttpRequestMessage(HttpMethod.Post, "/api/admin/reminders/run"))
            : await RunNowButton();

        Assert.That(async () => await client.SendAsync(request, disconnect.Token), Throws.InstanceOf<OperationCanceledException>());
        var row = await Eventually.Until(async () => (await Outbox()).Single(), r => r.Status != "sending", "the row to settle");
        _smtp.OnAccepted = null;
        Clock.Advance(Lease + TimeSpan.FromHours(9)); // past the lease and any back-off
        var again = Counts(await Run());

        Assert.That(row.Status, Is.EqualTo("sent"));
        Assert.That(again, Is.EqualTo((0, 0, 0, 0)));
        Assert.That(NewMail(), Has.Count.EqualTo(1));
    }

    /// <summary>The admin page's "run now" form, as the signed-in administrator's browser posts it.</summary>
    private async Task<(HttpClient, HttpRequestMessage)> RunNowButton()
    {
        var admin = await App.SignInAsync(Roles.Admin);
        var page = await admin.GetPage("/admin");
        return (admin, new HttpRequestMessage(HttpMethod.Post, "/admin?handler=Run")
        {
            Content = new FormUrlEncodedContent([new(Pages.TokenField, Pages.AntiforgeryToken(page))]),
        });
    }

    [Test]
    public async Task TwoDispatchersOnOneDatabase_SendEveryRowExactlyOnce()
    {
        for (var i = 0; i < 24; i++)
        {
            await IssueExpiringIn(i % 15, measure: MeasureNumber(i % 7), childPnr: i < 12 ? Samples.ChildPnr : Samples.OtherChildPnr);
        }
        await using var second = new RegistryApp(_database, SmtpSettings(_smtp.Port));
        second.Clock.SetUtcNow(Clock.GetUtcNow());
        var store = App.Services.GetRequiredService<ReminderStore>();
        await store.ScanAsync(ReminderRules.Bands(Clock.Today, new ReminderOptions().Thresholds()), Clock.Today, Clock.GetUtcNow(),
            CancellationToken.None);

        var drains = await Task.WhenAll(
            App.Services.GetRequiredService<ReminderCycle>().DrainAsync(CancellationToken.None),
            second.Services.GetRequiredService<ReminderCycle>().DrainAsync(CancellationToken.None));

        var outbox = await Outbox();
        var messageIds = NewMail().Select(mail => mail.MessageId).ToList();
        Assert.That(outbox, Has.Count.EqualTo(24));
        Assert.That(drains.Sum(d => d.Sent), Is.EqualTo(24));
        Assert.That(messageIds, Is.Unique.And.Count.EqualTo(24));
        Assert.That(outbox.Select(row => row.Status), Is.All.EqualTo("sent"));
    }

    [Test]
    public async Task RetryThatFallsDueDuringARun_WaitsForTheNextRun_SoARunEnds()
    {
        await IssueExpiringIn(14, measure: MeasureNumber(0));
        await IssueExpiringIn(14, measure: MeasureNumber(1));
        _smtp.Next(SmtpFault.Reject451AtRcpt); // the first message is refused: a retry in about a minute
        _smtp.OnAccepted = _ =>
        {
            Clock.Advance(TimeSpan.FromMinutes(5)); // the second takes long enough for that retry to fall due
            return Task.CompletedTask;
        };

        var first = Counts(await Run());
        _smtp.OnAccepted = null;
        var next = Counts(await Run());

        Assert.That(first, Is.EqualTo((2, 1, 1, 0)), "the run did not go round again for the retry");
        Assert.That(next, Is.EqualTo((0, 1, 0, 0)));
        Assert.That(NewMail().Select(mail => mail.MessageId).ToList(), Is.Unique.And.Count.EqualTo(2));
    }

    [Test]
    public async Task MoreDueThanOneBatch_GoOutOverSeveralSessionsAtOnce_EachMessageOnce()
    {
        for (var i = 0; i < 24; i++)
        {
            await IssueExpiringIn(i % 15, measure: MeasureNumber(i % 7), childPnr: i < 12 ? Samples.ChildPnr : Samples.OtherChildPnr);
        }
        var connectionsBefore = _smtp.Connections;

        var run = Counts(await Run());

        // A batch is 20 rows, so more than one of the four sessions sends. How the 24 split between them depends on how
        // their claims interleave (on PostgreSQL a claim skips rows another is locking, and may take fewer than 20).
        Assert.That(run, Is.EqualTo((24, 24, 0, 0)));
        Assert.That(_smtp.Connections - connectionsBefore, Is.InRange(2, 4));
        Assert.That(NewMail().Select(mail => mail.MessageId).ToList(), Is.Unique.And.Count.EqualTo(24));
        Assert.That((await Outbox()).Select(row => (row.Status, row.Attempts)), Is.All.EqualTo(("sent", 1)));
    }

    [Test]
    public async Task Admin_ListsFailedNotifications_AndRetryingSendsThem()
    {
        var certificate = await IssueExpiringIn(14);
        _smtp.Next(SmtpFault.Reject550AtRcpt);
        await Run();
        var admin = Client(Tokens.Admin());

        using var failedList = await admin.GetAsync("/api/admin/notifications?status=failed");
        var items = (await failedList.ReadJson())["items"]!.AsArray();
        var id = items.Single()!["id"]!.GetValue<string>();
        using var retry = await admin.PostAsync($"/api/admin/notifications/{id}/retry", null);
        var retried = await retry.ReadJson();
        var afterRetry = Counts(await Run());
        using var again = await admin.PostAsync($"/api/admin/notifications/{id}/retry", null);
        using var unknown = await admin.PostAsync($"/api/admin/notifications/{Guid.NewGuid()}/retry", null);
        using var badStatus = await admin.GetAsync("/api/admin/notifications?status=lost");

        Assert.That(items.Single()!["certificateId"]!.GetValue<string>(), Is.EqualTo(certificate.ToString()));
        Assert.That(items.Single()!["guardianName"]!.GetValue<string>(), Is.EqualTo("Sara Lind"));
        Assert.That(items.Single()!["lastError"]!.GetValue<string>(), Does.Contain("550"));
        Assert.That((retry.StatusCode, retried["status"]!.GetValue<string>()), Is.EqualTo((HttpStatusCode.OK, "pending")));
        Assert.That(afterRetry, Is.EqualTo((0, 1, 0, 0)));
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(badStatus.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var audit = (await AuditRows()).Where(row => row.ActorRole == "admin").Select(row => row.Action).ToList();
        Assert.That(audit, Does.Contain("notifications.read").And.Contain("notification.retry").And.Contain("reminders.run"));
    }

    [Test]
    public async Task Guardian_ChangesEmail_AndTheNextReminderGoesThere()
    {
        await IssueExpiringIn(14);
        var guardian = Client(Tokens.Guardian());

        using var put = await guardian.PutAsJsonAsync("/api/guardians/me/contact", new { email = "sara.ny@example.se", remindersEnabled = true });
        using var get = await guardian.GetAsync("/api/guardians/me/contact");
        using var invalid = await guardian.PutAsJsonAsync("/api/guardians/me/contact", new { email = "not-an-address", remindersEnabled = true });
        using var stranger = await Client(Tokens.Guardian(Tokens.OtherGuardianPnr)).GetAsync("/api/guardians/me/contact");
        await Run();

        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await get.ReadJson()).ToJsonString(), Is.EqualTo(
            """{"email":"sara.ny@example.se","remindersEnabled":true,"emailSource":"guardian","emailSetAt":"2026-11-23T08:00:00\u002B00:00","suggestion":null}"""));
        Assert.That((await invalid.ReadJson()).ErrorFields(), Is.EqualTo(new[] { "email" }));
        Assert.That(stranger.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        // The reminder goes to the new address; the notice of the change to the old one.
        var mail = NewMail();
        Assert.That(mail.Select(message => (message.Subject!.StartsWith("Egenvårdsintyget", StringComparison.Ordinal),
                message.To.Mailboxes.Single().Address)),
            Is.EquivalentTo(new[] { (true, "sara.ny@example.se"), (false, "sara.lind@example.se") }));
    }

    [Test]
    public async Task UnsubscribeLinkFromTheMail_TurnsRemindersOff_WithoutSigningIn()
    {
        await IssueExpiringIn(14);
        await Run();
        var link = new Uri(NewMail().Single().Headers["List-Unsubscribe"]!.Trim('<', '>'));
        var anonymous = Client(null);

        using var page = await anonymous.GetAsync(link.PathAndQuery);
        var stillOn = await Count("guardians", "reminders_enabled = @on", new { on = true });
        using var oneClick = await anonymous.PostAsync(link.PathAndQuery,
            new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]));
        using var forged = await anonymous.PostAsync("/reminders/unsubscribe?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", null);
        await IssueExpiringIn(7, measure: "oxygen");
        var afterwards = Counts(await Run());

        Assert.That(link.Host, Is.EqualTo("egenvard.test"));
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await page.Content.ReadAsStringAsync(), Does.Contain("lang=\"sv\"").And.Contain("<form method=\"post\""));
        Assert.That(stillOn, Is.EqualTo(1), "opening the link changes nothing");
        Assert.That(oneClick.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await oneClick.Content.ReadAsStringAsync(), Does.Contain("Påminnelser avstängda"));
        Assert.That(forged.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await Count("guardians", "reminders_enabled = @on", new { on = true }), Is.EqualTo(0));
        Assert.That(afterwards, Is.EqualTo((0, 0, 0, 0)));
    }

    [Test]
    public async Task GuardianWhoOptsOutWhileAMessageWaitsForRetry_GetsNothing()
    {
        await IssueExpiringIn(14);
        _smtp.Next(SmtpFault.Reject421AtMail);
        await Run();

        using (var put = await Client(Tokens.Guardian()).PutAsJsonAsync("/api/guardians/me/contact",
            new { email = "sara.lind@example.se", remindersEnabled = false }))
        {
            Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
        Clock.Advance(TimeSpan.FromMinutes(5));
        await Run();

        Assert.That((await Outbox()).Single().Status, Is.EqualTo("cancelled"));
        Assert.That(NewMail(), Is.Empty);
    }

    [Test]
    public async Task EachSendIsAudited_WithTheChildsInternalId()
    {
        var id = await IssueExpiringIn(14);

        await Run();

        var send = (await AuditRows()).Single(row => row.Action == "reminder.send");
        Assert.That((send.ActorRole, send.Outcome, Guid.Parse(send.CertificateId!)), Is.EqualTo(("system", "sent", id)));
        Assert.That(send.ChildId, Is.EqualTo(await ChildId(Samples.ChildPnr)));
    }

    public sealed record OutboxRow
    {
        public string Id { get; init; } = "";
        public string CertificateId { get; init; } = "";
        public int ThresholdDays { get; init; }
        public string Status { get; init; } = "";
        public int Attempts { get; init; }
        public string? LastError { get; init; }
    }
}
