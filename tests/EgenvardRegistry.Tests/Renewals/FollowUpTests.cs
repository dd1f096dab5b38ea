using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.Tests.Renewals;

/// <summary>
/// "Uppföljning gjord": a clinician of the issuing care unit records a certificate's follow-up
/// (<c>POST /api/certificates/{id}/follow-ups</c>), and the certificate's readers list them.
/// </summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class FollowUpTests(Engine engine) : IntegrationTest(engine)
{
    private const string ClinicianHsaId = "SE2321000016-K7BG";
    private const string Note = "Uppföljning på mottagningen: egenvården fungerar, dosschemat oförändrat.";

    private Task<HttpResponseMessage> Record(Guid certificateId, object? body = null, string? token = null, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/certificates/{certificateId}/follow-ups")
        {
            Content = JsonContent.Create(body ?? new { doneOn = "2026-11-23", note = Note }),
        };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        return Client(token ?? Tokens.Clinician()).SendAsync(request);
    }

    private async Task<JsonArray> List(Guid certificateId, string token)
    {
        using var response = await Client(token).GetAsync($"/api/certificates/{certificateId}/follow-ups");
        var json = await response.ReadJson();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), json.ToJsonString());
        return json["items"]!.AsArray();
    }

    [Test]
    public async Task Record_ByTheIssuingCareUnit_Is201_WithTheFollowUp_AndAudited()
    {
        var id = await IssueOk();

        using var response = await Record(id);
        var followUp = await response.ReadJson();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), followUp.ToJsonString());
        Assert.That(response.Headers.Location!.OriginalString, Is.EqualTo($"/api/certificates/{id}/follow-ups"));
        Assert.Multiple(async () =>
        {
            Assert.That(Guid.TryParse(followUp["id"]!.GetValue<string>(), out _), Is.True);
            Assert.That(followUp["certificateId"]!.GetValue<string>(), Is.EqualTo(id.ToString()));
            Assert.That(followUp["doneOn"]!.GetValue<string>(), Is.EqualTo("2026-11-23"));
            Assert.That(followUp["note"]!.GetValue<string>(), Is.EqualTo(Note));
            Assert.That(followUp["recordedAt"]!.GetValue<DateTimeOffset>(), Is.EqualTo(TestClock.Reference));
            Assert.That(followUp["recordedBy"]!["id"]!.GetValue<string>(), Is.EqualTo(ClinicianHsaId));
            Assert.That(followUp["recordedBy"]!["name"]!.GetValue<string>(), Is.EqualTo("Karin Berg"));
            Assert.That(await Count("certificate_follow_ups"), Is.EqualTo(1));
            Assert.That(await Count("certificates", "version = 1 AND status = 'active'"), Is.EqualTo(1), "the certificate is unchanged");
            var audit = (await AuditRows())[^1];
            Assert.That((audit.Action, audit.Outcome, audit.ActorUnit, audit.CertificateId, audit.ChildId),
                Is.EqualTo(("follow-up.record", "ok", (string?)Tokens.CareUnit, (string?)id.ToString(), await ChildId(Samples.ChildPnr))));
        });
    }

    [Test]
    public async Task Record_WithoutANote_OrABlankOne_StoresNoNote_AndKeepsLineBreaks()
    {
        var id = await IssueOk();

        using var none = await Record(id, new { doneOn = "2026-11-23" });
        using var blank = await Record(id, new { doneOn = "2026-11-23", note = "  \n " });
        using var lines = await Record(id, new { doneOn = "2026-11-23", note = "  Rad ett\r\nRad två\n\tindrag " });

        Assert.That((await none.ReadJson())["note"], Is.Null);
        Assert.That((await blank.ReadJson())["note"], Is.Null);
        Assert.That((await lines.ReadJson())["note"]!.GetValue<string>(), Is.EqualTo("Rad ett\nRad två\n\tindrag"));
    }

    private static IEnumerable<TestCaseData> BadBodies()
    {
        yield return new TestCaseData(new JsonObject { ["note"] = Note }, "doneOn").SetName("Record_NoDoneOn_Is400");
        yield return new TestCaseData(new JsonObject { ["doneOn"] = null }, "doneOn").SetName("Record_NullDoneOn_Is400");
        yield return new TestCaseData(new JsonObject { ["doneOn"] = "2026-11-24" }, "doneOn").SetName("Record_DoneTomorrow_Is400");
        yield return new TestCaseData(new JsonObject { ["doneOn"] = "2026-11-23", ["note"] = new string('x', 2001) }, "note")
            .SetName("Record_NoteTooLong_Is400");
        yield return new TestCaseData(new JsonObject { ["doneOn"] = "2026-11-23", ["note"] = "Före\u0000efter" }, "note")
            .SetName("Record_NulInNote_Is400");
        yield return new TestCaseData(new JsonObject { ["doneOn"] = "2026-11-23", ["note"] = "Ring\u0007" }, "note")
            .SetName("Record_BellInNote_Is400");
    }

    [TestCaseSource(nameof(BadBodies))]
    public async Task Record_BadInput_Is400WithTheField_AndStoresAndAuditsNothing(JsonObject body, string field)
    {
        var id = await IssueOk();
        var before = await AuditCount();

        using var response = await Record(id, body);
        var problem = await response.ReadJson();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), problem.ToJsonString());
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(problem.ErrorFields(), Is.EqualTo(new[] { field }));
        Assert.That(await Count("certificate_follow_ups"), Is.EqualTo(0));
        Assert.That(await AuditCount(), Is.EqualTo(before));
    }

    [TestCase("{\"doneOn\": \"2026-13-01\"}", "doneOn")]
    [TestCase("{\"doneOn\": \"23 november\"}", "doneOn")]
    [TestCase("{\"doneOn\": \"2026-11-23\", \"note\": 5}", "note")]
    [TestCase("{\"doneOn\": ", null)]
    public async Task Record_BodyThatIsNotTheRightJson_Is400WithTheField(string json, string? field)
    {
        var id = await IssueOk();

        using var response = await Client(Tokens.Clinician()).PostAsync($"/api/certificates/{id}/follow-ups",
            new StringContent(json, Encoding.UTF8, "application/json"));
        var problem = await response.ReadJson();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(problem.ErrorFields(), field is null ? Has.Count.EqualTo(1) : Is.EqualTo(new[] { field }));
        Assert.That(await Count("certificate_follow_ups"), Is.EqualTo(0));
    }

    [Test]
    public async Task Record_DoneBeforeTheStockholmIssueDate_Is400_AndNothingIsWritten()
    {
        // 23:30 UTC on 23 November is 00:30 on the 24th in Stockholm: the certificate was issued on the 24th.
        Clock.SetUtcNow(new DateTimeOffset(2026, 11, 23, 23, 30, 0, TimeSpan.Zero));
        var id = await IssueOk();

        using var before = await Record(id, new { doneOn = "2026-11-23" });
        var problem = await before.ReadJson();
        var afterRefusal = await Count("certificate_follow_ups");
        using var onTheDay = await Record(id, new { doneOn = "2026-11-24" });

        Assert.That(before.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), problem.ToJsonString());
        Assert.That(problem["errors"]!["doneOn"]![0]!.GetValue<string>(), Is.EqualTo("Cannot be before the certificate was issued (2026-11-24)."));
        Assert.That(afterRefusal, Is.EqualTo(0));
        Assert.That(await AuditCount("action = 'follow-up.record' AND outcome = 'invalid' AND certificate_id = @Id", new { Id = id }),
            Is.EqualTo(1));
        Assert.That(onTheDay.StatusCode, Is.EqualTo(HttpStatusCode.Created));
    }

    [Test]
    public async Task Record_OnARenewal_CountsFromTheRenewalsIssueDate()
    {
        var old = await IssueOk();
        Clock.Advance(TimeSpan.FromDays(3));
        using var renewal = await Renew(old);
        var renewed = Guid.Parse((await renewal.ReadJson())["id"]!.GetValue<string>());

        using var tooEarly = await Record(renewed, new { doneOn = "2026-11-25" });
        using var sameDay = await Record(renewed, new { doneOn = "2026-11-26" });

        Assert.That(tooEarly.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "done before the renewal was issued: it followed up the old one");
        Assert.That(sameDay.StatusCode, Is.EqualTo(HttpStatusCode.Created));
    }

    [Test]
    public async Task Record_ByAnotherCareUnit_OrOnAnUnknownCertificate_Is404_AndAudited()
    {
        var id = await IssueOk();

        using var otherUnit = await Record(id, token: Tokens.Clinician(Tokens.OtherCareUnit, "c2"));
        using var unknown = await Record(Guid.NewGuid());

        Assert.That((otherUnit.StatusCode, unknown.StatusCode), Is.EqualTo((HttpStatusCode.NotFound, HttpStatusCode.NotFound)));
        Assert.That((await otherUnit.ReadJson())["title"]!.GetValue<string>(), Is.EqualTo("Certificate not found"));
        Assert.That(await Count("certificate_follow_ups"), Is.EqualTo(0));
        Assert.That(await AuditCount("action = 'follow-up.record' AND outcome = 'denied' AND actor_unit = @Unit", new { Unit = Tokens.OtherCareUnit }),
            Is.EqualTo(1));
        Assert.That(await AuditCount("action = 'follow-up.record' AND outcome = 'not-found'"), Is.EqualTo(1));
    }

    [TestCase("school")]
    [TestCase("guardian")]
    [TestCase("admin")]
    public async Task Record_ByAnotherRole_Is403_AndRecordedAsAForbiddenAttempt(string role)
    {
        var id = await IssueOk();
        var token = role switch { "school" => Tokens.School(), "guardian" => Tokens.Guardian(), _ => Tokens.Admin() };

        using var response = await Record(id, token: token);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await Count("certificate_follow_ups"), Is.EqualTo(0));
        Assert.That(await AuditCount("action = 'access.forbidden' AND outcome = 'denied' AND certificate_id = @Id", new { Id = id }),
            Is.EqualTo(1));
    }

    [Test]
    public async Task Record_OnARevokedOrReplacedCertificate_Is409_AndNothingIsWritten()
    {
        var revoked = await IssueOk();
        var replaced = await IssueOk(Samples.Certificate(childPnr: Samples.OtherChildPnr));
        using var revocation = await Revoke(revoked);
        using var renewal = await Renew(replaced);
        Assert.That((revocation.StatusCode, renewal.StatusCode), Is.EqualTo((HttpStatusCode.OK, HttpStatusCode.Created)));

        using var onRevoked = await Record(revoked);
        using var onReplaced = await Record(replaced);

        Assert.That((onRevoked.StatusCode, onReplaced.StatusCode), Is.EqualTo((HttpStatusCode.Conflict, HttpStatusCode.Conflict)));
        Assert.That((await onRevoked.ReadJson())["title"]!.GetValue<string>(), Is.EqualTo("The certificate is not active"));
        Assert.That(await Count("certificate_follow_ups"), Is.EqualTo(0));
        Assert.That(await AuditCount("action = 'follow-up.record' AND outcome = 'conflict'"), Is.EqualTo(2));
    }

    [Test]
    public async Task Record_WithTheSameIdempotencyKey_IsRecordedOnce()
    {
        var id = await IssueOk();

        using var first = await Record(id, idempotencyKey: "follow-up-1");
        using var again = await Record(id, idempotencyKey: "follow-up-1");

        Assert.That((first.StatusCode, again.StatusCode), Is.EqualTo((HttpStatusCode.Created, HttpStatusCode.Created)));
        Assert.That(await again.Content.ReadAsStringAsync(), Is.EqualTo(await first.Content.ReadAsStringAsync()));
        Assert.That(again.Headers.GetValues("Idempotent-Replayed"), Is.EqualTo(new[] { "true" }));
        Assert.That(await Count("certificate_follow_ups"), Is.EqualTo(1));
        Assert.That(await AuditCount("action = 'follow-up.record'"), Is.EqualTo(1));
    }

    [Test]
    public async Task List_LatestFirst_ClinicianAndAdminSeeWhoRecorded_GuardiansSeeTheDateAndNote()
    {
        var id = await IssueOk();
        Clock.Advance(TimeSpan.FromDays(10));
        using var later = await Record(id, new { doneOn = "2026-12-02", note = "Andra uppföljningen." });
        using var earlier = await Record(id, new { doneOn = "2026-11-25", note = Note });

        var clinician = await List(id, Tokens.Clinician());
        var admin = await List(id, Tokens.Admin());
        using var guardianResponse = await Client(Tokens.Guardian()).GetAsync($"/api/certificates/{id}/follow-ups");
        var guardianText = await guardianResponse.Content.ReadAsStringAsync();
        var guardian = JsonNode.Parse(guardianText)!["items"]!.AsArray();

        Assert.That(clinician.Select(f => f!["doneOn"]!.GetValue<string>()), Is.EqualTo(new[] { "2026-12-02", "2026-11-25" }));
        Assert.That(admin.Select(f => f!["recordedBy"]!["id"]!.GetValue<string>()), Is.EqualTo(new[] { ClinicianHsaId, ClinicianHsaId }));
        Assert.That(guardian.Select(f => f!["note"]!.GetValue<string>()), Is.EqualTo(new[] { "Andra uppföljningen.", Note }));
        Assert.That(guardian.Select(f => f!["recordedBy"]), Is.All.Null);
        Assert.That(guardianText, Does.Not.Contain(ClinicianHsaId).And.Not.Contain("Karin Berg"));
        Assert.That(await AuditCount("action = 'follow-up.read' AND outcome = 'ok' AND certificate_id = @Id", new { Id = id }),
            Is.EqualTo(3));
    }

    [Test]
    public async Task List_BySomeoneWhoCannotReadTheCertificate_Is404_ASchoolIs403()
    {
        var id = await IssueOk();
        using var recorded = await Record(id);

        using var otherClinician = await Client(Tokens.Clinician(Tokens.OtherCareUnit, "c2")).GetAsync($"/api/certificates/{id}/follow-ups");
        using var otherGuardian = await Client(Tokens.Guardian(Tokens.OtherGuardianPnr)).GetAsync($"/api/certificates/{id}/follow-ups");
        using var unknown = await Client(Tokens.Admin()).GetAsync($"/api/certificates/{Guid.NewGuid()}/follow-ups");
        using var school = await Client(Tokens.School()).GetAsync($"/api/certificates/{id}/follow-ups");

        Assert.That(new[] { otherClinician.StatusCode, otherGuardian.StatusCode, unknown.StatusCode },
            Is.All.EqualTo(HttpStatusCode.NotFound));
        Assert.That(school.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "a follow-up is the care unit's and the family's");
        Assert.That(await AuditCount("action = 'follow-up.read' AND outcome = 'denied'"), Is.EqualTo(2));
        Assert.That(await AuditCount("action = 'follow-up.read' AND outcome = 'not-found'"), Is.EqualTo(1));
        Assert.That(await AuditCount("action = 'access.forbidden' AND actor_role = 'school'"), Is.EqualTo(1));
    }
}
