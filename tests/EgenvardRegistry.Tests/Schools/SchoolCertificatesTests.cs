using System.Net;
using System.Text.Json.Nodes;
using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.Tests.Schools;

[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class SchoolCertificatesTests(Engine engine) : IntegrationTest(engine)
{
    private async Task<JsonArray> List(string query = "", string schoolUnit = Tokens.SchoolUnit)
    {
        using var response = await Client(Tokens.School(schoolUnit)).GetAsync($"/api/schools/me/certificates{query}");
        var json = await response.ReadJson();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), json.ToJsonString());
        Assert.That(response.Headers.CacheControl!.NoStore, Is.True);
        return json["items"]!.AsArray();
    }

    [Test]
    public async Task List_ExpiringWithinDays_KeepsOnlyThoseExpiringInThatWindow_SoonestFirst()
    {
        // Today is 2026-11-23.
        var in10Days = await IssueOk(Samples.Certificate(validFrom: "2026-01-10", validUntil: "2026-12-03", followUpOn: "2026-06-01"));
        var in30Days = await IssueOk(Samples.Certificate(childPnr: Samples.OtherChildPnr, validFrom: "2026-01-10",
            validUntil: "2026-12-23", followUpOn: "2026-06-01"));
        var in31Days = await IssueOk(Samples.Certificate(measures: "adrenaline", validFrom: "2026-01-10",
            validUntil: "2026-12-24", followUpOn: "2026-06-01"));

        var within30 = await List("?expiringWithinDays=30");
        var all = await List();

        Assert.That(within30.Select(item => item!["id"]!.GetValue<string>()),
            Is.EqualTo(new[] { in10Days.ToString(), in30Days.ToString() }));
        Assert.That(within30.Select(item => item!["daysUntilExpiry"]!.GetValue<int>()), Is.EqualTo(new[] { 10, 30 }));
        Assert.That(all.Select(item => item!["id"]!.GetValue<string>()),
            Is.EqualTo(new[] { in10Days.ToString(), in30Days.ToString(), in31Days.ToString() }));
        Assert.That(all[0]!["childName"]!.GetValue<string>(), Is.EqualTo("Alva Lind"));
        Assert.That(all[2]!["measures"]!.AsArray().Select(m => m!.GetValue<string>()), Is.EqualTo(new[] { "adrenaline" }));
        Assert.That(all.ToJsonString(), Does.Not.Contain(Samples.ChildPnr));
    }

    [Test]
    public async Task List_LeavesOutOtherUnitsExpiredAndRevokedCertificates()
    {
        var kept = await IssueOk();
        await IssueOk(Samples.Certificate(measures: "oxygen", sharedWith: [Tokens.OtherSchoolUnit]));
        var expired = await IssueOk(Samples.Certificate(measures: "inhaler", validFrom: "2026-01-01", validUntil: "2026-11-23", followUpOn: "2026-06-01"));
        var revoked = await IssueOk(Samples.Certificate(measures: "adrenaline"));
        await Execute("""
            UPDATE certificates SET status = 'revoked', version = 2, revoked_at = issued_at, revoked_by = 'x', revocation_reason = 'x'
            WHERE id = @id
            """, new { id = Engine == Engine.Postgres ? (object)revoked : revoked.ToString() });

        var today = await List();
        Clock.Advance(TimeSpan.FromDays(1));
        var tomorrow = await List();

        Assert.That(today.Select(item => item!["id"]!.GetValue<string>()), Is.EquivalentTo(new[] { kept.ToString(), expired.ToString() }));
        Assert.That(tomorrow.Select(item => item!["id"]!.GetValue<string>()), Is.EqualTo(new[] { kept.ToString() }));
    }

    [Test]
    public async Task List_AuditsEveryCertificateShown()
    {
        var first = await IssueOk();
        var second = await IssueOk(Samples.Certificate(childPnr: Samples.OtherChildPnr));

        await List();
        await List(schoolUnit: Tokens.OtherSchoolUnit);

        var audit = (await AuditRows()).Where(row => row.Action == "school.list").ToList();
        Assert.That(audit.Where(row => row.ActorUnit == Tokens.SchoolUnit).Select(row => Guid.Parse(row.CertificateId!)),
            Is.EquivalentTo(new[] { first, second }));
        var emptyLook = audit.Single(row => row.ActorUnit == Tokens.OtherSchoolUnit);
        Assert.That(emptyLook.CertificateId, Is.Null, "an empty list still records who looked");
    }

    [TestCase("-1")]
    [TestCase("401")]
    [TestCase("abc")]
    public async Task List_BadExpiringWithinDays_Returns400Problem(string value)
    {
        using var response = await Client(Tokens.School()).GetAsync($"/api/schools/me/certificates?expiringWithinDays={value}");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
    }

    [Test]
    public async Task List_ByOtherRoles_Returns403()
    {
        foreach (var token in new[] { Tokens.Clinician(), Tokens.Guardian(), Tokens.Admin() })
        {
            using var response = await Client(token).GetAsync("/api/schools/me/certificates");
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        }
    }
}
