using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.Tests.Drills;

/// <summary>
/// The reminder outbox under faults, with the real dispatcher (Hangfire's recurring dispatch every second, and the
/// administrators' run) sending through MailKit to a real SMTP server (aiosmtpd) of the drill's own: a node killed
/// mid-dispatch loses nothing and re-sends only what was in flight, and a mail server that is down for a while gets
/// every message once it is back, none twice.
/// </summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class OutboxDrills(Engine engine) : Drill(engine)
{
    /// <summary>A short lease that a whole batch of SMTP time-outs fits in (5 × 2 s < 12 s), and short back-offs.</summary>
    private static readonly IReadOnlyDictionary<string, string> ShortOutbox = new Dictionary<string, string>
    {
        ["Reminders:SchedulerEnabled"] = "true",
        ["Reminders:DispatchCron"] = "* * * * * *",
        ["Reminders:BatchSize"] = "5",
        ["Reminders:Lease"] = "00:00:12",
        ["Reminders:FirstRetryDelay"] = "00:00:01",
        ["Reminders:MaxRetryDelay"] = "00:00:02",
    };

    private const int SmtpTimeoutSeconds = 2;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Test]
    public async Task KillDuringADispatchOf500_Restart_DeliversEveryMessage_ResendingOnlyWhatWasInFlight()
    {
        const int certificates = 250; // two guardians each: 500 messages
        var database = await DatabaseAsync();
        var smtp = Keep(await SmtpSinkProcess.CreateAsync(Folder));
        var settings = Merge(RegistryProcess.BaseSettings(database, Folder), smtp.Settings(SmtpTimeoutSeconds), ShortOutbox);
        var first = await StartAsync(settings);
        await IssueExpiringAsync(first, certificates);

        // The administrators' run queues the 500 and drains them, alongside the scheduled dispatch; kill -9 a third in.
        using var admin = first.Client(Tokens.Admin(), TimeSpan.FromMinutes(2));
        var run = admin.PostAsync(new Uri("/api/admin/reminders/run", UriKind.Relative), null);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        // Killed while a batch is claimed, so there is something in flight to re-send.
        while (smtp.Count < 150 || await Scalar<long>(database, "SELECT COUNT(*) FROM notifications WHERE status = 'sending'") == 0)
        {
            Assert.That(waited.Elapsed, Is.LessThan(Patience), $"the dispatch got to {smtp.Count} messages\n{first.Output}");
            Assert.That(run.IsCompleted, Is.False, () => $"the run ended before the kill: {run.Result.StatusCode}");
            await Task.Delay(5);
        }
        first.Kill();
        Assert.That(async () => await run, Throws.InstanceOf<HttpRequestException>(), "the run died with the process");

        var atKill = await Outbox(database);
        var inFlight = atKill.Where(row => row.Status == "sending").ToList();
        Assert.That(atKill, Has.Count.EqualTo(2 * certificates), "the scan queued one message per certificate and guardian");
        Assert.That(atKill.Count(row => row.Status == "sent"), Is.LessThan(atKill.Count), "killed mid-dispatch");
        Assert.That(inFlight, Is.Not.Empty, "rows were claimed and in flight at the kill");
        Assert.That(atKill.Where(row => row.Status is not ("sent" or "sending" or "pending")), Is.Empty);

        var restartedAt = DateTime.UtcNow;
        var second = await StartAsync(settings);
        var after = await Until(() => Outbox(database), rows => rows.All(row => row.Status == "sent"), second, Patience,
            "every message sent after the restart");
        // What the server took from the killed node: written before the second node started, which sends nothing until
        // it is up. (A snapshot of the Maildir at the kill could miss a message whose last byte was already sent.)
        var deliveredAtKill = smtp.Deliveries().Where(delivery => delivery.WrittenAt < restartedAt)
            .Select(delivery => delivery.MessageId).ToHashSet();

        var delivered = smtp.MessageIds();
        var expected = after.ToDictionary(row => MessageId(row.Id));
        var perMessage = delivered.GroupBy(id => id).ToDictionary(group => group.Key, group => group.Count());
        var lost = expected.Keys.Where(id => !perMessage.ContainsKey(id)).ToList();
        var duplicated = perMessage.Where(entry => entry.Value > 1).Select(entry => entry.Key).ToList();
        var duplicates = perMessage.Values.Sum(count => count - 1);
        var inFlightIds = inFlight.Select(row => MessageId(row.Id)).ToHashSet();
        Report("kill -9 during dispatch", expected.Count, perMessage.Count(entry => expected.ContainsKey(entry.Key)), lost.Count,
            duplicates, inFlight.Count);

        Assert.Multiple(() =>
        {
            Assert.That(lost, Is.Empty, "messages never delivered");
            Assert.That(perMessage.Keys.Where(id => !expected.ContainsKey(id)), Is.Empty, "mail that no outbox row explains");
            Assert.That(perMessage.Values, Has.All.LessThanOrEqualTo(2), "no message more than twice");
            // A duplicate is a row that was in flight at the kill: the server took its mail, the node died before recording it.
            var statusAtKill = atKill.ToDictionary(row => MessageId(row.Id), row => row.Status);
            Assert.That(duplicated, Is.SubsetOf(inFlightIds),
                () => "duplicates of rows not in flight at the kill: "
                    + string.Join(", ", duplicated.Where(id => !inFlightIds.Contains(id)).Select(id => $"{id} ({statusAtKill[id]} at the kill, "
                        + (deliveredAtKill.Contains(id) ? "delivered" : "not delivered") + " by then)"))
                    + "\nthe killed node said:\n"
                    + string.Join('\n', first.Output.Split('\n').Where(line => line.Contains("lease", StringComparison.OrdinalIgnoreCase)).Take(20)));
            Assert.That(duplicated.Where(deliveredAtKill.Contains), Is.EquivalentTo(inFlightIds.Where(deliveredAtKill.Contains)),
                "every in-flight row whose mail the server had taken by the kill went out again");
            Assert.That(duplicates, Is.LessThanOrEqualTo(inFlight.Count));
            foreach (var row in inFlight)
            {
                var resent = after.Single(candidate => candidate.Id == row.Id);
                Assert.That(resent.SentAt, Is.GreaterThanOrEqualTo(row.LeaseUntil!.Value), $"row {row.Id} taken over only when its lease ran out");
                Assert.That(resent.Attempts, Is.EqualTo(row.Attempts + 1), $"row {row.Id} claimed once more, by the restarted node");
            }
        });
    }

    [Test]
    public async Task SmtpServerDownPastTheFirstBackOffs_EveryMessageDeliveredOnceItIsBack_NoneTwice()
    {
        const int certificates = 10;
        var database = await DatabaseAsync();
        var smtp = Keep(await SmtpSinkProcess.CreateAsync(Folder, running: false));
        var service = await StartAsync(Merge(RegistryProcess.BaseSettings(database, Folder), smtp.Settings(SmtpTimeoutSeconds), ShortOutbox));
        await IssueExpiringAsync(service, certificates);

        using var admin = service.Client(Tokens.Admin());
        using var run = await admin.PostAsync(new Uri("/api/admin/reminders/run", UriKind.Relative), null);
        var counts = await run.ReadJson();
        Assert.That(run.StatusCode, Is.EqualTo(HttpStatusCode.OK), counts.ToJsonString());
        Assert.That(counts["queued"]!.GetValue<int>(), Is.EqualTo(2 * certificates));
        Assert.That(counts["sent"]!.GetValue<int>(), Is.Zero, "nothing gets through while the server is down");

        // Refused on the first attempt and on at least two retries after it, then the server comes back.
        var refused = await Until(() => Outbox(database),
            rows => rows.All(row => row.Attempts >= 3 && row.Status is "pending" or "sending"), service, Patience,
            "three refused attempts of every message");
        Assert.That(refused.Where(row => row.Status is "failed" or "sent"), Is.Empty);
        Assert.That(smtp.Count, Is.Zero);
        await smtp.StartAsync();

        var after = await Until(() => Outbox(database), rows => rows.All(row => row.Status == "sent"), service, Patience,
            "every message sent once the server is back");
        var perMessage = smtp.MessageIds().GroupBy(id => id).ToDictionary(group => group.Key, group => group.Count());
        var expected = after.Select(row => MessageId(row.Id)).ToList();
        var lost = expected.Count(id => !perMessage.ContainsKey(id));
        Report("SMTP down past the first back-offs", expected.Count, perMessage.Count, lost, perMessage.Values.Sum(count => count - 1), null,
            $"{after.Min(row => row.Attempts)}–{after.Max(row => row.Attempts)} attempts");

        Assert.That(perMessage, Is.EquivalentTo(expected.ToDictionary(id => id, _ => 1)), "each message delivered exactly once");
    }

    /// <summary>Certificates expiring 10 days from today (a 14-day reminder), each with two guardians, by four clinicians at once.</summary>
    private static async Task IssueExpiringAsync(RegistryProcess service, int count)
    {
        var today = StockholmToday;
        var next = -1;
        async Task Clinician()
        {
            using var client = service.Client(Tokens.Clinician());
            while (Interlocked.Increment(ref next) < count)
            {
                var body = Samples.CertificateExpiringIn(today, 10);
                body["guardians"]!.AsArray().Add(new JsonObject
                {
                    ["personnummer"] = Tokens.OtherGuardianPnr, ["name"] = "Olle Lind", ["email"] = "olle.lind@example.se",
                });
                using var response = await client.PostAsJsonAsync("/api/certificates", body);
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
            }
        }
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Clinician()));
    }

    private static string MessageId(Guid notification) => $"notification-{notification:N}@egenvard.test";

    private static Task<List<OutboxRow>> Outbox(TestDatabase database) =>
        Query<OutboxRow>(database, "SELECT id, status, attempts, lease_until, sent_at FROM notifications");

    private sealed class OutboxRow
    {
        public Guid Id { get; set; }
        public string Status { get; set; } = "";
        public long Attempts { get; set; }
        public DateTimeOffset? LeaseUntil { get; set; }
        public DateTimeOffset? SentAt { get; set; }

        public override string ToString() => $"{Status}/{Attempts}";
    }
}
