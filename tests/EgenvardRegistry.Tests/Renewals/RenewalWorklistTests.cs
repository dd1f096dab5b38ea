using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.Tests.Renewals;

/// <summary>
/// The care unit's renewal worklist (<c>GET /api/care-units/me/renewals</c>): which certificates it lists, days left in
/// Stockholm dates, the reminders already sent (through MailKit to a test SMTP server), open concerns and overdue
/// follow-ups. The host is the fixture's own, with that SMTP server; the clock is fake.
/// </summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class RenewalWorklistTests(Engine engine) : IntegrationTest(engine)
{
    private const string Child2 = "201603041235";
    private const string Child3 = "201407072345";
    private const string Child4 = "201809113457";

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

    /// <summary>
    /// A certificate valid for a year up to <paramref name="days"/> days from today, followed up on its last day unless
    /// <paramref name="followUpInDays"/> says otherwise (negative: the follow-up date has passed).
    /// </summary>
    private Task<Guid> IssueExpiringIn(int days, string childPnr = Samples.ChildPnr, int? followUpInDays = null,
        string careUnit = Tokens.CareUnit, string? token = null)
    {
        var until = Clock.Today.AddDays(days);
        var followUp = followUpInDays is { } inDays ? Clock.Today.AddDays(inDays) : until;
        return IssueOk(Samples.Certificate(childPnr: childPnr, validFrom: Samples.Iso(until.AddMonths(-12)), validUntil: Samples.Iso(until),
            followUpOn: Samples.Iso(followUp), careUnit: careUnit), token);
    }

    private async Task<JsonObject> Worklist(string query = "", string? token = null)
    {
        using var response = await Client(token ?? Tokens.Clinician()).GetAsync($"/api/care-units/me/renewals{query}");
        var json = await response.ReadJson();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), json.ToJsonString());
        return json;
    }

    private static JsonArray Items(JsonObject worklist) => worklist["items"]!.AsArray();

    private static IEnumerable<string> Ids(JsonObject worklist) =>
        Items(worklist).Select(item => item!["certificate"]!["id"]!.GetValue<string>());

    private static JsonNode Item(JsonObject worklist, Guid id) =>
        Items(worklist).Single(item => item!["certificate"]!["id"]!.GetValue<string>() == id.ToString())!;

    private Task<HttpResponseMessage> RecordFollowUp(Guid certificateId, object body, string? token = null, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/certificates/{certificateId}/follow-ups") { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        return Client(token ?? Tokens.Clinician()).SendAsync(request);
    }

    private async Task<JsonObject> RunReminders()
    {
        using var response = await Client(Tokens.Admin()).PostAsync("/api/admin/reminders/run", null);
        var json = await response.ReadJson();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), json.ToJsonString());
        return json;
    }

    private async Task<string> ReportConcern(Guid certificateId)
    {
        using var response = await Client(Tokens.School()).PostAsJsonAsync($"/api/certificates/{certificateId}/concerns",
            new { category = "staffing", description = "Ingen instruerad personal på fredagar.", guardiansInformed = true });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        return (await response.ReadJson())["id"]!.GetValue<string>();
    }

    [Test]
    public async Task Worklist_ListsActiveCertificatesExpiringWithinTheDays_SoonestFirst_WithASummaryAndNoIdentifiers()
    {
        var sixty = await IssueExpiringIn(60);
        var ten = await IssueExpiringIn(10, Child2);
        await IssueExpiringIn(61, Child3);
        await IssueExpiringIn(300, Child4);

        var worklist = await Worklist();

        Assert.That(Ids(worklist), Is.EqualTo(new[] { ten.ToString(), sixty.ToString() }), "60 days is within; 61 is not");
        Assert.That(worklist["nextOffset"], Is.Null);
        var first = Items(worklist)[0]!;
        Assert.That(first["daysLeft"]!.GetValue<int>(), Is.EqualTo(10));
        Assert.That(first["followUpOverdue"]!.GetValue<bool>(), Is.False);
        Assert.That(first["openConcerns"]!.GetValue<int>(), Is.EqualTo(0));
        Assert.That(first["remindersSent"]!.AsArray(), Is.Empty);
        Assert.That(first["certificate"]!.AsObject().Select(property => property.Key),
            Is.EqualTo(new[] { "id", "childName", "measures", "validFrom", "validUntil", "followUpOn" }));
        Assert.That(first["certificate"]!["childName"]!.GetValue<string>(), Is.EqualTo("Alva Lind"));
        Assert.That(first["certificate"]!["validUntil"]!.GetValue<string>(), Is.EqualTo("2026-12-03"));
        Assert.That(first["certificate"]!["followUpOn"]!.GetValue<string>(), Is.EqualTo("2026-12-03"));
        Assert.That(first["certificate"]!["measures"]!.ToJsonString(), Is.EqualTo("""[{"code":"insulin","description":null}]"""));
        Assert.That(Items(worklist)[1]!["daysLeft"]!.GetValue<int>(), Is.EqualTo(60));
        var text = worklist.ToJsonString();
        Assert.That(text, Does.Not.Contain(Child2).And.Not.Contain(Samples.ChildPnr).And.Not.Contain(Tokens.GuardianPnr)
            .And.Not.Contain("sara.lind@example.se").And.Not.Contain("Sara Lind"), "no child or guardian identifiers");
    }

    [TestCase("?withinDays=30", new[] { 10 })]
    [TestCase("?withinDays=90", new[] { 10, 60, 61 })]
    [TestCase("?withinDays=10", new[] { 10 })]
    [TestCase("?withinDays=9", new int[0])]
    [TestCase("?withinDays=400", new[] { 10, 60, 61, 300 })]
    public async Task Worklist_WithinDays_KeepsThoseExpiringWithinThatManyDays(string query, int[] daysLeft)
    {
        await IssueExpiringIn(60);
        await IssueExpiringIn(10, Child2);
        await IssueExpiringIn(61, Child3);
        await IssueExpiringIn(300, Child4);

        var worklist = await Worklist(query);

        Assert.That(Items(worklist).Select(item => item!["daysLeft"]!.GetValue<int>()), Is.EqualTo(daysLeft));
    }

    [Test]
    public async Task Worklist_LeavesOutRenewedRevokedExpiredAndOtherUnitsCertificates()
    {
        var renewed = await IssueExpiringIn(20);
        var revoked = await IssueExpiringIn(20, Child2);
        var expiring = await IssueExpiringIn(1, Child3);
        var theirs = await IssueExpiringIn(20, Child4, careUnit: Tokens.OtherCareUnit, token: Tokens.Clinician(Tokens.OtherCareUnit, "c2"));
        using var renewal = await Renew(renewed);
        using var revocation = await Revoke(revoked);
        Assert.That((renewal.StatusCode, revocation.StatusCode), Is.EqualTo((HttpStatusCode.Created, HttpStatusCode.OK)));

        var before = await Worklist();
        Clock.Advance(TimeSpan.FromDays(1));
        var onTheLastDay = await Worklist();
        Clock.Advance(TimeSpan.FromDays(1));
        var afterExpiry = await Worklist();
        var otherUnit = await Worklist(token: Tokens.Clinician(Tokens.OtherCareUnit, "c2"));

        Assert.That(Ids(before), Is.EqualTo(new[] { expiring.ToString() }), "the renewal (valid from August 2027) is not due either");
        Assert.That(Item(onTheLastDay, expiring)["daysLeft"]!.GetValue<int>(), Is.EqualTo(0));
        Assert.That(Ids(afterExpiry), Is.Empty, "an expired certificate is no longer on the list");
        Assert.That(Ids(otherUnit), Is.EqualTo(new[] { theirs.ToString() }));
    }

    [Test]
    public async Task Worklist_DaysLeft_CountsStockholmDates_AcrossTheSpringDaylightSavingChange()
    {
        var id = await IssueOk(Samples.Certificate(validFrom: "2026-08-15", validUntil: "2027-04-05", followUpOn: "2027-04-05"));
        async Task<int> DaysLeft() => Item(await Worklist(), id)["daysLeft"]!.GetValue<int>();

        Clock.SetStockholm(new DateTime(2027, 3, 27, 23, 30, 0));
        var saturdayNight = await DaysLeft();
        Clock.SetStockholm(new DateTime(2027, 3, 28, 0, 30, 0));
        var sundayMorning = await DaysLeft();
        // Sunday has 23 hours: 21:30 UTC is 23:30 summer time, 22:30 UTC already Monday 00:30.
        Clock.SetUtcNow(new DateTimeOffset(2027, 3, 28, 21, 30, 0, TimeSpan.Zero));
        var sundayNight = await DaysLeft();
        Clock.SetUtcNow(new DateTimeOffset(2027, 3, 28, 22, 30, 0, TimeSpan.Zero));
        var mondayMorning = await DaysLeft();

        Assert.That(new[] { saturdayNight, sundayMorning, sundayNight, mondayMorning }, Is.EqualTo(new[] { 9, 8, 8, 7 }));
    }

    [Test]
    public async Task Worklist_RemindersSent_ListsEachThresholdSentToTheGuardians_EarliestFirst()
    {
        var id = await IssueExpiringIn(12);
        Assert.That((await RunReminders())["sent"]!.GetValue<int>(), Is.EqualTo(1));
        var afterFirst = await Worklist();
        Clock.Advance(TimeSpan.FromDays(7));
        var second = await RunReminders();
        var afterSecond = await Worklist();

        Assert.That(second["sent"]!.GetValue<int>(), Is.EqualTo(1));
        Assert.That(_smtp.Received.Select(message => message.RcptTo.Single()), Has.Some.EqualTo("sara.lind@example.se"));
        var firstSent = Item(afterFirst, id)["remindersSent"]!.AsArray().Single()!;
        Assert.That(firstSent.AsObject().Select(property => property.Key), Is.EqualTo(new[] { "daysBefore", "sentAt", "recipients" }));
        Assert.That((firstSent["daysBefore"]!.GetValue<int>(), firstSent["sentAt"]!.GetValue<DateTimeOffset>(), firstSent["recipients"]!.GetValue<int>()),
            Is.EqualTo((14, TestClock.Reference, 1)));
        var reminders = Item(afterSecond, id)["remindersSent"]!.AsArray();
        Assert.That(reminders.Select(r => r!["daysBefore"]!.GetValue<int>()), Is.EqualTo(new[] { 14, 7 }));
        Assert.That(reminders[1]!["sentAt"]!.GetValue<DateTimeOffset>(), Is.EqualTo(TestClock.Reference.AddDays(7)));
        Assert.That(Item(afterSecond, id)["daysLeft"]!.GetValue<int>(), Is.EqualTo(5));
    }

    [Test]
    public async Task Worklist_RemindersSent_LeavesOutAReminderTheMailServerRefused()
    {
        var id = await IssueExpiringIn(12);
        _smtp.Next(SmtpFault.Reject550AtRcpt);

        var run = await RunReminders();

        Assert.That(run["failed"]!.GetValue<int>(), Is.EqualTo(1));
        Assert.That(Item(await Worklist(), id)["remindersSent"]!.AsArray(), Is.Empty);
    }

    [Test]
    public async Task Worklist_OpenConcerns_CountsTheCertificatesUnansweredConcerns()
    {
        var id = await IssueExpiringIn(20);
        var other = await IssueExpiringIn(25, Child2);
        await ReportConcern(id);
        var answered = await ReportConcern(id);
        await ReportConcern(id);
        using var answer = await Client(Tokens.Clinician()).PostAsJsonAsync($"/api/concerns/{answered}/response",
            new { text = "Vi ringer i dag.", reassessmentOn = (string?)null });
        Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var worklist = await Worklist();

        Assert.That(Item(worklist, id)["openConcerns"]!.GetValue<int>(), Is.EqualTo(2));
        Assert.That(Item(worklist, other)["openConcerns"]!.GetValue<int>(), Is.EqualTo(0));
    }

    [Test]
    public async Task Worklist_OpenRequests_CountsSchoolsOpenRequestsForTheChild_NotWithdrawnOnes()
    {
        var id = await IssueExpiringIn(20);
        var other = await IssueExpiringIn(25, Child2);
        var open = await RequestCertificate(Tokens.School());
        var withdrawn = await RequestCertificate(Tokens.School(Tokens.OtherSchoolUnit));
        using var withdrawal = await Client(Tokens.School(Tokens.OtherSchoolUnit))
            .PostAsync($"/api/certificate-requests/{withdrawn}/withdrawal", null);
        Assert.That(withdrawal.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var worklist = await Worklist();

        Assert.That(open, Is.Not.EqualTo(withdrawn));
        Assert.That(Item(worklist, id)["openRequests"]!.GetValue<int>(), Is.EqualTo(1));
        Assert.That(Item(worklist, other)["openRequests"]!.GetValue<int>(), Is.EqualTo(0));
    }

    private async Task<string> RequestCertificate(string schoolToken)
    {
        using var response = await Client(schoolToken).PostAsJsonAsync("/api/certificate-requests", new
        {
            personnummer = Samples.ChildPnr, childName = "Alva Lind", measures = new[] { "adrenaline" }, message = "Vi behöver ett intyg.",
            guardians = new[] { new { name = "Sara Lind", email = "sara.lind@example.se" } },
        });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await response.ReadJson())["id"]!.GetValue<string>();
    }

    [Test]
    public async Task Worklist_FollowUpOverdue_ListsACertificateFarFromExpiry_UntilAFollowUpIsRecorded()
    {
        var overdue = await IssueExpiringIn(200, followUpInDays: -1);
        var dueToday = await IssueExpiringIn(200, Child2, followUpInDays: 0);

        var before = await Worklist();
        using var recorded = await RecordFollowUp(overdue, new { doneOn = "2026-11-23", note = "Uppföljning på mottagningen." });
        var after = await Worklist();

        Assert.That(Ids(before), Is.EqualTo(new[] { overdue.ToString() }), "a follow-up due today is not overdue yet");
        Assert.That(Item(before, overdue)["followUpOverdue"]!.GetValue<bool>(), Is.True);
        Assert.That(Item(before, overdue)["daysLeft"]!.GetValue<int>(), Is.EqualTo(200));
        Assert.That(recorded.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(Ids(after), Is.Empty);
        Clock.Advance(TimeSpan.FromDays(1));
        Assert.That(Ids(await Worklist()), Is.EqualTo(new[] { dueToday.ToString() }), "the next day it is");
    }

    [Test]
    public async Task Worklist_AFollowUpOnAnExpiringCertificate_KeepsItListed_NoLongerOverdue()
    {
        var id = await IssueExpiringIn(20, followUpInDays: -10);
        var before = Item(await Worklist(), id)["followUpOverdue"]!.GetValue<bool>();

        using var recorded = await RecordFollowUp(id, new { doneOn = "2026-11-23" });
        var after = Item(await Worklist(), id);

        Assert.That(before, Is.True);
        Assert.That(recorded.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(after["followUpOverdue"]!.GetValue<bool>(), Is.False);
    }

    [Test]
    public async Task Worklist_SortsByDaysLeft_ThenOverdueFollowUpsFirst()
    {
        var thirty = await IssueExpiringIn(30);
        var thirtyOverdue = await IssueExpiringIn(30, Child2, followUpInDays: -1);
        var ten = await IssueExpiringIn(10, Child3);
        var overdueOnly = await IssueExpiringIn(200, Child4, followUpInDays: -1);

        var worklist = await Worklist();

        Assert.That(Ids(worklist), Is.EqualTo(new[] { ten, thirtyOverdue, thirty, overdueOnly }.Select(id => id.ToString())));
    }

    [Test]
    public async Task Worklist_IsPagedByLimitAndOffset()
    {
        var first = await IssueExpiringIn(5);
        var second = await IssueExpiringIn(6, Child2);
        var third = await IssueExpiringIn(7, Child3);

        var page1 = await Worklist("?limit=2");
        var page2 = await Worklist("?limit=2&offset=2");

        Assert.That(Ids(page1), Is.EqualTo(new[] { first.ToString(), second.ToString() }));
        Assert.That(page1["nextOffset"]!.GetValue<int>(), Is.EqualTo(2));
        Assert.That(Ids(page2), Is.EqualTo(new[] { third.ToString() }));
        Assert.That(page2["nextOffset"], Is.Null);
    }

    [Test]
    public async Task Worklist_IsAuditedOncePerCertificateShown_AndOnceWhenEmpty()
    {
        var a = await IssueExpiringIn(10);
        var b = await IssueExpiringIn(20, Child2);

        await Worklist();
        await Worklist(token: Tokens.Clinician("SE2321000016-EMPT", "c3"));

        Assert.That(await AuditCount("action = 'renewal.worklist' AND outcome = 'ok' AND actor_unit = @Unit AND certificate_id IN (@A, @B)",
            new { Unit = Tokens.CareUnit, A = a, B = b }), Is.EqualTo(2));
        Assert.That(await AuditCount("action = 'renewal.worklist' AND certificate_id IS NULL AND actor_unit = 'SE2321000016-EMPT'"),
            Is.EqualTo(1), "an empty worklist still records that the clinician looked");
        var events = (await AuditRows()).Where(row => row.Action == "renewal.worklist" && row.CertificateId == a.ToString()).ToList();
        Assert.That(events.Single().ChildId, Is.EqualTo(await ChildId(Samples.ChildPnr)));
    }

    [TestCase("?withinDays=0", "withinDays")]
    [TestCase("?withinDays=401", "withinDays")]
    [TestCase("?withinDays=-5", "withinDays")]
    [TestCase("?withinDays=abc", "withinDays")]
    [TestCase("?withinDays=1.5", "withinDays")]
    [TestCase("?limit=0", "limit")]
    [TestCase("?limit=501", "limit")]
    [TestCase("?offset=-1", "offset")]
    public async Task Worklist_BadQuery_Is400WithTheField_AndAuditsNothing(string query, string field)
    {
        await IssueExpiringIn(10);
        var before = await AuditCount();

        using var response = await Client(Tokens.Clinician()).GetAsync($"/api/care-units/me/renewals{query}");
        var problem = await response.ReadJson();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), problem.ToJsonString());
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(problem.ErrorFields(), Is.EqualTo(new[] { field }));
        Assert.That(await AuditCount(), Is.EqualTo(before));
    }

    [TestCase("?withinDays=1")]
    [TestCase("?withinDays=400&limit=500&offset=0")]
    [TestCase("?withinDays=")]
    public async Task Worklist_EdgeValues_AreAccepted(string query)
    {
        using var response = await Client(Tokens.Clinician()).GetAsync($"/api/care-units/me/renewals{query}");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [TestCase("school")]
    [TestCase("guardian")]
    [TestCase("admin")]
    public async Task Worklist_ByAnotherRole_Is403(string role)
    {
        var token = role switch { "school" => Tokens.School(), "guardian" => Tokens.Guardian(), _ => Tokens.Admin() };

        using var response = await Client(token).GetAsync("/api/care-units/me/renewals");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [TestCase("/api/care-units/me/renewals", "get", "ListRenewals", new[] { "200", "400", "401", "403" }, false)]
    [TestCase("/api/certificates/{id}/follow-ups", "post", "RecordFollowUp", new[] { "201", "400", "403", "404", "409", "422" }, true)]
    [TestCase("/api/certificates/{id}/follow-ups", "get", "ListFollowUps", new[] { "200", "403", "404" }, false)]
    public async Task OpenApi_DocumentsEachRenewalEndpoint(string path, string method, string operationId, string[] statuses, bool idempotent)
    {
        using var response = await Client(null).GetAsync("/openapi/v1.json");
        var operation = (await response.ReadJson())["paths"]![path]![method]!;

        Assert.That(operation["operationId"]!.GetValue<string>(), Is.EqualTo(operationId));
        Assert.That(operation["tags"]!.AsArray().Select(tag => tag!.GetValue<string>()), Is.EqualTo(new[] { "Renewals" }));
        Assert.That(operation["responses"]!.AsObject().Select(r => r.Key), Is.SupersetOf(statuses));
        var parameters = operation["parameters"]?.AsArray().Select(p => p!["name"]!.GetValue<string>()).ToList() ?? [];
        Assert.That(parameters.Contains("Idempotency-Key"), Is.EqualTo(idempotent));
        if (method == "get" && operationId == "ListRenewals")
        {
            Assert.That(parameters, Is.SupersetOf(new[] { "withinDays", "limit", "offset" }));
        }
    }
}
