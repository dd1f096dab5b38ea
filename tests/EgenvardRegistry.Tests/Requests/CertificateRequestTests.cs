using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.Tests.Requests;

/// <summary>
/// Begäran om egenvårdsintyg through the API: a school asks through the guardians, asking again while one is open gives
/// that one, the school lists and withdraws its requests, a clinician finds and answers them, guardians see them.
/// </summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class CertificateRequestTests(Engine engine) : RequestTestBase(engine)
{
    [Test]
    public async Task Create_WithGuardians_IsOpen_QueuesOneEmailPerGuardian_AndShowsNoGuardian()
    {
        var body = Body(guardians: new JsonArray(
            new JsonObject { ["name"] = GuardianName, ["email"] = GuardianEmail },
            new JsonObject { ["name"] = "Johan Lind", ["email"] = "johan.lind@example.se" }));

        var request = await AskOk(body);

        Assert.Multiple(async () =>
        {
            Assert.That(Text(request, "status"), Is.EqualTo("open"));
            Assert.That(Text(request, "reference"), Does.Match("^BEG-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{2}$"));
            Assert.That(Text(request, "schoolUnit"), Is.EqualTo(Tokens.SchoolUnit));
            Assert.That(Text(request, "childName"), Is.EqualTo("Alva Lind"));
            Assert.That(request["measures"]!.AsArray().Select(code => code!.GetValue<string>()), Is.EqualTo(new[] { "insulin", "blood-glucose" }));
            Assert.That(Text(request, "message"), Is.EqualTo(Message));
            Assert.That(request["createdAt"]!.GetValue<DateTimeOffset>(), Is.EqualTo(TestClock.Reference));
            Assert.That(request["createdBy"]!["id"]!.GetValue<string>(), Is.EqualTo("school-12345678"));
            Assert.That((request["ageInDays"]!.GetValue<int>(), request["daysLeft"]!.GetValue<int>()), Is.EqualTo((0, 60)));
            Assert.That(Text(request, "openUntil"), Is.EqualTo(Samples.Iso(Clock.Today.AddDays(60))));
            Assert.That(request["notifiedGuardians"]!.GetValue<int>(), Is.EqualTo(2));
            Assert.That(request["certificateId"], Is.Null);
            Assert.That(request.ToJsonString(), Does.Not.Contain("example.se").And.Not.Contain(Samples.ChildPnr));
            Assert.That(await Count("certificate_requests", "status = 'open'"), Is.EqualTo(1));
            Assert.That(await Count("notifications", "kind = 'certificate-request' AND status = 'pending' AND request_id IS NOT NULL"),
                Is.EqualTo(2));
            Assert.That(await Count("children", "name = 'Alva Lind'"), Is.EqualTo(1), "the child the registry had not met gets its id");
            var audit = (await AuditRows())[^1];
            Assert.That((audit.Action, audit.Outcome, audit.ActorUnit, audit.ChildId),
                Is.EqualTo(("request.create", "ok", (string?)Tokens.SchoolUnit, await ChildId(Samples.ChildPnr))));
        });
    }

    [Test]
    public async Task Create_Again_WhileOneIsOpen_Is200WithThatRequest_AndSendsNothingMore()
    {
        var first = await AskOk();

        using var again = await Ask(Body(measures: new JsonArray("adrenaline"), message: "Ett annat meddelande."));
        var json = await again.ReadJson();

        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.OK), json.ToJsonString());
        Assert.That((Id(json), Text(json, "reference"), Text(json, "message")),
            Is.EqualTo((Id(first), Text(first, "reference"), Message)), "the open request as it was made");
        Assert.That(await Count("certificate_requests"), Is.EqualTo(1));
        Assert.That(await Count("notifications"), Is.EqualTo(1));
        Assert.That(await AuditCount("action = 'request.create' AND outcome = 'already-open'"), Is.EqualTo(1));
    }

    [Test]
    public async Task Create_ManyAtOnce_MakesOneRequestAndOneEmail_AndEveryoneGetsIt()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            using var response = await Ask();
            return (response.StatusCode, Json: await response.ReadJson());
        }));

        Assert.That(responses.Count(r => r.StatusCode == HttpStatusCode.Created), Is.EqualTo(1),
            string.Join("; ", responses.Select(r => $"{r.StatusCode} {r.Json.ToJsonString()}")));
        Assert.That(responses.Count(r => r.StatusCode == HttpStatusCode.OK), Is.EqualTo(7));
        Assert.That(responses.Select(r => Id(r.Json)).Distinct().Count(), Is.EqualTo(1));
        Assert.That(await Count("certificate_requests"), Is.EqualTo(1));
        Assert.That(await Count("notifications"), Is.EqualTo(1));
        Assert.That(await Count("children"), Is.EqualTo(1));
    }

    [Test]
    public async Task Create_ByAnotherUnit_ForTheSameChild_IsARequestOfItsOwn()
    {
        var ours = await AskOk();

        var theirs = await AskOk(token: Tokens.School(Tokens.OtherSchoolUnit));

        Assert.That(Id(theirs), Is.Not.EqualTo(Id(ours)));
        Assert.That(Text(theirs, "schoolUnit"), Is.EqualTo(Tokens.OtherSchoolUnit));
        Assert.That(await SchoolList(), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Create_WithoutGuardians_ForAChildTheRegistryKnows_EmailsTheGuardiansItKnows_WithoutNamingThem()
    {
        await IssueOk(Samples.Certificate(sharedWith: [Tokens.OtherSchoolUnit]));

        var request = await AskOk(Body(withoutGuardians: true, childName: "Alva"));

        Assert.That(request["notifiedGuardians"]!.GetValue<int>(), Is.EqualTo(1));
        Assert.That(request.ToJsonString(), Does.Not.Contain(GuardianName).And.Not.Contain(GuardianEmail).And.Not.Contain(Tokens.GuardianPnr));
        Assert.That(await Count("certificate_request_recipients", "guardian_id IS NOT NULL AND email = @GuardianEmail",
            new { GuardianEmail }), Is.EqualTo(1));
        Assert.That(await Count("children", "name = 'Alva Lind'"), Is.EqualTo(1), "the registry's name for the child stays");
    }

    [Test]
    public async Task Create_WithoutGuardians_ForAChildTheRegistryDoesNotKnow_Is422OnGuardians_AndStoresNothing()
    {
        using var response = await Ask(Body(withoutGuardians: true));
        var problem = await response.ReadJson();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity), problem.ToJsonString());
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(problem.ErrorFields(), Is.EqualTo(new[] { "guardians" }));
        Assert.That(problem["errors"]!["guardians"]![0]!.GetValue<string>(), Does.Contain("knows no guardian"));
        Assert.That(await Count("certificate_requests"), Is.EqualTo(0));
        Assert.That(await Count("children"), Is.EqualTo(0));
        Assert.That(await Count("notifications"), Is.EqualTo(0));
        Assert.That(await AuditCount("action = 'request.create' AND outcome = 'invalid'"), Is.EqualTo(1));
    }

    [Test]
    public async Task Create_WithoutGuardians_WhenTheKnownGuardianHasNoEmail_Is422()
    {
        var certificate = Samples.Certificate();
        certificate["guardians"]![0]!["email"] = null;
        await IssueOk(certificate);

        using var response = await Ask(Body(withoutGuardians: true));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
        Assert.That(await Count("certificate_requests"), Is.EqualTo(0));
    }

    private static IEnumerable<TestCaseData> BadRequests()
    {
        static TestCaseData Case(JsonObject body, string field, string name) => new TestCaseData(body, field).SetName($"Create_{name}_Is400");
        yield return Case(Body(personnummer: null), "personnummer", "NoPersonnummer");
        yield return Case(Body(personnummer: "201503122383"), "personnummer", "WrongCheckDigit");
        yield return Case(Body(childName: null), "childName", "NoChildName");
        yield return Case(Body(childName: "Alva\nLind"), "childName", "ChildNameOnTwoLines");
        yield return Case(Body(childName: "Alva\u0000"), "childName", "NulInChildName");
        yield return Case(Body(childName: new string('A', 201)), "childName", "ChildNameTooLong");
        yield return Case(Body(measures: new JsonArray()), "measures", "NoMeasures");
        yield return Case(Body(measures: new JsonArray("insulin", "nose-spray")), "measures[1]", "UnknownMeasure");
        yield return Case(Body(measures: new JsonArray("insulin", "insulin")), "measures[1]", "MeasureTwice");
        yield return Case(Body(message: new string('x', 501)), "message", "MessageTooLong");
        yield return Case(Body(message: "Ring\u0007 oss"), "message", "BellInMessage");
        yield return Case(Body(message: "Gäller 20150312-2382, ring oss."), "message", "PersonnummerInMessage");
        yield return Case(Body(guardians: new JsonArray(
            new JsonObject { ["name"] = "A", ["email"] = "a@example.se" },
            new JsonObject { ["name"] = "B", ["email"] = "b@example.se" },
            new JsonObject { ["name"] = "C", ["email"] = "c@example.se" })), "guardians", "ThreeGuardians");
        yield return Case(Body(guardians: new JsonArray(new JsonObject { ["name"] = "Sara\rLind", ["email"] = GuardianEmail })),
            "guardians[0].name", "GuardianNameWithCarriageReturn");
        yield return Case(Body(guardians: new JsonArray(new JsonObject { ["name"] = GuardianName, ["email"] = "sara.lind" })),
            "guardians[0].email", "GuardianEmailInvalid");
        yield return Case(Body(guardians: new JsonArray(new JsonObject { ["name"] = GuardianName, ["email"] = " " })),
            "guardians[0].email", "GuardianEmailMissing");
        yield return Case(Body(guardians: new JsonArray(
            new JsonObject { ["name"] = GuardianName, ["email"] = GuardianEmail },
            new JsonObject { ["name"] = "Johan Lind", ["email"] = "SARA.LIND@example.se" })), "guardians[1].email", "SameEmailTwice");
        yield return Case(Body(guardians: new JsonArray((JsonNode?)null)), "guardians[0]", "NullGuardian");
    }

    [TestCaseSource(nameof(BadRequests))]
    public async Task Create_BadInput_Is400WithTheField_AndChangesNothing(JsonObject body, string field)
    {
        var before = await AuditCount();

        using var response = await Ask(body);
        var problem = await response.ReadJson();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), problem.ToJsonString());
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(problem.ErrorFields(), Is.EqualTo(new[] { field }));
        Assert.That(problem.ToJsonString(), Does.Not.Contain("20150312"), "a problem never quotes a personnummer");
        Assert.That(await Count("certificate_requests") + await Count("children") + await Count("notifications"), Is.EqualTo(0));
        Assert.That(await AuditCount(), Is.EqualTo(before));
    }

    [Test]
    public async Task Create_BodyThatIsNotTheRightJson_Is400WithTheField()
    {
        using var response = await Client(Tokens.School()).PostAsync("/api/certificate-requests",
            new StringContent("""{ "personnummer": "201503122382", "childName": "Alva", "measures": "insulin" }""",
                Encoding.UTF8, "application/json"));
        var problem = await response.ReadJson();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(problem.ErrorFields(), Is.EqualTo(new[] { "measures" }));
        Assert.That(await Count("certificate_requests"), Is.EqualTo(0));
    }

    [Test]
    public async Task Create_TrimsAndKeepsLineBreaksInTheMessage_AndLeavesAnEmptyMessageOut()
    {
        var request = await AskOk(Body(message: "  Rad ett\r\nRad två  "));
        var other = await AskOk(Body(message: "   "), Tokens.School(Tokens.OtherSchoolUnit));

        Assert.That(Text(request, "message"), Is.EqualTo("Rad ett\nRad två"));
        Assert.That(other["message"], Is.Null);
    }

    [Test]
    public async Task SchoolList_OnlyTheUnitsOwn_OldestFirst_WithAgeInDays()
    {
        var first = await AskOk();
        Clock.Advance(TimeSpan.FromDays(3));
        var second = await AskOk(Body(personnummer: Samples.OtherChildPnr, childName: "Nils Lind"));
        await AskOk(token: Tokens.School(Tokens.OtherSchoolUnit));

        var list = await SchoolList("?status=open");

        Assert.That(list.Select(Id), Is.EqualTo(new[] { Id(first), Id(second) }));
        Assert.That(list.Select(item => item!["ageInDays"]!.GetValue<int>()), Is.EqualTo(new[] { 3, 0 }));
        Assert.That(list.Select(item => item!["daysLeft"]!.GetValue<int>()), Is.EqualTo(new[] { 57, 60 }));
        Assert.That(await AuditCount("action = 'request.list' AND actor_unit = @Unit AND child_id IS NOT NULL", new { Unit = Tokens.SchoolUnit }),
            Is.EqualTo(2));
    }

    [Test]
    public async Task SchoolList_WithAnUnknownStatus_Is400()
    {
        using var response = await Client(Tokens.School()).GetAsync("/api/schools/me/certificate-requests?status=closed");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await response.ReadJson()).ErrorFields(), Is.EqualTo(new[] { "status" }));
    }

    [Test]
    public async Task Withdraw_ByTheUnit_ClosesIt_CancelsTheUnsentEmail_AndASecondTimeIs409()
    {
        var request = await AskOk();

        using var withdrawn = await Withdraw(Id(request));
        var json = await withdrawn.ReadJson();
        using var again = await Withdraw(Id(request));
        using var run = await Client(Tokens.Admin()).PostAsync("/api/admin/reminders/run", null);

        Assert.That(withdrawn.StatusCode, Is.EqualTo(HttpStatusCode.OK), json.ToJsonString());
        Assert.That((Text(json, "status"), json["closedAt"]!.GetValue<DateTimeOffset>()), Is.EqualTo(("withdrawn", TestClock.Reference)));
        Assert.That(json["daysLeft"], Is.Null);
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That((await run.ReadJson())["sent"]!.GetValue<int>(), Is.EqualTo(0));
        Assert.That(await Count("notifications", "status = 'cancelled'"), Is.EqualTo(1));
        Assert.That(await SchoolList(), Is.Empty);
        Assert.That((await SchoolList("?status=withdrawn")).Select(Id), Is.EqualTo(new[] { Id(request) }));
        Assert.That(await AuditCount("action = 'request.withdraw' AND outcome = 'ok'"), Is.EqualTo(1));
        Assert.That(await AuditCount("action = 'request.withdraw' AND outcome = 'conflict'"), Is.EqualTo(1));
    }

    [Test]
    public async Task Withdraw_AnotherUnitsRequest_OrAnUnknownOne_Is404_AndItStaysOpen()
    {
        var request = await AskOk();

        using var foreign = await Withdraw(Id(request), Tokens.School(Tokens.OtherSchoolUnit));
        using var unknown = await Withdraw(Guid.NewGuid().ToString());

        Assert.That((foreign.StatusCode, unknown.StatusCode), Is.EqualTo((HttpStatusCode.NotFound, HttpStatusCode.NotFound)));
        Assert.That((await foreign.ReadJson())["title"]!.GetValue<string>(), Is.EqualTo("Certificate request not found"));
        Assert.That(await Count("certificate_requests", "status = 'open'"), Is.EqualTo(1));
        Assert.That(await AuditCount("action = 'request.withdraw' AND outcome = 'denied' AND actor_unit = @Unit",
            new { Unit = Tokens.OtherSchoolUnit }), Is.EqualTo(1));
    }

    [Test]
    public async Task Search_ByAClinician_GivesTheChildsOpenRequestsFromEveryUnit_OldestFirst()
    {
        var ours = await AskOk();
        Clock.Advance(TimeSpan.FromHours(2));
        var theirs = await AskOk(token: Tokens.School(Tokens.OtherSchoolUnit, "Ekbackens förskola"));
        var withdrawn = await AskOk(Body(personnummer: Samples.OtherChildPnr, childName: "Nils Lind"));
        using (await Withdraw(Id(withdrawn)))
        {
        }

        var found = await Search(token: Tokens.Clinician(Tokens.OtherCareUnit, "clinician-2"));

        Assert.That(found.Select(Id), Is.EqualTo(new[] { Id(ours), Id(theirs) }));
        Assert.That(found.Select(item => item!["schoolUnitName"]?.GetValue<string>()), Is.EqualTo(new[] { null, "Ekbackens förskola" }));
        Assert.That(found[0]!["createdBy"]!["name"]!.GetValue<string>(), Is.EqualTo("Per Ek"));
        Assert.That(await Search(Samples.OtherChildPnr), Is.Empty, "a withdrawn request is not open");
        Assert.That(await AuditCount("action = 'request.search' AND outcome = 'ok' AND child_id IS NOT NULL"), Is.EqualTo(3));
    }

    [Test]
    public async Task Search_ForAChildTheRegistryDoesNotKnow_IsEmpty_AndAudited()
    {
        Assert.That(await Search(), Is.Empty);
        Assert.That(await AuditCount("action = 'request.search' AND outcome = 'not-found'"), Is.EqualTo(1));
    }

    [Test]
    public async Task Search_WithABadPersonnummer_Is400_AndAuditsNothing()
    {
        var before = await AuditCount();

        using var response = await Client(Tokens.Clinician()).PostAsJsonAsync("/api/certificate-requests/search",
            new { personnummer = "20150312" });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await response.ReadJson()).ErrorFields(), Is.EqualTo(new[] { "personnummer" }));
        Assert.That(await AuditCount(), Is.EqualTo(before));
    }

    [Test]
    public async Task GuardianList_ShowsRequestsAboutTheirChildren_WithoutStaffNames_AndNoOneElses()
    {
        await IssueOk(Samples.Certificate(sharedWith: [Tokens.OtherSchoolUnit]));
        var request = await AskOk(Body(withoutGuardians: true));
        await AskOk(Body(personnummer: Samples.OtherChildPnr, childName: "Nils Berg"));

        var mine = await GuardianList();
        var others = await GuardianList(Tokens.Guardian(Tokens.OtherGuardianPnr));

        Assert.That(mine.Select(Id), Is.EqualTo(new[] { Id(request) }));
        Assert.That(mine[0]!["createdBy"], Is.Null);
        Assert.That(Text(mine[0], "reference"), Is.EqualTo(Text(request, "reference")));
        Assert.That(others, Is.Empty);
        Assert.That(await AuditCount("action = 'request.read' AND actor_role = 'guardian' AND child_id = @Child",
            new { Child = Guid.Parse((await ChildId(Samples.ChildPnr))!) }), Is.EqualTo(1));
    }

    [Test]
    public async Task Answer_ByIssuing_FulfilsTheRequest_SharesWithTheRequestingUnit_AndItsCheckIsValid()
    {
        var request = await AskOk(token: Tokens.School(Tokens.OtherSchoolUnit));
        Assert.That((await Verify(Samples.ChildPnr, "insulin", Tokens.OtherSchoolUnit))["reason"]!.GetValue<string>(), Is.EqualTo("none"));

        using var issued = await Issue(Answering(Id(request), sharedWith: [Tokens.SchoolUnit]));
        var certificate = await issued.ReadJson();

        Assert.That(issued.StatusCode, Is.EqualTo(HttpStatusCode.Created), certificate.ToJsonString());
        Assert.That(certificate["sharedWith"]!.AsArray().Select(unit => unit!.GetValue<string>()),
            Is.EquivalentTo(new[] { Tokens.SchoolUnit, Tokens.OtherSchoolUnit }));
        var fulfilled = await SchoolList("?status=fulfilled", Tokens.School(Tokens.OtherSchoolUnit));
        Assert.That(fulfilled.Select(Id), Is.EqualTo(new[] { Id(request) }));
        Assert.That(Text(fulfilled[0], "certificateId"), Is.EqualTo(Text(certificate, "id")));
        Assert.That(await SchoolList(token: Tokens.School(Tokens.OtherSchoolUnit)), Is.Empty);
        Assert.That(await Search(), Is.Empty);
        var verdict = await Verify(Samples.ChildPnr, "insulin", Tokens.OtherSchoolUnit);
        Assert.That((verdict["covered"]!.GetValue<bool>(), verdict["reason"]!.GetValue<string>()), Is.EqualTo((true, "valid")));
        var issueEvent = (await AuditRows()).Single(row => row.Action == "certificate.issue");
        Assert.That(issueEvent.Detail, Is.EqualTo(
            $"Svar på begäran {Text(request, "reference")}: delat med skolenhet {Tokens.OtherSchoolUnit} på vårdnadshavarens begäran."));
        Assert.That(await AuditCount("action = 'request.fulfil' AND outcome = 'ok' AND certificate_id = @Id",
            new { Id = Guid.Parse(Text(certificate, "id")) }), Is.EqualTo(1));
    }

    [Test]
    public async Task Answer_WhenTheUnitIsAlreadyShared_SharesItOnce()
    {
        var request = await AskOk();

        using var issued = await Issue(Answering(Id(request), sharedWith: [Tokens.SchoolUnit]));

        Assert.That((await issued.ReadJson())["sharedWith"]!.AsArray().Select(unit => unit!.GetValue<string>()),
            Is.EqualTo(new[] { Tokens.SchoolUnit }));
    }

    [Test]
    public async Task Answer_ForAnotherChild_Is422NamingTheField_AndIssuesNothing()
    {
        var request = await AskOk();

        using var response = await Issue(Answering(Id(request), childPnr: Samples.OtherChildPnr));
        var problem = await response.ReadJson();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity), problem.ToJsonString());
        Assert.That(problem.ErrorFields(), Is.EqualTo(new[] { "answersRequest" }));
        Assert.That(await Count("certificates"), Is.EqualTo(0));
        Assert.That(await Count("certificate_requests", "status = 'open'"), Is.EqualTo(1));
        Assert.That(await AuditCount("action = 'request.fulfil' AND outcome = 'invalid'"), Is.EqualTo(1));
        Assert.That(await AuditCount("action = 'certificate.issue'"), Is.EqualTo(0));
    }

    [Test]
    public async Task Answer_AWithdrawnRequest_Is409_AndAnUnknownOne422_AndNeitherIssues()
    {
        var request = await AskOk();
        using (await Withdraw(Id(request)))
        {
        }

        using var closed = await Issue(Answering(Id(request)));
        using var unknown = await Issue(Answering(Guid.NewGuid().ToString()));

        Assert.That((closed.StatusCode, unknown.StatusCode), Is.EqualTo((HttpStatusCode.Conflict, HttpStatusCode.UnprocessableEntity)));
        Assert.That((await closed.ReadJson()).ErrorFields(), Is.EqualTo(new[] { "answersRequest" }));
        Assert.That((await unknown.ReadJson()).ErrorFields(), Is.EqualTo(new[] { "answersRequest" }));
        Assert.That(await Count("certificates"), Is.EqualTo(0));
    }

    [Test]
    public async Task Answer_TwiceAtOnce_OneCertificateAnswersIt_TheOtherIs409()
    {
        var request = await AskOk();

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            using var response = await Issue(Answering(Id(request)));
            return response.StatusCode;
        }));

        Assert.That(responses.Count(status => status == HttpStatusCode.Created), Is.EqualTo(1));
        Assert.That(responses.Count(status => status == HttpStatusCode.Conflict), Is.EqualTo(3));
        Assert.That(await Count("certificates"), Is.EqualTo(1));
        Assert.That(await Count("certificate_requests", "status = 'fulfilled'"), Is.EqualTo(1));
    }

    [Test]
    public async Task Answer_WithANonUuid_Is400OnTheField()
    {
        var certificate = Samples.Certificate();
        certificate["answersRequest"] = "BEG-7K3M-Q2";

        using var response = await Issue(certificate);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await response.ReadJson()).ErrorFields(), Is.EqualTo(new[] { "answersRequest" }));
        Assert.That(await Count("certificates"), Is.EqualTo(0));
    }
}
