using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.Tests.Concerns;

[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class ConcernTests(Engine engine) : IntegrationTest(engine)
{
    private const string SchoolSub = "school-12345678";
    private const string ClinicianHsaId = "SE2321000016-K7BG";

    private static JsonObject Body(string? category = "instructions-unclear",
        string? description = "Vi vet inte hur dosen räknas ut när lunchen blir sen.", bool? guardiansInformed = true) => new()
    {
        ["category"] = category, ["description"] = description, ["guardiansInformed"] = guardiansInformed,
    };

    private Task<HttpResponseMessage> Report(Guid certificateId, JsonObject? body = null, string? token = null, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/certificates/{certificateId}/concerns")
        {
            Content = JsonContent.Create(body ?? Body()),
        };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        return Client(token ?? Tokens.School()).SendAsync(request);
    }

    private async Task<JsonObject> ReportOk(Guid certificateId, JsonObject? body = null, string? token = null)
    {
        using var response = await Report(certificateId, body, token);
        var json = await response.ReadJson();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), json.ToJsonString());
        return json;
    }

    private Task<HttpResponseMessage> Answer(string concernId, string? text = "Vi ringer er i dag och går igenom dosschemat.",
        string? reassessmentOn = null, string? token = null) =>
        Client(token ?? Tokens.Clinician()).PostAsJsonAsync($"/api/concerns/{concernId}/response",
            new JsonObject { ["text"] = text, ["reassessmentOn"] = reassessmentOn });

    private async Task<JsonArray> Concerns(Guid certificateId, string token)
    {
        using var response = await Client(token).GetAsync($"/api/certificates/{certificateId}/concerns");
        var json = await response.ReadJson();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), json.ToJsonString());
        return json["items"]!.AsArray();
    }

    private async Task<JsonArray> Worklist(string query = "", string? token = null)
    {
        using var response = await Client(token ?? Tokens.Clinician()).GetAsync($"/api/care-units/me/concerns{query}");
        var json = await response.ReadJson();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), json.ToJsonString());
        return json["items"]!.AsArray();
    }

    private static string Id(JsonNode? concern) => concern!["id"]!.GetValue<string>();

    [Test]
    public async Task Report_BySharedSchool_IsOpenAndRecordedWithoutChangingTheCertificate()
    {
        var id = await IssueOk();

        var concern = await ReportOk(id);

        Assert.Multiple(async () =>
        {
            Assert.That(concern["status"]!.GetValue<string>(), Is.EqualTo("open"));
            Assert.That(concern["urgent"]!.GetValue<bool>(), Is.False);
            Assert.That(concern["certificateId"]!.GetValue<string>(), Is.EqualTo(id.ToString()));
            Assert.That(concern["schoolUnit"]!.GetValue<string>(), Is.EqualTo(Tokens.SchoolUnit));
            Assert.That(concern["guardiansInformed"]!.GetValue<bool>(), Is.True);
            Assert.That(concern["reportedBy"]!["id"]!.GetValue<string>(), Is.EqualTo(SchoolSub));
            Assert.That(concern["reportedAt"]!.GetValue<DateTimeOffset>(), Is.EqualTo(TestClock.Reference));
            Assert.That(concern["answer"], Is.Null);
            Assert.That(concern["followedBy"], Is.Null);
            Assert.That(await Count("certificates", "version = 1 AND status = 'active'"), Is.EqualTo(1));
            Assert.That(await Count("certificate_history"), Is.EqualTo(1));
            var audit = (await AuditRows())[^1];
            Assert.That((audit.Action, audit.Outcome, audit.ActorUnit, audit.CertificateId, audit.ChildId),
                Is.EqualTo(("concern.report", "ok", (string?)Tokens.SchoolUnit, (string?)id.ToString(), await ChildId(Samples.ChildPnr))));
        });
    }

    [TestCase("incident", true)]
    [TestCase("child-refuses", false)]
    [TestCase("staffing", false)]
    [TestCase("other", false)]
    public async Task Report_OnlyAnIncident_IsUrgent(string category, bool urgent)
    {
        var id = await IssueOk();

        var concern = await ReportOk(id, Body(category));

        Assert.That(concern["urgent"]!.GetValue<bool>(), Is.EqualTo(urgent));
    }

    [Test]
    public async Task Report_OnACertificateNotSharedWithTheUnit_Or_Unknown_Is404LikeACertificate_AndAudited()
    {
        var id = await IssueOk();
        var unknown = Guid.NewGuid();

        using var notShared = await Report(id, token: Tokens.School(Tokens.OtherSchoolUnit));
        using var missing = await Report(unknown);

        Assert.That((notShared.StatusCode, missing.StatusCode), Is.EqualTo((HttpStatusCode.NotFound, HttpStatusCode.NotFound)));
        Assert.That((await notShared.ReadJson())["title"]!.GetValue<string>(), Is.EqualTo("Certificate not found"));
        Assert.That(await Count("concerns"), Is.EqualTo(0));
        Assert.That(await AuditCount("action = 'concern.report' AND outcome = 'denied' AND actor_unit = @Unit", new { Unit = Tokens.OtherSchoolUnit }),
            Is.EqualTo(1));
        Assert.That(await AuditCount("action = 'concern.report' AND outcome = 'not-found'"), Is.EqualTo(1));
    }

    [TestCase("clinician")]
    [TestCase("guardian")]
    [TestCase("admin")]
    public async Task Report_ByAnotherRole_Is403_AndRecordedAsAForbiddenAttempt(string role)
    {
        var id = await IssueOk();
        var token = role switch { "clinician" => Tokens.Clinician(), "guardian" => Tokens.Guardian(), _ => Tokens.Admin() };

        using var response = await Report(id, token: token);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await Count("concerns"), Is.EqualTo(0));
        Assert.That(await AuditCount("action = 'access.forbidden' AND outcome = 'denied'"), Is.EqualTo(1));
    }

    private static IEnumerable<TestCaseData> BadReports()
    {
        yield return new TestCaseData(Body(category: null), "category").SetName("Report_NoCategory_Is400");
        yield return new TestCaseData(Body(category: "broken-pen"), "category").SetName("Report_UnknownCategory_Is400");
        yield return new TestCaseData(Body(description: null), "description").SetName("Report_NoDescription_Is400");
        yield return new TestCaseData(Body(description: "   "), "description").SetName("Report_BlankDescription_Is400");
        yield return new TestCaseData(Body(description: new string('x', 2001)), "description").SetName("Report_DescriptionTooLong_Is400");
        yield return new TestCaseData(Body(description: "Före\u0000efter"), "description").SetName("Report_NulInDescription_Is400");
        yield return new TestCaseData(Body(description: "Röd \u001b[31mtext"), "description").SetName("Report_EscapeInDescription_Is400");
        yield return new TestCaseData(Body(guardiansInformed: null), "guardiansInformed").SetName("Report_GuardiansInformedMissing_Is400");
    }

    [TestCaseSource(nameof(BadReports))]
    public async Task Report_BadInput_Is400WithTheField_AndStoresAndAuditsNothing(JsonObject body, string field)
    {
        var id = await IssueOk();
        var before = await AuditCount();

        using var response = await Report(id, body);
        var problem = await response.ReadJson();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), problem.ToJsonString());
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(problem.ErrorFields(), Is.EqualTo(new[] { field }));
        Assert.That(await Count("concerns"), Is.EqualTo(0));
        Assert.That(await AuditCount(), Is.EqualTo(before));
    }

    [TestCase("{\"category\": \"incident\", \"description\": \"x\", \"guardiansInformed\": \"ja\"}", "guardiansInformed")]
    [TestCase("{\"category\": \"incident\", \"description\": \"Trasig \\ud800 text\", \"guardiansInformed\": true}", "description")]
    [TestCase("{\"category\": \"incident\", \"description\": ", null)]
    public async Task Report_BodyThatIsNotTheRightJson_Is400WithTheField(string json, string? field)
    {
        var id = await IssueOk();

        using var response = await Client(Tokens.School()).PostAsync($"/api/certificates/{id}/concerns",
            new StringContent(json, Encoding.UTF8, "application/json"));
        var problem = await response.ReadJson();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(problem.ErrorFields(), field is null ? Has.Count.EqualTo(1) : Is.EqualTo(new[] { field }));
        Assert.That(await Count("concerns"), Is.EqualTo(0));
    }

    [Test]
    public async Task Report_KeepsLineBreaksAndTabs_AsWritten()
    {
        var id = await IssueOk();

        var concern = await ReportOk(id, Body(description: "  Rad ett\r\nRad två\n\tindrag  "));

        Assert.That(concern["description"]!.GetValue<string>(), Is.EqualTo("Rad ett\nRad två\n\tindrag"));
    }

    [Test]
    public async Task Report_WithTheSameIdempotencyKey_IsRecordedOnce()
    {
        var id = await IssueOk();

        using var first = await Report(id, idempotencyKey: "concern-1");
        using var again = await Report(id, idempotencyKey: "concern-1");

        Assert.That((first.StatusCode, again.StatusCode), Is.EqualTo((HttpStatusCode.Created, HttpStatusCode.Created)));
        Assert.That(await again.Content.ReadAsStringAsync(), Is.EqualTo(await first.Content.ReadAsStringAsync()));
        Assert.That(again.Headers.GetValues("Idempotent-Replayed"), Is.EqualTo(new[] { "true" }));
        Assert.That(await Count("concerns"), Is.EqualTo(1));
        Assert.That(await AuditCount("action = 'concern.report'"), Is.EqualTo(1));
    }

    [Test]
    public async Task List_ReadersOfTheCertificate_SeeTheConcernAndItsAnswer_GuardiansWithoutStaff()
    {
        var id = await IssueOk();
        var concern = await ReportOk(id);
        using var answered = await Answer(Id(concern), reassessmentOn: "2026-12-03");
        Assert.That(answered.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var school = (await Concerns(id, Tokens.School())).Single()!;
        var clinician = (await Concerns(id, Tokens.Clinician())).Single()!;
        var admin = (await Concerns(id, Tokens.Admin())).Single()!;
        using var guardianResponse = await Client(Tokens.Guardian()).GetAsync($"/api/certificates/{id}/concerns");
        var guardianText = await guardianResponse.Content.ReadAsStringAsync();
        var guardian = JsonNode.Parse(guardianText)!["items"]!.AsArray().Single()!;

        Assert.Multiple(() =>
        {
            foreach (var seen in new[] { school, clinician, admin })
            {
                Assert.That(seen["status"]!.GetValue<string>(), Is.EqualTo("answered"));
                Assert.That(seen["answer"]!["text"]!.GetValue<string>(), Is.EqualTo("Vi ringer er i dag och går igenom dosschemat."));
                Assert.That(seen["answer"]!["reassessmentOn"]!.GetValue<string>(), Is.EqualTo("2026-12-03"));
                Assert.That(seen["answer"]!["answeredBy"]!["id"]!.GetValue<string>(), Is.EqualTo(ClinicianHsaId));
                Assert.That(seen["reportedBy"]!["name"]!.GetValue<string>(), Is.EqualTo("Per Ek"));
            }
            Assert.That(guardian["description"]!.GetValue<string>(), Is.EqualTo(concern["description"]!.GetValue<string>()));
            Assert.That(guardian["answer"]!["text"]!.GetValue<string>(), Is.EqualTo("Vi ringer er i dag och går igenom dosschemat."));
            Assert.That(guardian["answer"]!["reassessmentOn"]!.GetValue<string>(), Is.EqualTo("2026-12-03"));
            Assert.That(guardian["reportedBy"], Is.Null);
            Assert.That(guardian["answer"]!["answeredBy"], Is.Null);
            Assert.That(guardianText, Does.Not.Contain(SchoolSub).And.Not.Contain(ClinicianHsaId).And.Not.Contain("Per Ek")
                .And.Not.Contain("Karin Berg"));
        });
        Assert.That(await AuditCount("action = 'concern.read' AND outcome = 'ok' AND certificate_id IS NOT NULL"), Is.EqualTo(4));
    }

    [Test]
    public async Task List_ByAnyoneWhoCannotReadTheCertificate_Is404_AndAudited()
    {
        var id = await IssueOk();
        await ReportOk(id);

        foreach (var token in new[]
                 {
                     Tokens.School(Tokens.OtherSchoolUnit), Tokens.Clinician(Tokens.OtherCareUnit, "c2"), Tokens.Guardian(Tokens.OtherGuardianPnr),
                 })
        {
            using var response = await Client(token).GetAsync($"/api/certificates/{id}/concerns");
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        }
        using var unknown = await Client(Tokens.Admin()).GetAsync($"/api/certificates/{Guid.NewGuid()}/concerns");

        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await AuditCount("action = 'concern.read' AND outcome = 'denied'"), Is.EqualTo(3));
        Assert.That(await AuditCount("action = 'concern.read' AND outcome = 'not-found'"), Is.EqualTo(1));
    }

    [Test]
    public async Task List_ASchoolUnit_SeesOnlyTheConcernsItRaised()
    {
        var id = await IssueOk(Samples.Certificate(sharedWith: [Tokens.SchoolUnit, Tokens.OtherSchoolUnit]));
        await ReportOk(id, Body(description: "Från skolan."));
        Clock.Advance(TimeSpan.FromMinutes(5));
        await ReportOk(id, Body(description: "Från fritids."), Tokens.School(Tokens.OtherSchoolUnit));

        var ours = await Concerns(id, Tokens.School());
        var all = await Concerns(id, Tokens.Clinician());

        Assert.That(ours.Select(c => c!["description"]!.GetValue<string>()), Is.EqualTo(new[] { "Från skolan." }));
        Assert.That(all.Select(c => c!["description"]!.GetValue<string>()), Is.EqualTo(new[] { "Från fritids.", "Från skolan." }),
            "newest first");
    }

    [Test]
    public async Task Worklist_UrgentFirst_ThenOldestFirst_WithCertificateAndAgeInDays()
    {
        var alva = await IssueOk();
        var nils = await IssueOk(Samples.Certificate(childPnr: Samples.OtherChildPnr, measures: "adrenaline"));
        var oldest = await ReportOk(alva, Body("staffing"));
        Clock.Advance(TimeSpan.FromDays(2));
        var incident = await ReportOk(nils, Body("incident"));
        Clock.Advance(TimeSpan.FromDays(1));
        var newest = await ReportOk(alva, Body("child-refuses"));
        Clock.Advance(TimeSpan.FromDays(1));

        var items = await Worklist();

        Assert.That(items.Select(item => Id(item!["concern"]!)), Is.EqualTo(new[] { Id(incident), Id(oldest), Id(newest) }));
        Assert.That(items.Select(item => item!["ageInDays"]!.GetValue<int>()), Is.EqualTo(new[] { 2, 4, 1 }));
        var first = items[0]!;
        Assert.That(first["concern"]!["schoolUnit"]!.GetValue<string>(), Is.EqualTo(Tokens.SchoolUnit));
        Assert.That(first["certificate"]!["id"]!.GetValue<string>(), Is.EqualTo(nils.ToString()));
        Assert.That(first["certificate"]!["childName"]!.GetValue<string>(), Is.EqualTo("Alva Lind"));
        Assert.That(first["certificate"]!["measures"]!.AsArray().Select(m => m!.GetValue<string>()), Is.EqualTo(new[] { "adrenaline" }));
        Assert.That(first["certificate"]!["status"]!.GetValue<string>(), Is.EqualTo("active"));
        Assert.That(first.ToJsonString(), Does.Not.Contain(Samples.OtherChildPnr), "the worklist names the child, never the personnummer");
        Assert.That(await AuditCount("action = 'concern.worklist' AND outcome = 'ok' AND certificate_id IS NOT NULL"), Is.EqualTo(2),
            "one event per certificate shown");
    }

    [Test]
    public async Task Worklist_ShowsOnlyTheCallersCareUnit_AndOpenUnlessAskedForAnswered()
    {
        var ours = await IssueOk();
        var theirs = await IssueOk(Samples.Certificate(childPnr: Samples.OtherChildPnr, careUnit: Tokens.OtherCareUnit),
            Tokens.Clinician(Tokens.OtherCareUnit, "c2"));
        var open = await ReportOk(ours);
        var answered = await ReportOk(ours, Body("other"));
        await ReportOk(theirs);
        using var answer = await Answer(Id(answered));
        Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var openItems = await Worklist();
        var explicitOpen = await Worklist("?status=open");
        var answeredItems = await Worklist("?status=answered");
        var emptyUnit = await Worklist(token: Tokens.Clinician("SE2321000016-EMPT", "c3"));

        Assert.That(openItems.Select(item => Id(item!["concern"]!)), Is.EqualTo(new[] { Id(open) }));
        Assert.That(explicitOpen.Select(item => Id(item!["concern"]!)), Is.EqualTo(new[] { Id(open) }));
        Assert.That(answeredItems.Select(item => Id(item!["concern"]!)), Is.EqualTo(new[] { Id(answered) }));
        Assert.That(emptyUnit, Is.Empty);
        Assert.That(await AuditCount("action = 'concern.worklist' AND certificate_id IS NULL AND actor_unit = 'SE2321000016-EMPT'"),
            Is.EqualTo(1), "an empty worklist still records that the clinician looked");
    }

    [TestCase("closed")]
    [TestCase("OPEN")]
    public async Task Worklist_UnknownStatus_Is400WithTheField(string status)
    {
        using var response = await Client(Tokens.Clinician()).GetAsync($"/api/care-units/me/concerns?status={status}");
        var problem = await response.ReadJson();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(problem.ErrorFields(), Is.EqualTo(new[] { "status" }));
    }

    [Test]
    public async Task Answer_ByTheIssuingCareUnit_AnswersOnce_AndASecondAnswerIs409()
    {
        var id = await IssueOk();
        var concern = await ReportOk(id, Body("incident"));

        using var first = await Answer(Id(concern));
        var answered = await first.ReadJson();
        using var second = await Answer(Id(concern), "Ett annat svar.");

        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK), answered.ToJsonString());
        Assert.That(answered["status"]!.GetValue<string>(), Is.EqualTo("answered"));
        Assert.That(answered["answer"]!["reassessmentOn"], Is.Null);
        Assert.That(answered["answer"]!["answeredAt"]!.GetValue<DateTimeOffset>(), Is.EqualTo(TestClock.Reference));
        Assert.That(answered["answer"]!["answeredBy"]!["name"]!.GetValue<string>(), Is.EqualTo("Karin Berg"));
        Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That((await Concerns(id, Tokens.School())).Single()!["answer"]!["text"]!.GetValue<string>(),
            Is.EqualTo("Vi ringer er i dag och går igenom dosschemat."));
        Assert.That(await Count("certificates", "version = 1 AND status = 'active'"), Is.EqualTo(1), "the certificate is unchanged");
        Assert.That(await AuditCount("action = 'concern.answer' AND outcome = 'ok' AND certificate_id = @Id",
            new { Id = id }), Is.EqualTo(1));
        Assert.That(await AuditCount("action = 'concern.answer' AND outcome = 'conflict'"), Is.EqualTo(1));
    }

    [Test]
    public async Task Answer_ByAnotherCareUnit_OrForAnUnknownConcern_Is404_AndAudited()
    {
        var id = await IssueOk();
        var concern = await ReportOk(id);

        using var otherUnit = await Answer(Id(concern), token: Tokens.Clinician(Tokens.OtherCareUnit, "c2"));
        using var unknown = await Answer(Guid.NewGuid().ToString());

        Assert.That((otherUnit.StatusCode, unknown.StatusCode), Is.EqualTo((HttpStatusCode.NotFound, HttpStatusCode.NotFound)));
        Assert.That(await Count("concerns", "status = 'open'"), Is.EqualTo(1));
        Assert.That(await AuditCount("action = 'concern.answer' AND outcome = 'denied'"), Is.EqualTo(1));
        Assert.That(await AuditCount("action = 'concern.answer' AND outcome = 'not-found'"), Is.EqualTo(1));
    }

    [TestCase(null, null, "text")]
    [TestCase("", null, "text")]
    [TestCase("Svar\u0007", null, "text")]
    [TestCase("Svar", "2026-11-22", "reassessmentOn")]
    [TestCase("Svar", "2027-12-24", "reassessmentOn")]
    public async Task Answer_BadInput_Is400WithTheField_AndChangesNothing(string? text, string? reassessmentOn, string field)
    {
        var id = await IssueOk();
        var concern = await ReportOk(id);

        using var response = await Answer(Id(concern), text, reassessmentOn);
        var problem = await response.ReadJson();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), problem.ToJsonString());
        Assert.That(problem.ErrorFields(), Is.EqualTo(new[] { field }));
        Assert.That(await Count("concerns", "status = 'open'"), Is.EqualTo(1));
    }

    [Test]
    public async Task Answer_WithAReassessmentToday_IsAccepted()
    {
        var id = await IssueOk();
        var concern = await ReportOk(id);

        using var response = await Answer(Id(concern), reassessmentOn: "2026-11-23");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task ARenewalAfterTheConcern_IsShownOnTheConcern_WithTheNewCertificate()
    {
        var id = await IssueOk();
        var concern = await ReportOk(id);
        Clock.Advance(TimeSpan.FromDays(3));
        using var renewal = await Renew(id);
        var renewedId = (await renewal.ReadJson())["id"]!.GetValue<string>();

        var seen = (await Concerns(id, Tokens.School())).Single()!;

        Assert.That(seen["followedBy"]!["change"]!.GetValue<string>(), Is.EqualTo("renewed"));
        Assert.That(seen["followedBy"]!["certificateId"]!.GetValue<string>(), Is.EqualTo(renewedId));
        Assert.That(seen["followedBy"]!["at"]!.GetValue<DateTimeOffset>(), Is.EqualTo(TestClock.Reference.AddDays(3)));
        Assert.That(seen["status"]!.GetValue<string>(), Is.EqualTo("open"), "a renewal does not answer the concern");
        Assert.That(Id(seen), Is.EqualTo(Id(concern)));
        Assert.That(await Concerns(Guid.Parse(renewedId), Tokens.School()), Is.Empty, "the concern stays on the certificate it was raised on");
    }

    [Test]
    public async Task ARevocation_IsShownOnConcernsRaisedBeforeIt_NotOnLaterOnes()
    {
        var id = await IssueOk();
        var before = await ReportOk(id, Body("incident"));
        Clock.Advance(TimeSpan.FromHours(2));
        using var revoked = await Revoke(id);
        Assert.That(revoked.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Clock.Advance(TimeSpan.FromHours(1));
        var after = await ReportOk(id, Body("other", "Barnet behöver fortfarande hjälp."));

        var seen = (await Concerns(id, Tokens.Guardian())).ToDictionary(Id);

        Assert.That(seen[Id(before)]!["followedBy"]!["change"]!.GetValue<string>(), Is.EqualTo("revoked"));
        Assert.That(seen[Id(before)]!["followedBy"]!["certificateId"]!.GetValue<string>(), Is.EqualTo(id.ToString()));
        Assert.That(seen[Id(after)]!["followedBy"], Is.Null);
    }

    [TestCase("/api/certificates/{id}/concerns", "post", "ReportConcern", new[] { "201", "400", "403", "404", "409", "422" }, true)]
    [TestCase("/api/certificates/{id}/concerns", "get", "ListCertificateConcerns", new[] { "200", "403", "404" }, false)]
    [TestCase("/api/care-units/me/concerns", "get", "ListCareUnitConcerns", new[] { "200", "400", "403" }, false)]
    [TestCase("/api/concerns/{concernId}/response", "post", "RespondToConcern", new[] { "200", "400", "403", "404", "409" }, true)]
    public async Task OpenApi_DocumentsEachConcernEndpoint(string path, string method, string operationId, string[] statuses,
        bool idempotent)
    {
        using var response = await Client(null).GetAsync("/openapi/v1.json");
        var operation = (await response.ReadJson())["paths"]![path]![method]!;

        Assert.That(operation["operationId"]!.GetValue<string>(), Is.EqualTo(operationId));
        Assert.That(operation["tags"]!.AsArray().Select(tag => tag!.GetValue<string>()), Is.EqualTo(new[] { "Concerns" }));
        Assert.That(operation["responses"]!.AsObject().Select(r => r.Key), Is.SupersetOf(statuses));
        var parameters = operation["parameters"]?.AsArray().Select(p => p!["name"]!.GetValue<string>()) ?? [];
        Assert.That(parameters.Contains("Idempotency-Key"), Is.EqualTo(idempotent));
    }
}
