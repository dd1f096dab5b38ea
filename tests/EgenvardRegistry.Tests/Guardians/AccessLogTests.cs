using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.Tests.Guardians;

/// <summary>A guardian may ask which units read their children's data, and when (Patientdatalagen).</summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class AccessLogTests(Engine engine) : IntegrationTest(engine)
{
    private const string SiblingPnr = "201304051236";

    private static DateTimeOffset At(double hoursAfterEight) => TestClock.Reference.AddHours(hoursAfterEight);

    private sealed record Certificates(Guid Alva, Guid Sibling, Guid Other);

    /// <summary>
    /// The caller (guardian of Alva and her sibling) and another guardian's child, read in every way the registry
    /// records: by schools, clinicians, an admin and guardians, refused and not found.
    /// </summary>
    private async Task<Certificates> Scenario()
    {
        var alva = await IssueOk();
        var sibling = await IssueOk(Samples.Certificate(childPnr: SiblingPnr, measures: "adrenaline"));
        var other = await IssueOk(Samples.Certificate(childPnr: Samples.OtherChildPnr, guardianPnr: Tokens.OtherGuardianPnr));
        Clock.SetUtcNow(At(1));
        await Verify(Samples.ChildPnr, "insulin");
        Clock.SetUtcNow(At(1.5));
        await Verify(Samples.ChildPnr, "insulin", Tokens.OtherSchoolUnit);
        Clock.SetUtcNow(At(2));
        await Read(Tokens.Clinician(Tokens.OtherCareUnit, "clinician-2"), alva);
        await Read(Tokens.Clinician(), Guid.NewGuid());
        Clock.SetUtcNow(At(2.5));
        await Read(Tokens.Guardian(), alva);
        (await Client(Tokens.Guardian()).GetAsync("/api/guardians/me/certificates")).Dispose();
        Clock.SetUtcNow(At(3));
        await Read(Tokens.Clinician(), sibling);
        Clock.SetUtcNow(At(4));
        await Verify(Samples.OtherChildPnr, "insulin");
        await Read(Tokens.Clinician(), other);
        Clock.SetUtcNow(At(5));
        (await Client(Tokens.Admin()).GetAsync($"/api/admin/audit?certificateId={alva}")).Dispose();
        Clock.SetUtcNow(At(6));
        (await Client(Tokens.School()).GetAsync("/api/schools/me/certificates")).Dispose();
        Clock.SetUtcNow(At(7));
        return new Certificates(alva, sibling, other);
    }

    private async Task Read(string token, Guid certificate) =>
        (await Client(token).GetAsync($"/api/certificates/{certificate}")).Dispose();

    private async Task<JsonObject> AccessLog(string query = "", string guardianPnr = Tokens.GuardianPnr)
    {
        using var response = await Client(Tokens.Guardian(guardianPnr)).GetAsync($"/api/guardians/me/access-log{query}");
        var json = await response.ReadJson();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), json.ToJsonString());
        Assert.That(response.Headers.CacheControl!.NoStore, Is.True);
        return json;
    }

    private static JsonArray Items(JsonObject page) => page["items"]!.AsArray();

    private static (DateTimeOffset At, string Role, string? Unit, string Action) Line(JsonNode? item) => (
        DateTimeOffset.Parse(item!["occurredAt"]!.GetValue<string>(), CultureInfo.InvariantCulture),
        item["actorRole"]!.GetValue<string>(),
        item["unit"]?.GetValue<string>(),
        item["action"]!.GetValue<string>());

    private static string? CertificateOf(JsonNode? item) => item!["certificateId"]?.GetValue<string>();

    [Test]
    public async Task AccessLog_ShowsStaffReadsOfTheChildrensData_WithUnitAndTime_NewestFirst()
    {
        var certificates = await Scenario();

        var items = Items(await AccessLog());

        Assert.That(items.Select(Line), Is.EqualTo(new (DateTimeOffset, string, string?, string)[]
        {
            (At(6), "school", Tokens.SchoolUnit, "school.list"),
            (At(6), "school", Tokens.SchoolUnit, "school.list"),
            (At(5), "admin", null, "audit.read"),
            (At(3), "clinician", Tokens.CareUnit, "certificate.read"),
            (At(1), "school", Tokens.SchoolUnit, "verification"),
        }));
        Assert.That(items.Take(2).Select(CertificateOf),
            Is.EquivalentTo(new[] { certificates.Alva.ToString(), certificates.Sibling.ToString() }));
        Assert.That(items.Skip(2).Select(CertificateOf), Is.EqualTo(new[]
        {
            certificates.Alva.ToString(), certificates.Sibling.ToString(), certificates.Alva.ToString(),
        }));
    }

    [Test]
    public async Task AccessLog_LeavesOutVerificationsThatFoundNoCertificate()
    {
        await Scenario();

        var items = Items(await AccessLog());

        Assert.That(items.Select(item => Line(item).Unit), Does.Not.Contain(Tokens.OtherSchoolUnit),
            "a unit the certificate is not shared with verified at 01:30 and got none");
        Assert.That(items.Select(CertificateOf), Has.None.Null);
    }

    /// <summary>
    /// A guardian left out at renewal keeps the old certificate, which named them, but must not learn from the log
    /// which school and care unit read the child since: that would tell where the child is now.
    /// </summary>
    [Test]
    public async Task AccessLog_GuardianLeftOutAtRenewal_DoesNotSeeReadsOfTheRenewal()
    {
        var first = await IssueOk(Samples.Certificate(measures: "insulin"));
        Clock.SetUtcNow(At(1));
        await Verify(Samples.ChildPnr, "insulin");
        var renewal = NewDates();
        renewal["guardians"] = new JsonArray(new JsonObject
        {
            ["personnummer"] = Tokens.OtherGuardianPnr, ["name"] = "Jonas Lind", ["email"] = "jonas.lind@example.se",
        });
        renewal["sharedWith"] = new JsonArray(Tokens.OtherSchoolUnit);
        using var renewed = await Renew(first, renewal);
        Assert.That(renewed.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Clock.SetUtcNow(At(2));
        await Verify(Samples.ChildPnr, "insulin", Tokens.OtherSchoolUnit);

        var left = Items(await AccessLog());
        var current = Items(await AccessLog(guardianPnr: Tokens.OtherGuardianPnr));

        Assert.That(left.Select(Line), Is.EqualTo(new (DateTimeOffset, string, string?, string)[]
        {
            (At(1), "school", Tokens.SchoolUnit, "verification"),
        }));
        Assert.That(left.ToJsonString(), Does.Not.Contain(Tokens.OtherSchoolUnit));
        Assert.That(current.Select(Line), Does.Contain((At(2), "school", (string?)Tokens.OtherSchoolUnit, "verification")));
    }

    [Test]
    public async Task AccessLog_ShowsUnitsAndTimes_NeverStaffIdsOrNames()
    {
        await Scenario();

        var page = await AccessLog();

        var text = page.ToJsonString();
        Assert.That(Items(page), Is.Not.Empty);
        Assert.That(Items(page).Select(item => string.Join(",", item!.AsObject().Select(field => field.Key))),
            Is.All.EqualTo("occurredAt,actorRole,unit,action,certificateId"));
        foreach (var secret in new[] { "clinician-1", "clinician-2", "school-12345678", "school-87654321", "admin-1", "Karin Berg", "Per Ek", "actorId" })
        {
            Assert.That(text, Does.Not.Contain(secret));
        }
    }

    [Test]
    public async Task AccessLog_LeavesOutOtherChildrenGuardianReadsAndRefusedOrEmptyLooks()
    {
        var certificates = await Scenario();

        var mine = Items(await AccessLog());
        var theirs = Items(await AccessLog(guardianPnr: Tokens.OtherGuardianPnr));

        Assert.That(mine.Select(CertificateOf), Does.Not.Contain(certificates.Other.ToString()));
        Assert.That(mine.Select(item => Line(item).Role), Does.Not.Contain("guardian"));
        Assert.That(mine.Select(item => Line(item).At), Does.Not.Contain(At(2)), "refused and not-found reads showed nothing");
        Assert.That(mine.Select(item => Line(item).Action), Does.Not.Contain("certificate.issue"), "issuing is not a read");
        Assert.That(theirs.Select(Line), Is.EqualTo(new (DateTimeOffset, string, string?, string)[]
        {
            (At(6), "school", Tokens.SchoolUnit, "school.list"),
            (At(4), "clinician", Tokens.CareUnit, "certificate.read"),
            (At(4), "school", Tokens.SchoolUnit, "verification"),
        }));
        Assert.That(theirs.Select(CertificateOf), Is.All.EqualTo(certificates.Other.ToString()));
    }

    [Test]
    public async Task AccessLog_PagesThroughEveryEntry_WithoutDuplicatesOrGaps()
    {
        await Scenario();
        var whole = Items(await AccessLog()).Select(item => item!.ToJsonString()).ToList();

        var pages = new List<JsonObject> { await AccessLog("?limit=4") };
        while (NextBefore(pages[^1]) is { } next)
        {
            Assert.That(pages, Has.Count.LessThan(10), "paging must end");
            pages.Add(await AccessLog($"?limit=4&before={next}"));
        }

        Assert.That(pages.Select(page => Items(page).Count), Is.EqualTo(new[] { 4, 1 }));
        Assert.That(pages.SelectMany(page => Items(page).Select(item => item!.ToJsonString())), Is.EqualTo(whole));
    }

    [Test]
    public async Task AccessLog_IsItselfAudited_OncePerChild_AndDoesNotListItself()
    {
        await Scenario();

        var first = Items(await AccessLog()).ToJsonString();
        var second = Items(await AccessLog()).ToJsonString();

        var looks = (await AuditRows()).Where(row => row.Action == "guardian.access-log").ToList();
        Assert.That(looks, Has.Count.EqualTo(4));
        Assert.That(looks.Take(2).Select(row => row.ChildId),
            Is.EquivalentTo(new[] { await ChildId(Samples.ChildPnr), await ChildId(SiblingPnr) }));
        Assert.That(looks.Select(row => row.ActorId), Is.All.EqualTo("guardian-2380"));
        Assert.That(looks.Select(row => row.CertificateId), Is.All.Null);
        Assert.That(second, Is.EqualTo(first));
    }

    [Test]
    public async Task AccessLog_GuardianWithoutChildren_GetsAnEmptyList_AndTheLookIsAudited()
    {
        await IssueOk();
        await Verify(Samples.ChildPnr, "insulin");

        var page = await AccessLog(guardianPnr: Tokens.OtherGuardianPnr);

        Assert.That(Items(page), Is.Empty);
        Assert.That(NextBefore(page), Is.Null);
        var look = (await AuditRows()).Single(row => row.Action == "guardian.access-log");
        Assert.That(look.ActorId, Is.EqualTo("guardian-9876"));
        Assert.That(look.ChildId, Is.Null);
    }

    [Test]
    public async Task AccessLog_ForOtherRoles_Returns403_AndWithoutToken401()
    {
        var statuses = new List<HttpStatusCode>();
        foreach (var token in new[] { Tokens.Clinician(), Tokens.School(), Tokens.Admin(), null })
        {
            using var response = await Client(token).GetAsync("/api/guardians/me/access-log");
            statuses.Add(response.StatusCode);
        }

        Assert.That(statuses, Is.EqualTo(new[]
        {
            HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized,
        }));
        Assert.That(await AuditCount(), Is.EqualTo(0));
    }

    [TestCase("limit=0", "limit")]
    [TestCase("limit=501", "limit")]
    [TestCase("limit=x", "limit")]
    [TestCase("before=0", "before")]
    [TestCase("before=1.5", "before")]
    public async Task AccessLog_BadPaging_Returns400WithTheField(string query, string field)
    {
        using var response = await Client(Tokens.Guardian()).GetAsync($"/api/guardians/me/access-log?{query}");
        var problem = await response.ReadJson();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(problem.ErrorFields(), Is.EqualTo(new[] { field }));
    }
}
