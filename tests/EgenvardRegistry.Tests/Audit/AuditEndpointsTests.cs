using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.Tests.Audit;

[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class AuditEndpointsTests(Engine engine) : IntegrationTest(engine)
{
    private static readonly DateTimeOffset At0800 = TestClock.Reference;

    private async Task<JsonObject> ListOk(string query = "")
    {
        using var response = await Client(Tokens.Admin()).GetAsync($"/api/admin/audit{query}");
        var json = await response.ReadJson();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), json.ToJsonString());
        Assert.That(response.Headers.CacheControl!.NoStore, Is.True);
        return json;
    }

    private async Task<JsonObject> SearchOk(object body)
    {
        using var response = await Client(Tokens.Admin()).PostAsJsonAsync("/api/admin/audit/search", body);
        var json = await response.ReadJson();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), json.ToJsonString());
        return json;
    }

    private async Task ReadAs(string token, Guid certificate)
    {
        using var response = await Client(token).GetAsync($"/api/certificates/{certificate}");
    }

    private static JsonArray Items(JsonObject page) => page["items"]!.AsArray();

    private static IReadOnlyList<string> Actions(JsonObject page) => [.. Items(page).Select(item => item!["action"]!.GetValue<string>())];

    private static IReadOnlyList<long> EventIds(JsonObject page) => [.. Items(page).Select(item => item!["id"]!.GetValue<long>())];

    private static IReadOnlyList<DateTimeOffset> Times(JsonObject page) =>
        [.. Items(page).Select(item => DateTimeOffset.Parse(item!["occurredAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture))];

    [Test]
    public async Task List_ByCertificate_ReturnsThatCertificatesEventsNewestFirst()
    {
        var alva = await IssueOk();
        var other = await IssueOk(Samples.Certificate(childPnr: Samples.OtherChildPnr));
        Clock.SetUtcNow(At0800.AddHours(1));
        await ReadAs(Tokens.Clinician(), alva);
        await ReadAs(Tokens.Clinician(), other);
        Clock.SetUtcNow(At0800.AddHours(2));
        await ReadAs(Tokens.Clinician(Tokens.OtherCareUnit, "clinician-2"), alva);

        var page = await ListOk($"?certificateId={alva}");

        Assert.That(Actions(page), Is.EqualTo(new[] { "certificate.read", "certificate.read", "certificate.issue" }));
        Assert.That(Times(page), Is.EqualTo(new[] { At0800.AddHours(2), At0800.AddHours(1), At0800 }));
        Assert.That(EventIds(page), Is.Ordered.Descending);
        Assert.That(NextBefore(page), Is.Null);
        var denied = Items(page)[0]!;
        Assert.That(denied["actorRole"]!.GetValue<string>(), Is.EqualTo("clinician"));
        Assert.That(denied["actorId"]!.GetValue<string>(), Is.EqualTo("clinician-2"));
        Assert.That(denied["actorUnit"]!.GetValue<string>(), Is.EqualTo(Tokens.OtherCareUnit));
        Assert.That(denied["outcome"]!.GetValue<string>(), Is.EqualTo("denied"));
        Assert.That(denied["certificateId"]!.GetValue<string>(), Is.EqualTo(alva.ToString()));
        Assert.That(denied["childId"]!.GetValue<string>(), Is.EqualTo(await ChildId(Samples.ChildPnr)));
        Assert.That(denied.AsObject().Select(field => field.Key), Is.EquivalentTo(new[]
        {
            "id", "occurredAt", "actorRole", "actorId", "actorUnit", "action", "certificateId", "childId", "outcome", "detail",
        }));
    }

    // The lists without a certificate take every event in the window, other tests' included: a database of its own.
    [Test, FreshDatabase]
    public async Task List_TimeRange_IncludesFromAndExcludesTo()
    {
        var alva = await IssueOk();
        foreach (var hours in new[] { 1, 2, 3 })
        {
            Clock.SetUtcNow(At0800.AddHours(hours));
            await ReadAs(Tokens.Clinician(), alva);
        }

        var utc = await ListOk($"?certificateId={alva}&from=2026-11-23T09:00:00Z&to=2026-11-23T11:00:00Z");
        // The same window written in Stockholm time; the first list's own audit.read (at 11:00Z) falls on the excluded end.
        var offset = await ListOk("?from=2026-11-23T10:00:00%2B01:00&to=2026-11-23T12:00:00%2B01:00");
        var openEnded = await ListOk("?from=2026-11-23T10:00:00Z");

        Assert.That(Times(utc), Is.EqualTo(new[] { At0800.AddHours(2), At0800.AddHours(1) }));
        Assert.That(Times(offset), Is.EqualTo(new[] { At0800.AddHours(2), At0800.AddHours(1) }));
        Assert.That(Actions(offset), Is.EqualTo(new[] { "certificate.read", "certificate.read" }));
        Assert.That(Times(openEnded), Is.EqualTo(new[] { At0800.AddHours(3), At0800.AddHours(3), At0800.AddHours(3), At0800.AddHours(2) }));
        Assert.That(Actions(openEnded), Is.EqualTo(new[] { "audit.read", "audit.read", "certificate.read", "certificate.read" }));
    }

    [Test]
    public async Task List_PagesThroughEveryEvent_WithoutDuplicatesOrGaps()
    {
        var alva = await IssueOk();
        var other = await IssueOk(Samples.Certificate(childPnr: Samples.OtherChildPnr));
        for (var i = 0; i < 5; i++)
        {
            Clock.Advance(TimeSpan.FromMinutes(1));
            await ReadAs(Tokens.Clinician(), alva);
            await ReadAs(Tokens.Clinician(), other);
        }

        var pages = new List<JsonObject> { await ListOk($"?certificateId={alva}&limit=2") };
        while (NextBefore(pages[^1]) is { } next)
        {
            Assert.That(pages, Has.Count.LessThan(10), "paging must end");
            pages.Add(await ListOk($"?certificateId={alva}&limit=2&before={next}"));
        }

        var expected = (await AuditRows())
            .Where(row => row.CertificateId == alva.ToString() && row.Action != "audit.read")
            .Select(row => row.Id).Reverse().ToList();
        Assert.That(expected, Has.Count.EqualTo(6));
        Assert.That(pages.Select(page => EventIds(page).Count), Is.EqualTo(new[] { 2, 2, 2 }), "a full last page says there is no next");
        Assert.That(pages.SelectMany(EventIds), Is.EqualTo(expected));
        Assert.That(pages.Take(2).Select(NextBefore), Is.EqualTo(pages.Take(2).Select(page => (long?)EventIds(page)[^1])));
    }

    [Test, FreshDatabase]
    public async Task List_WithoutFilters_ReturnsEveryEventNewestFirst_AndDefaultsTo100()
    {
        var alva = await IssueOk();
        var other = await IssueOk(Samples.Certificate(childPnr: Samples.OtherChildPnr));
        for (var i = 0; i < 110; i++)
        {
            await ReadAs(Tokens.Clinician(), other);
        }

        var first = await ListOk();
        var second = await ListOk($"?before={NextBefore(first)}");

        Assert.That(Items(first), Has.Count.EqualTo(100));
        Assert.That(Items(second), Has.Count.EqualTo(12));
        Assert.That(NextBefore(second), Is.Null);
        Assert.That(Items(second)[^1]!["certificateId"]!.GetValue<string>(), Is.EqualTo(alva.ToString()));
        Assert.That(Actions(second).TakeLast(2), Is.EqualTo(new[] { "certificate.issue", "certificate.issue" }));
    }

    [Test]
    public async Task List_IsItselfAudited_WithTheCertificateAndChild()
    {
        var alva = await IssueOk();
        Clock.Advance(TimeSpan.FromMinutes(3));

        await ListOk($"?certificateId={alva}");
        var again = await ListOk($"?certificateId={alva}");
        await ListOk("?from=2026-11-01T00:00:00Z");

        var reads = (await AuditRows()).Where(row => row.Action == "audit.read").ToList();
        Assert.That(reads, Has.Count.EqualTo(3));
        Assert.That(reads[0].ActorRole, Is.EqualTo("admin"));
        Assert.That(reads[0].ActorId, Is.EqualTo("admin-1"));
        Assert.That(reads[0].ActorUnit, Is.Null);
        Assert.That(reads[0].Outcome, Is.EqualTo("ok"));
        Assert.That(Guid.Parse(reads[0].CertificateId!), Is.EqualTo(alva));
        Assert.That(reads[0].ChildId, Is.EqualTo(await ChildId(Samples.ChildPnr)));
        Assert.That(reads[2].CertificateId, Is.Null, "a list not naming a certificate names none");
        Assert.That(reads[2].ChildId, Is.Null);
        Assert.That(Actions(again), Is.EqualTo(new[] { "audit.read", "certificate.issue" }), "the earlier read shows in the log");
        Assert.That(Times(again)[0], Is.EqualTo(At0800.AddMinutes(3)));
    }

    [TestCase("certificateId=not-a-guid", "certificateId")]
    [TestCase("from=yesterday", "from")]
    [TestCase("from=2026-11-23T08:00:00", "from")]
    [TestCase("from=2026-11-23", "from")]
    [TestCase("to=2026-11-23T09:00:00+01:00", "to")]
    [TestCase("to=2026-13-01T00:00:00Z", "to")]
    [TestCase("from=2026-11-23T09:00:00Z&to=2026-11-23T09:00:00Z", "to")]
    [TestCase("from=2026-11-23T10:00:00Z&to=2026-11-23T09:00:00Z", "to")]
    [TestCase("limit=0", "limit")]
    [TestCase("limit=501", "limit")]
    [TestCase("limit=-1", "limit")]
    [TestCase("limit=ten", "limit")]
    [TestCase("limit=99999999999", "limit")]
    [TestCase("before=0", "before")]
    [TestCase("before=abc", "before")]
    public async Task List_BadQuery_Returns400WithTheFieldInErrors_AndAuditsNothing(string query, string field)
    {
        using var response = await Client(Tokens.Admin()).GetAsync($"/api/admin/audit?{query}");
        var problem = await response.ReadJson();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(problem.ErrorFields(), Is.EqualTo(new[] { field }));
        Assert.That(await AuditCount(), Is.EqualTo(0));
    }

    [Test]
    public async Task List_SeveralBadValues_ReportsEachField()
    {
        using var response = await Client(Tokens.Admin()).GetAsync("/api/admin/audit?certificateId=x&from=x&limit=0&before=-1");
        var problem = await response.ReadJson();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(problem.ErrorFields(), Is.EquivalentTo(new[] { "certificateId", "from", "limit", "before" }));
    }

    [Test]
    public async Task Search_ByPersonnummer_ReturnsThatChildsEventsNewestFirst()
    {
        var insulin = await IssueOk();
        var adrenaline = await IssueOk(Samples.Certificate(measures: "adrenaline"));
        var other = await IssueOk(Samples.Certificate(childPnr: Samples.OtherChildPnr));
        Clock.Advance(TimeSpan.FromHours(1));
        await Verify(Samples.ChildPnr, "insulin");
        await Verify(Samples.OtherChildPnr, "insulin");
        Clock.Advance(TimeSpan.FromHours(1));
        await ReadAs(Tokens.Clinician(), adrenaline);
        await ReadAs(Tokens.Clinician(), other);

        var page = await SearchOk(new { personnummer = "150312-2382" });

        var childId = await ChildId(Samples.ChildPnr);
        Assert.That(Actions(page), Is.EqualTo(new[] { "certificate.read", "verification", "certificate.issue", "certificate.issue" }));
        Assert.That(Items(page).Select(item => item!["childId"]!.GetValue<string>()), Is.All.EqualTo(childId));
        Assert.That(Items(page).Select(item => item!["certificateId"]!.GetValue<string>()),
            Is.EqualTo(new[] { adrenaline, insulin, adrenaline, insulin }.Select(id => id.ToString())));
        Assert.That(Times(page), Is.EqualTo(new[] { At0800.AddHours(2), At0800.AddHours(1), At0800, At0800 }));
        Assert.That(NextBefore(page), Is.Null);
    }

    [Test]
    public async Task Search_PagesWithLimitAndBefore()
    {
        await IssueOk();
        for (var i = 0; i < 4; i++)
        {
            await Verify(Samples.ChildPnr, "insulin");
        }

        var first = await SearchOk(new { personnummer = Samples.ChildPnr, limit = 3 });
        var second = await SearchOk(new { personnummer = Samples.ChildPnr, limit = 3, before = NextBefore(first) });

        Assert.That(EventIds(first), Has.Count.EqualTo(3));
        Assert.That(Actions(second), Is.EqualTo(new[] { "verification", "certificate.issue" }));
        Assert.That(NextBefore(second), Is.Null);
        Assert.That(EventIds(first).Concat(EventIds(second)), Is.Unique.And.Ordered.Descending);
    }

    [Test]
    public async Task Search_UnknownChild_ReturnsAnEmptyList_AndTheSearchIsAudited()
    {
        await IssueOk();

        var page = await SearchOk(new { personnummer = Samples.OtherChildPnr });

        Assert.That(Items(page), Is.Empty);
        Assert.That(NextBefore(page), Is.Null);
        var search = (await AuditRows()).Single(row => row.Action == "audit.search");
        Assert.That(search.ActorId, Is.EqualTo("admin-1"));
        Assert.That(search.ChildId, Is.Null);
    }

    [Test]
    public async Task Search_IsAuditedWithTheChildId_NeverThePersonnummer()
    {
        await IssueOk();

        await SearchOk(new { personnummer = Samples.ChildPnr });
        var again = await SearchOk(new { personnummer = Samples.ChildPnr });

        var search = (await AuditRows()).First(row => row.Action == "audit.search");
        Assert.That(search.ChildId, Is.EqualTo(await ChildId(Samples.ChildPnr)));
        Assert.That(search.CertificateId, Is.Null);
        Assert.That(string.Join("|", await AuditRows()), Does.Not.Contain(Samples.ChildPnr));
        Assert.That(Actions(again), Is.EqualTo(new[] { "audit.search", "certificate.issue" }));
    }

    [TestCase("{\"personnummer\": \"201503122383\"}", "personnummer")]
    [TestCase("{\"personnummer\": \"20150312\"}", "personnummer")]
    [TestCase("{}", "personnummer")]
    [TestCase("{\"personnummer\": \"201503122382\", \"limit\": 0}", "limit")]
    [TestCase("{\"personnummer\": \"201503122382\", \"limit\": 501}", "limit")]
    [TestCase("{\"personnummer\": \"201503122382\", \"before\": -5}", "before")]
    [TestCase("{\"personnummer\": \"201503122382\", \"limit\": \"ten\"}", "limit")]
    [TestCase("{\"personnummer\": 201503122382}", "personnummer")]
    public async Task Search_BadBody_Returns400WithTheField_NeverEchoingThePersonnummer(string body, string field)
    {
        await IssueOk();
        App.Logs.Clear();

        using var response = await Client(Tokens.Admin()).PostAsync("/api/admin/audit/search",
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), text);
        Assert.That(System.Text.Json.Nodes.JsonNode.Parse(text)!.AsObject().ErrorFields(), Is.EqualTo(new[] { field }));
        Assert.That(text, Does.Not.Contain("20150312"));
        Assert.That(App.Logs.Lines.Where(line => line.Contains("20150312", StringComparison.Ordinal)), Is.Empty);
        Assert.That(await AuditCount("action = 'audit.search'"), Is.EqualTo(0));
    }

    [Test]
    public async Task Search_LogsNoPersonnummer()
    {
        await IssueOk();
        App.Logs.Clear();

        await SearchOk(new { personnummer = Samples.ChildPnr });
        await SearchOk(new { personnummer = "170102-2384" });

        string[] forms = ["201503122382", "1503122382", "20150312-2382", "150312-2382", "201701022384", "1701022384", "170102-2384"];
        Assert.That(App.Logs.Lines, Has.Count.GreaterThan(5), "the capture sees the application's logging");
        Assert.That(App.Logs.Lines.Where(line => forms.Any(form => line.Contains(form, StringComparison.Ordinal))), Is.Empty);
    }

    [Test]
    public async Task AdminRoutes_ForOtherRoles_Return403_AndWithoutToken401()
    {
        var alva = await IssueOk();
        var statuses = new List<HttpStatusCode>();
        foreach (var token in new[] { Tokens.Clinician(), Tokens.School(), Tokens.Guardian(), null })
        {
            using var list = await Client(token).GetAsync($"/api/admin/audit?certificateId={alva}");
            using var search = await Client(token).PostAsJsonAsync("/api/admin/audit/search", new { personnummer = Samples.ChildPnr });
            statuses.Add(list.StatusCode);
            statuses.Add(search.StatusCode);
        }

        Assert.That(statuses, Is.EqualTo(new[]
        {
            HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden,
            HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized,
        }));
        Assert.That(await AuditCount("action LIKE 'audit.%'"), Is.EqualTo(0));
    }

    [Test]
    public async Task OpenApiDocument_NamesTheAuditOperations()
    {
        using var response = await Client(null).GetAsync("/openapi/v1.json");
        var paths = (await response.ReadJson())["paths"]!;

        Assert.That(paths["/api/admin/audit"]!["get"]!["operationId"]!.GetValue<string>(), Is.EqualTo("ListAuditEvents"));
        Assert.That(paths["/api/admin/audit/search"]!["post"]!["operationId"]!.GetValue<string>(), Is.EqualTo("SearchAuditEvents"));
        Assert.That(paths["/api/guardians/me/access-log"]!["get"]!["operationId"]!.GetValue<string>(), Is.EqualTo("ListAccessLog"));
        Assert.That(paths["/api/admin/audit"]!["get"]!["responses"]!.AsObject().Select(r => r.Key),
            Is.SupersetOf(new[] { "200", "400", "401", "403" }));
    }
}
