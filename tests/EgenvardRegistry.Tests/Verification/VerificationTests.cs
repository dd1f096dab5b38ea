using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.Tests.Verification;

[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class VerificationTests(Engine engine) : IntegrationTest(engine)
{
    [Test]
    public async Task Verify_ValidCertificate_IsCoveredWithWhatStaffNeed()
    {
        var id = await IssueOk();

        var result = await Verify("20150312-2382", "insulin");

        Assert.Multiple(() =>
        {
            Assert.That(result["covered"]!.GetValue<bool>(), Is.True);
            Assert.That(result["reason"]!.GetValue<string>(), Is.EqualTo("valid"));
            var certificate = result["certificate"]!;
            Assert.That(certificate["id"]!.GetValue<string>(), Is.EqualTo(id.ToString()));
            Assert.That(certificate["childName"]!.GetValue<string>(), Is.EqualTo("Alva Lind"));
            Assert.That(certificate["validUntil"]!.GetValue<string>(), Is.EqualTo("2027-08-14"));
            Assert.That(certificate["measures"]![0]!["instructions"]!.GetValue<string>(), Does.StartWith("Insulinpenna"));
            Assert.That(certificate["measures"]![0]!["ifHarm"]!.GetValue<string>(), Does.Contain("112"));
            Assert.That(certificate["careUnit"]!["phone"]!.GetValue<string>(), Is.EqualTo("021-17 30 00"));
            Assert.That(result.ToJsonString(), Does.Not.Contain(Samples.ChildPnr).And.Not.Contain(Tokens.GuardianPnr));
        });
    }

    [Test]
    public async Task OralMedication_IsAMeasureInTheCatalogue_IssuedAndVerifiedLikeAnyOther()
    {
        var id = await IssueOk(Samples.Certificate(measures: ["insulin", "oral-medication"]));

        var result = await Verify(Samples.ChildPnr, "oral-medication");

        Assert.That(result["covered"]!.GetValue<bool>(), Is.True);
        Assert.That(result["certificate"]!["id"]!.GetValue<string>(), Is.EqualTo(id.ToString()));
        Assert.That(result["certificate"]!["measures"]![1]!["code"]!.GetValue<string>(), Is.EqualTo("oral-medication"));
    }

    [Test]
    public async Task Verify_Other_IsNeverABareValid_ItNamesTheDescribedMeasureForStaffToConfirm()
    {
        await IssueOk(Samples.Certificate(measures: ["insulin", "other"]));

        var other = await Verify(Samples.ChildPnr, "other");
        var insulin = await Verify(Samples.ChildPnr, "insulin");

        Assert.That((other["covered"]!.GetValue<bool>(), other["reason"]!.GetValue<string>()), Is.EqualTo((true, "valid")));
        Assert.That(other["needsConfirmation"]!.GetValue<bool>(), Is.True);
        Assert.That(other["describedAs"]!.AsArray().Select(d => d!.GetValue<string>()), Is.EqualTo(new[] { "Hjälp med hörapparat" }));
        Assert.That(other["certificate"]!["measures"]![1]!["description"]!.GetValue<string>(), Is.EqualTo("Hjälp med hörapparat"));
        Assert.That((insulin["needsConfirmation"]!.GetValue<bool>(), insulin["describedAs"]), Is.EqualTo((false, (JsonNode?)null)));
    }

    [Test]
    public async Task Verify_Other_WhenTheCertificateHasNoOtherMeasure_IsNotCoveredAndNeedsNoConfirmation()
    {
        await IssueOk();

        var result = await Verify(Samples.ChildPnr, "other");

        Assert.That(result["reason"]!.GetValue<string>(), Is.EqualTo("measure-not-covered"));
        Assert.That((result["needsConfirmation"]!.GetValue<bool>(), result["describedAs"]), Is.EqualTo((false, (JsonNode?)null)));
    }

    [Test]
    public async Task Verify_ChildNotSharedWithTheUnit_AnswersExactlyAsForAnUnknownChild()
    {
        await IssueOk(Samples.Certificate(sharedWith: [Tokens.OtherSchoolUnit]));

        var notShared = await Verify(Samples.ChildPnr, "insulin");
        var unknown = await Verify(Samples.OtherChildPnr, "insulin");

        Assert.That(notShared.ToJsonString(), Is.EqualTo(
            """{"covered":false,"reason":"none","certificate":null,"needsConfirmation":false,"describedAs":null,"instructedStaff":null}"""));
        Assert.That(unknown.ToJsonString(), Is.EqualTo(notShared.ToJsonString()));
        var covered = await Verify(Samples.ChildPnr, "insulin", Tokens.OtherSchoolUnit);
        Assert.That(covered["covered"]!.GetValue<bool>(), Is.True, "the unit it is shared with is covered");
    }

    [Test]
    public async Task Verify_MeasureNotOnTheCertificate_IsNotCovered()
    {
        await IssueOk();

        var result = await Verify(Samples.ChildPnr, "adrenaline");

        Assert.That(result["covered"]!.GetValue<bool>(), Is.False);
        Assert.That(result["reason"]!.GetValue<string>(), Is.EqualTo("measure-not-covered"));
        Assert.That(result["certificate"]!["careUnit"]!["phone"]!.GetValue<string>(), Is.EqualTo("021-17 30 00"));
    }

    [Test]
    public async Task Verify_OnTheLastDayAndTheDayAfter_InStockholmTime()
    {
        await IssueOk(Samples.Certificate(validFrom: "2026-06-01", validUntil: "2027-06-30", followUpOn: "2027-01-15"));

        // Summer time: 23:59 on 30 June in Stockholm is 21:59 UTC; 00:01 on 1 July is 22:01 UTC on 30 June.
        Clock.SetStockholm(new DateTime(2027, 6, 30, 23, 59, 0));
        var lastDay = await Verify(Samples.ChildPnr, "insulin");
        Clock.SetStockholm(new DateTime(2027, 7, 1, 0, 1, 0));
        var dayAfter = await Verify(Samples.ChildPnr, "insulin");

        Assert.That(lastDay["reason"]!.GetValue<string>(), Is.EqualTo("valid"));
        Assert.That(dayAfter["covered"]!.GetValue<bool>(), Is.False);
        Assert.That(dayAfter["reason"]!.GetValue<string>(), Is.EqualTo("expired"));
    }

    [Test]
    public async Task Verify_BeforeValidFrom_IsNotYetValid()
    {
        await IssueOk(Samples.Certificate(validFrom: "2026-12-01", validUntil: "2027-11-30", followUpOn: "2027-06-01"));

        var result = await Verify(Samples.ChildPnr, "insulin");

        Assert.That(result["covered"]!.GetValue<bool>(), Is.False);
        Assert.That(result["reason"]!.GetValue<string>(), Is.EqualTo("not-yet-valid"));
        Assert.That(result["certificate"]!["validFrom"]!.GetValue<string>(), Is.EqualTo("2026-12-01"));
    }

    [Test]
    public async Task Verify_RevokedCertificate_ReportsRevoked()
    {
        var id = await IssueOk();
        // Revocation arrives with the lifecycle issue; the stored state is what verification reads.
        await Execute("""
            UPDATE certificates SET status = 'revoked', version = 2, revoked_at = issued_at, revoked_by = 'clinician-1',
                revocation_reason = 'Fel barn' WHERE id = @id
            """, new { id = Engine == Engine.Postgres ? (object)id : id.ToString() });

        var result = await Verify(Samples.ChildPnr, "insulin");

        Assert.That(result["covered"]!.GetValue<bool>(), Is.False);
        Assert.That(result["reason"]!.GetValue<string>(), Is.EqualTo("revoked"));
    }

    [Test]
    public async Task Verify_ValidAndExpiredCertificatesTogether_TheValidOneCovers()
    {
        await IssueOk(Samples.Certificate(validFrom: "2025-12-01", validUntil: "2026-11-23", followUpOn: "2026-06-01"));
        var current = await IssueOk(Samples.Certificate(validFrom: "2026-11-01", validUntil: "2027-10-31", followUpOn: "2027-05-01"));
        Clock.Advance(TimeSpan.FromDays(1));

        var result = await Verify(Samples.ChildPnr, "insulin");

        Assert.That(result["reason"]!.GetValue<string>(), Is.EqualTo("valid"));
        Assert.That(result["certificate"]!["id"]!.GetValue<string>(), Is.EqualTo(current.ToString()));
    }

    [Test]
    public async Task Verify_EveryCall_IsAuditedFoundOrNot()
    {
        var id = await IssueOk();

        await Verify(Samples.ChildPnr, "insulin");
        await Verify(Samples.ChildPnr, "oxygen");
        await Verify(Samples.OtherChildPnr, "insulin");

        var audit = (await AuditRows()).Where(row => row.Action == "verification").ToList();
        var childId = await ChildId(Samples.ChildPnr);
        Assert.That(audit.Select(row => row.Outcome), Is.EqualTo(new[] { "valid", "measure-not-covered", "none" }));
        Assert.That(audit.Select(row => row.ChildId), Is.EqualTo(new[] { childId, childId, null }));
        Assert.That(audit.Select(row => row.CertificateId is null ? (Guid?)null : Guid.Parse(row.CertificateId)),
            Is.EqualTo(new Guid?[] { id, id, null }));
        Assert.That(audit.Select(row => row.ActorUnit), Is.All.EqualTo(Tokens.SchoolUnit));
    }

    [TestCase("201503122383", "insulin", "personnummer")]
    [TestCase("", "insulin", "personnummer")]
    [TestCase(Samples.ChildPnr, "aspirin", "measure")]
    [TestCase(Samples.ChildPnr, null, "measure")]
    public async Task Verify_InvalidRequest_Returns400NamingTheFieldAndAuditsNothing(string? personnummer, string? measure, string field)
    {
        using var response = await Client(Tokens.School()).PostAsJsonAsync("/api/verifications", new { personnummer, measure });
        var problem = await response.ReadJson();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(problem.ErrorFields(), Is.EqualTo(new[] { field }));
        Assert.That(problem.ToJsonString(), Does.Not.Contain("201503122383"));
        Assert.That(await AuditCount(), Is.EqualTo(0));
    }

    [Test]
    public async Task Verify_ByOtherRoles_Returns403()
    {
        await IssueOk();
        foreach (var token in new[] { Tokens.Clinician(), Tokens.Guardian(), Tokens.Admin() })
        {
            using var response = await Client(token).PostAsJsonAsync("/api/verifications",
                new JsonObject { ["personnummer"] = Samples.ChildPnr, ["measure"] = "insulin" });
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        }
        Assert.That(await AuditCount("action = 'verification'"), Is.EqualTo(0));
    }
}
