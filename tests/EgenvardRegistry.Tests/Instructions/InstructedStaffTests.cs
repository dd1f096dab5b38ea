using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.Tests.Instructions;

/// <summary>Which school staff were instructed in a certificate's egenvård: recorded, listed, removed, carried over.</summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class InstructedStaffTests(Engine engine) : IntegrationTest(engine)
{
    private static JsonObject Staff(string name = "Anna Svensson", string role = "Elevassistent", string on = "2026-11-20") => new()
    {
        ["staffName"] = name, ["staffRole"] = role, ["instructedBy"] = "Diabetessköterska Eva Holm", ["instructedOn"] = on,
    };

    private Task<HttpResponseMessage> Record(Guid certificate, JsonObject? body = null, string? schoolUnit = null) =>
        Client(Tokens.School(schoolUnit ?? Tokens.SchoolUnit)).PostAsJsonAsync($"/api/certificates/{certificate}/instructions", body ?? Staff());

    private async Task<Guid> RecordOk(Guid certificate, JsonObject? body = null, string? schoolUnit = null)
    {
        using var response = await Record(certificate, body, schoolUnit);
        var json = await response.ReadJson();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), json.ToJsonString());
        return Guid.Parse(json["id"]!.GetValue<string>());
    }

    private async Task<JsonObject> List(Guid certificate, string token)
    {
        using var response = await Client(token).GetAsync($"/api/certificates/{certificate}/instructions");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return await response.ReadJson();
    }

    private Task<HttpResponseMessage> Remove(Guid certificate, Guid entry, string? schoolUnit = null) =>
        Client(Tokens.School(schoolUnit ?? Tokens.SchoolUnit)).DeleteAsync($"/api/certificates/{certificate}/instructions/{entry}");

    private static IEnumerable<string> Names(JsonObject list) =>
        list["items"]!.AsArray().Select(item => item!["staffName"]!.GetValue<string>());

    [Test]
    public async Task Record_AsTheSchoolItIsSharedWith_Is201WithTheEntry_AndAudited()
    {
        var id = await IssueOk();

        using var response = await Record(id);
        var entry = await response.ReadJson();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(entry.Select(field => field.Key), Is.EquivalentTo(new[]
        {
            "id", "certificateId", "schoolUnit", "staffName", "staffRole", "instructedBy", "instructedOn", "recordedAt", "recordedBy", "carriedFrom",
        }));
        Assert.That((entry["certificateId"]!.GetValue<string>(), entry["schoolUnit"]!.GetValue<string>(), entry["staffName"]!.GetValue<string>(),
                entry["instructedOn"]!.GetValue<string>(), entry["recordedBy"]!.GetValue<string>()),
            Is.EqualTo((id.ToString(), Tokens.SchoolUnit, "Anna Svensson", "2026-11-20", $"school-{Tokens.SchoolUnit}")));
        var audit = (await AuditRows()).Single(row => row.Action == "instruction.record");
        Assert.That((audit.Outcome, audit.CertificateId, audit.ChildId, audit.ActorUnit),
            Is.EqualTo(("ok", (string?)id.ToString(), await ChildId(Samples.ChildPnr), (string?)Tokens.SchoolUnit)));
    }

    [Test]
    public async Task List_SchoolSeesItsOwnUnits_ClinicianAndAdminSeeEveryUnits_AndEachReadIsAudited()
    {
        var id = await IssueOk(Samples.Certificate(sharedWith: [Tokens.SchoolUnit, Tokens.OtherSchoolUnit]));
        await RecordOk(id, Staff("Anna Svensson"));
        await RecordOk(id, Staff("Bo Ek"), Tokens.OtherSchoolUnit);

        var school = await List(id, Tokens.School());
        var clinician = await List(id, Tokens.Clinician());
        var admin = await List(id, Tokens.Admin());

        Assert.That(Names(school), Is.EqualTo(new[] { "Anna Svensson" }));
        Assert.That(Names(clinician), Is.EquivalentTo(new[] { "Anna Svensson", "Bo Ek" }));
        Assert.That(Names(admin), Is.EquivalentTo(new[] { "Anna Svensson", "Bo Ek" }));
        Assert.That(school["measuresChangedAtRenewal"]!.GetValue<bool>(), Is.False);
        var reads = (await AuditRows()).Where(row => row.Action == "instruction.list").Select(row => (row.ActorRole, row.Outcome));
        Assert.That(reads, Is.EqualTo(new[] { ("school", "ok"), ("clinician", "ok"), ("admin", "ok") }));
    }

    [Test]
    public async Task Remove_Is204_TheStaffMemberIsNoLongerListed_ButTheHistoryIsKept()
    {
        var id = await IssueOk();
        var anna = await RecordOk(id, Staff("Anna Svensson"));
        await RecordOk(id, Staff("Bo Ek"));

        using var removed = await Remove(id, anna);
        using var again = await Remove(id, anna);

        Assert.That(removed.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "a removed entry is no longer current");
        Assert.That(Names(await List(id, Tokens.School())), Is.EqualTo(new[] { "Bo Ek" }));
        Assert.That(await Count("staff_instructions"), Is.EqualTo(2), "the entry itself stays");
        Assert.That(await Count("staff_instruction_removals"), Is.EqualTo(1));
        var removals = (await AuditRows()).Where(row => row.Action == "instruction.remove").Select(row => row.Outcome);
        Assert.That(removals, Is.EqualTo(new[] { "ok", "not-found" }));
    }

    [Test]
    public async Task Remove_TwoRemovalsRacing_OneWins_TheOtherIs404_NeverA500()
    {
        var id = await IssueOk();
        var anna = await RecordOk(id);

        var responses = await Task.WhenAll(Remove(id, anna), Remove(id, anna), Remove(id, anna));

        Assert.That(responses.Select(response => response.StatusCode),
            Is.EquivalentTo(new[] { HttpStatusCode.NoContent, HttpStatusCode.NotFound, HttpStatusCode.NotFound }));
        Assert.That(await Count("staff_instruction_removals"), Is.EqualTo(1));
    }

    [Test]
    public async Task Remove_AnotherUnitsEntry_OrAnUnknownOne_Is404_AndChangesNothing()
    {
        var id = await IssueOk(Samples.Certificate(sharedWith: [Tokens.SchoolUnit, Tokens.OtherSchoolUnit]));
        var anna = await RecordOk(id);

        using var otherUnit = await Remove(id, anna, Tokens.OtherSchoolUnit);
        using var unknown = await Remove(id, Guid.NewGuid());
        using var wrongCertificate = await Remove(await IssueOk(Samples.Certificate(childPnr: Samples.OtherChildPnr)), anna);

        Assert.That(new[] { otherUnit.StatusCode, unknown.StatusCode, wrongCertificate.StatusCode }, Is.All.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await Count("staff_instruction_removals"), Is.EqualTo(0));
    }

    [Test]
    public async Task Record_OnACertificateNotSharedWithTheUnit_Is404_AndAuditedAsDenied()
    {
        var id = await IssueOk();

        using var response = await Record(id, schoolUnit: Tokens.OtherSchoolUnit);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await Count("staff_instructions"), Is.EqualTo(0));
        Assert.That((await AuditRows()).Single(row => row.Action == "instruction.record").Outcome, Is.EqualTo("denied"));
    }

    [Test]
    public async Task Record_OnARevokedCertificate_Is409()
    {
        var id = await IssueOk();
        using (var revoked = await Revoke(id))
        {
            Assert.That(revoked.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        using var response = await Record(id);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(await Count("staff_instructions"), Is.EqualTo(0));
    }

    [Test]
    public async Task Record_MissingFields_Is400WithEveryField_AndRecordsNothing()
    {
        var id = await IssueOk();

        using var response = await Record(id, new JsonObject { ["staffName"] = "  " });
        var problem = await response.ReadJson();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(problem.ErrorFields(), Is.EqualTo(new[] { "staffName", "staffRole", "instructedBy", "instructedOn" }));
        Assert.That(await Count("staff_instructions"), Is.EqualTo(0));
    }

    [Test]
    public async Task Record_AFutureDate_OrTooLongAName_Is400()
    {
        var id = await IssueOk();

        using var future = await Record(id, Staff(on: "2026-11-24"));
        using var tooLong = await Record(id, Staff(name: new string('a', 201)));

        Assert.That((await future.ReadJson())["errors"]!["instructedOn"]![0]!.GetValue<string>(), Is.EqualTo("Cannot be later than today."));
        Assert.That((await tooLong.ReadJson())["errors"]!["staffName"]![0]!.GetValue<string>(), Is.EqualTo("At most 200 characters."));
    }

    [TestCase("instructedOn", "igår")]
    [TestCase("staffName", 42)]
    public async Task Record_AValueOfTheWrongType_Is400ForThatField_NotA500(string field, object value)
    {
        var id = await IssueOk();
        var body = Staff();
        body[field] = JsonValue.Create(value);

        using var response = await Record(id, body);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await response.ReadJson()).ErrorFields(), Is.EqualTo(new[] { field }));
    }

    [Test]
    public async Task Record_WithAnIdempotencyKey_RecordsOnce_AndReplaysTheFirstResponse()
    {
        var id = await IssueOk();
        async Task<HttpResponseMessage> Send()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/certificates/{id}/instructions") { Content = JsonContent.Create(Staff()) };
            request.Headers.Add("Idempotency-Key", "instruera-anna-1");
            return await Client(Tokens.School()).SendAsync(request);
        }

        using var first = await Send();
        using var second = await Send();

        Assert.That((first.StatusCode, second.StatusCode), Is.EqualTo((HttpStatusCode.Created, HttpStatusCode.Created)));
        Assert.That(second.Headers.GetValues("Idempotent-Replayed"), Is.EqualTo(new[] { "true" }));
        Assert.That(await second.Content.ReadAsStringAsync(), Is.EqualTo(await first.Content.ReadAsStringAsync()));
        Assert.That(await Count("staff_instructions"), Is.EqualTo(1));
    }

    [Test]
    public async Task Verification_SaysHowManyOfTheUnitsStaffAreInstructed()
    {
        var id = await IssueOk(Samples.Certificate(sharedWith: [Tokens.SchoolUnit, Tokens.OtherSchoolUnit]));
        Assert.That((await Verify(Samples.ChildPnr, "insulin"))["instructedStaff"]!.GetValue<int>(), Is.EqualTo(0));
        var anna = await RecordOk(id, Staff("Anna Svensson"));
        await RecordOk(id, Staff("Bo Ek"));
        await RecordOk(id, Staff("Cecilia Ek"), Tokens.OtherSchoolUnit);

        var two = await Verify(Samples.ChildPnr, "insulin");
        using (await Remove(id, anna))
        {
        }
        var one = await Verify(Samples.ChildPnr, "insulin");
        var notCovered = await Verify(Samples.ChildPnr, "oxygen");

        Assert.That(two["instructedStaff"]!.GetValue<int>(), Is.EqualTo(2), "only the caller's unit's staff count");
        Assert.That(one["instructedStaff"]!.GetValue<int>(), Is.EqualTo(1));
        Assert.That(notCovered["instructedStaff"]!.GetValue<int>(), Is.EqualTo(1), "for the certificate the answer names");
    }

    [Test]
    public async Task Renewal_WithTheSameMeasures_CarriesTheInstructedStaffOver()
    {
        var id = await IssueOk(Samples.Certificate(sharedWith: [Tokens.SchoolUnit, Tokens.OtherSchoolUnit]));
        var anna = await RecordOk(id, Staff("Anna Svensson"));
        var bo = await RecordOk(id, Staff("Bo Ek"));
        await RecordOk(id, Staff("Cecilia Ek"), Tokens.OtherSchoolUnit);
        using (await Remove(id, bo))
        {
        }
        var body = NewDates();
        body["sharedWith"] = new JsonArray(Tokens.SchoolUnit);

        using var renewal = await Renew(id, body);
        var renewedId = Guid.Parse((await renewal.ReadJson())["id"]!.GetValue<string>());

        var list = await List(renewedId, Tokens.Clinician());
        var carried = list["items"]!.AsArray().Single()!;
        Assert.That((carried["staffName"]!.GetValue<string>(), carried["carriedFrom"]!.GetValue<string>(), carried["instructedOn"]!.GetValue<string>()),
            Is.EqualTo(("Anna Svensson", anna.ToString(), "2026-11-20")), "the current entries at units it is still shared with");
        Assert.That(list["measuresChangedAtRenewal"]!.GetValue<bool>(), Is.False);
        Assert.That(Names(await List(id, Tokens.Clinician())), Is.EquivalentTo(new[] { "Anna Svensson", "Cecilia Ek" }),
            "the renewed certificate keeps its own");
        var carryOver = (await AuditRows()).Single(row => row.Action == "instruction.carry-over");
        Assert.That((carryOver.Outcome, carryOver.CertificateId), Is.EqualTo(("ok", (string?)renewedId.ToString())));
    }

    [Test]
    public async Task Renewal_WithChangedMeasures_CarriesNoOneOver_AndSaysTheMeasuresChanged()
    {
        var id = await IssueOk();
        await RecordOk(id);
        var body = NewDates();
        body["measures"] = new JsonArray(Samples.Measure("insulin"), Samples.Measure("blood-glucose"));

        using var renewal = await Renew(id, body);
        var renewedId = Guid.Parse((await renewal.ReadJson())["id"]!.GetValue<string>());

        var list = await List(renewedId, Tokens.School());
        Assert.That(list["items"]!.AsArray(), Is.Empty);
        Assert.That(list["measuresChangedAtRenewal"]!.GetValue<bool>(), Is.True);
        Assert.That((await AuditRows()).Single(row => row.Action == "instruction.carry-over").Outcome, Is.EqualTo("measures-changed"));
        Clock.Advance(TimeSpan.FromDays(300));
        Assert.That((await Verify(Samples.ChildPnr, "insulin"))["instructedStaff"]!.GetValue<int>(), Is.EqualTo(0));
    }

    [Test]
    public async Task SchoolList_SaysHowManyAreInstructed_AndCanListOnlyThoseWithoutInstructedStaff()
    {
        var instructed = await IssueOk();
        var uninstructed = await IssueOk(Samples.Certificate(childPnr: Samples.OtherChildPnr));
        await RecordOk(instructed);

        using var all = await Client(Tokens.School()).GetAsync("/api/schools/me/certificates");
        using var without = await Client(Tokens.School()).GetAsync("/api/schools/me/certificates?withoutInstructedStaff=true");

        var items = (await all.ReadJson())["items"]!.AsArray();
        Assert.That(items.Select(item => (item!["id"]!.GetValue<string>(), item["instructedStaff"]!.GetValue<int>())),
            Is.EquivalentTo(new[] { (instructed.ToString(), 1), (uninstructed.ToString(), 0) }));
        Assert.That((await without.ReadJson())["items"]!.AsArray().Select(item => item!["id"]!.GetValue<string>()),
            Is.EqualTo(new[] { uninstructed.ToString() }));
    }

    [Test]
    public async Task Entries_AreAppendOnly_TheDatabaseRefusesToChangeOne()
    {
        var id = await IssueOk();
        var anna = await RecordOk(id);
        using (await Remove(id, anna))
        {
        }

        Assert.That(async () => await Execute("UPDATE staff_instructions SET staff_name = 'Någon annan'"), Throws.Exception);
        Assert.That(async () => await Execute("UPDATE staff_instruction_removals SET removed_by = 'x'"), Throws.Exception);
    }
}
