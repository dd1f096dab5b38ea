using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.Tests.Certificates;

/// <summary>
/// A clinician's search by personnummer shows other care units' certificates only as summaries, unless the clinician
/// states a care relationship with the child, which is audited (Patientdatalagen 4 kap.).
/// </summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class CareRelationshipSearchTests(Engine engine) : IntegrationTest(engine)
{
    private const string Relationship = "Barnet är inskrivet på vår mottagning sedan augusti.";

    private async Task<(Guid Own, Guid Other)> IssueAtTwoUnits()
    {
        var own = await IssueOk();
        Clock.Advance(TimeSpan.FromHours(1));
        var other = await IssueOk(Samples.Certificate(careUnit: Tokens.OtherCareUnit, measures: ["inhaler", "other"]),
            Tokens.Clinician(Tokens.OtherCareUnit, "c2"));
        return (own, other);
    }

    private async Task<(HttpResponseMessage Response, JsonObject Json)> Search(object body)
    {
        var response = await Client(Tokens.Clinician()).PostAsJsonAsync("/api/certificates/search", body);
        return (response, await response.ReadJson());
    }

    [Test]
    public async Task Search_WithoutACareRelationship_GivesTheOwnUnitsInFull_AndOtherUnitsAsSummaries()
    {
        var (own, other) = await IssueAtTwoUnits();

        var (response, json) = await Search(new { personnummer = Samples.ChildPnr });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var items = json["items"]!.AsArray();
        Assert.That(items.Select(item => item!["id"]!.GetValue<string>()), Is.EqualTo(new[] { own.ToString() }));
        Assert.That(items[0]!["guardians"]![0]!["email"]!.GetValue<string>(), Is.EqualTo("sara.lind@example.se"), "the own unit's in full");
        var summary = json["summaries"]!.AsArray().Single()!.AsObject();
        Assert.That(summary.Select(field => field.Key), Is.EquivalentTo(new[]
        {
            "id", "status", "expired", "careUnit", "validFrom", "validUntil", "followUpOn", "issuedAt", "measures", "replaces", "replacedBy",
        }));
        Assert.That(summary["id"]!.GetValue<string>(), Is.EqualTo(other.ToString()));
        Assert.That(summary["careUnit"]!["hsaId"]!.GetValue<string>(), Is.EqualTo(Tokens.OtherCareUnit));
        Assert.That(summary["measures"]!.AsArray().Select(measure => (measure!["code"]!.GetValue<string>(), measure["description"]?.GetValue<string>())),
            Is.EqualTo(new[] { ("inhaler", (string?)null), ("other", "Hjälp med hörapparat") }));
        Assert.That(summary["measures"]![0]!.AsObject().Select(field => field.Key), Is.EquivalentTo(new[] { "code", "description" }));
        Assert.That(summary.ToJsonString(), Does.Not.Contain(Tokens.GuardianPnr).And.Not.Contain("sara.lind").And.Not.Contain("Insulinpenna"));
    }

    [Test]
    public async Task Search_WithoutACareRelationship_AuditsTheSummariesAsSummaries()
    {
        var (own, other) = await IssueAtTwoUnits();

        await Search(new { personnummer = Samples.ChildPnr });

        var audit = (await AuditRows()).Where(row => row.Action.StartsWith("certificate.search", StringComparison.Ordinal))
            .Select(row => (row.Action, row.Outcome, row.CertificateId)).ToList();
        Assert.That(audit, Is.EquivalentTo(new[]
        {
            ("certificate.search", "ok", (string?)own.ToString()),
            ("certificate.search", "summary", (string?)other.ToString()),
        }));
        Assert.That(await AuditCount("detail IS NOT NULL"), Is.EqualTo(0));
    }

    [Test]
    public async Task Search_WithACareRelationship_GivesEveryCertificateInFull_AndAuditsTheStatement()
    {
        var (own, other) = await IssueAtTwoUnits();

        var (response, json) = await Search(new { personnummer = Samples.ChildPnr, careRelationship = $"  {Relationship} " });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(json["items"]!.AsArray().Select(item => item!["id"]!.GetValue<string>()),
            Is.EqualTo(new[] { other.ToString(), own.ToString() }));
        Assert.That(json["items"]![0]!["guardians"]![0]!["personnummer"]!.GetValue<string>(), Is.EqualTo(Tokens.GuardianPnr));
        Assert.That(json["summaries"]!.AsArray(), Is.Empty);
        var audit = (await AuditRows()).Where(row => row.Action.StartsWith("certificate.search", StringComparison.Ordinal))
            .Select(row => (row.Action, row.Outcome, row.CertificateId, row.Detail)).ToList();
        Assert.That(audit, Is.EquivalentTo(new[]
        {
            ("certificate.search", "ok", (string?)own.ToString(), (string?)Relationship),
            ("certificate.search-care-relationship", "ok", (string?)other.ToString(), (string?)Relationship),
        }));
    }

    [Test]
    public async Task Search_TheStatedCareRelationship_IsShownToAdministratorsReviewingTheLog()
    {
        var (_, other) = await IssueAtTwoUnits();
        await Search(new { personnummer = Samples.ChildPnr, careRelationship = Relationship });

        using var response = await Client(Tokens.Admin()).GetAsync($"/api/admin/audit?certificateId={other}");
        var items = (await response.ReadJson())["items"]!.AsArray();

        var read = items.Single(item => item!["action"]!.GetValue<string>() == "certificate.search-care-relationship")!;
        Assert.That(read["detail"]!.GetValue<string>(), Is.EqualTo(Relationship));
        Assert.That(read["actorUnit"]!.GetValue<string>(), Is.EqualTo(Tokens.CareUnit));
    }

    [TestCase("", "State your care relationship")]
    [TestCase("   ", "State your care relationship")]
    public async Task Search_BlankCareRelationship_Is400WithTheField_AndReadsNothing(string careRelationship, string message)
    {
        await IssueAtTwoUnits();

        var (response, json) = await Search(new { personnummer = Samples.ChildPnr, careRelationship });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(json["errors"]!["careRelationship"]![0]!.GetValue<string>(), Does.StartWith(message));
        Assert.That(await AuditCount("action LIKE 'certificate.search%'"), Is.EqualTo(0));
    }

    [Test]
    public async Task Search_TooLongCareRelationship_Is400WithTheField()
    {
        var (response, json) = await Search(new { personnummer = Samples.ChildPnr, careRelationship = new string('x', 501) });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(json["errors"]!["careRelationship"]![0]!.GetValue<string>(), Is.EqualTo("At most 500 characters."));
    }

    [Test]
    public async Task Search_CareRelationshipOfTheWrongType_Is400NotA500()
    {
        var (response, json) = await Search(new { personnummer = Samples.ChildPnr, careRelationship = 42 });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(json["errors"]!.AsObject().Select(field => field.Key), Does.Contain("careRelationship"));
    }
}
