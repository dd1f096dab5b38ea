using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.Tests.Telemetry;

/// <summary>
/// The reminder counter over a real run: scan, dispatch through MailKit to a test SMTP server that fails on demand,
/// and a retry that is cancelled. The counts the counter holds are the counts the runs answered.
/// </summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class ReminderMetricsTests(Engine engine) : IntegrationTest(engine)
{
    private const string Guardian = "Sara Lind";
    private const string Email = "sara.lind@example.se";

    private FaultySmtpServer _smtp = null!;
    private TestDatabase _database = null!;
    private RegistryApp _app = null!;

    [OneTimeSetUp]
    public async Task StartHostWithSmtp()
    {
        _smtp = new FaultySmtpServer(lifetime: TimeSpan.FromMinutes(10));
        _database = await TestDatabase.CreateAsync(Engine);
        _app = new RegistryApp(_database, new Dictionary<string, string?>
        {
            ["Smtp:Host"] = "127.0.0.1",
            ["Smtp:Port"] = _smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["Smtp:From"] = "Egenvårdsregistret <noreply@egenvard.test>",
            ["Smtp:Security"] = "none",
            ["Smtp:TimeoutSeconds"] = "5",
        });
        _ = _app.Server;
    }

    [OneTimeTearDown]
    public async Task StopHost()
    {
        await _app.DisposeAsync();
        await _database.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    protected override Task<RegistryApp> HostAsync() => Task.FromResult(_app);

    [Test]
    public async Task Runs_CountEachNotificationByWhatBecameOfIt()
    {
        var children = new[] { Samples.ChildPnr, Samples.OtherChildPnr, "201304051236" };
        var certificates = new List<Guid>();
        foreach (var child in children)
        {
            certificates.Add(await IssueOk(Samples.CertificateExpiringIn(Clock.Today, 14, child)));
        }
        using var recorded = new RecordedMetrics(App.Services);
        _smtp.Next(SmtpFault.Reject421AtMail, SmtpFault.Reject550AtRcpt);

        var first = await Run();
        // The guardian turns reminders off while one waits for its retry: the retry is cancelled.
        using (var optOut = await Client(Tokens.Guardian()).PutAsJsonAsync("/api/guardians/me/contact",
            new { email = Email, remindersEnabled = false }))
        {
            Assert.That(optOut.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
        Clock.Advance(TimeSpan.FromMinutes(5));
        var second = await Run();

        Assert.That(first, Is.EqualTo((3, 1, 1, 1)));
        Assert.That(second, Is.EqualTo((0, 0, 0, 0)));
        var counted = recorded.Of("egenvard.reminders");
        Assert.That(counted.Select(m => m.Tags["kind"]), Is.All.EqualTo("reminder"));
        Assert.That(counted.GroupBy(m => m.Tags["status"]).ToDictionary(g => g.Key!, g => g.Sum(m => m.Value)),
            Is.EquivalentTo(new Dictionary<string, double> { ["queued"] = 3, ["sent"] = 1, ["retrying"] = 1, ["failed"] = 1, ["cancelled"] = 1 }));
        await using var connection = await App.Database.OpenAsync();
        var notifications = (await connection.QueryAsync<string>("SELECT CAST(id AS TEXT) FROM notifications")).ToList();
        Assert.That(notifications, Has.Count.EqualTo(3));
        var childIds = new List<string>();
        foreach (var child in children)
        {
            childIds.Add((await ChildId(child))!);
        }
        Identifiers.AssertNoneIn(recorded.All, [.. children.SelectMany(Identifiers.PersonnummerForms),
            .. Identifiers.PersonnummerForms(Tokens.GuardianPnr), .. childIds, .. certificates.Select(id => id.ToString()),
            .. notifications, Tokens.SchoolUnit, Guardian, Email]);
    }

    private async Task<(int Queued, int Sent, int Retrying, int Failed)> Run()
    {
        using var response = await Client(Tokens.Admin()).PostAsync("/api/admin/reminders/run", null);
        var run = await response.ReadJson();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), run.ToJsonString());
        return (Value(run, "queued"), Value(run, "sent"), Value(run, "retrying"), Value(run, "failed"));
    }

    private static int Value(JsonObject run, string name) => run[name]!.GetValue<int>();
}
