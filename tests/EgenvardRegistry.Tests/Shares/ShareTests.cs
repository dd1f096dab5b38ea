using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.Tests.Shares;

/// <summary>
/// The guardian decides which units see a certificate: the units by name with the consent history, adding a unit from
/// the directory, withdrawing one (whose next check answers none), and renewals that keep what the guardian withdrew out.
/// </summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class ShareTests(Engine engine) : IntegrationTest(engine)
{
    private const string ClinicianHsaId = "SE2321000016-K7BG";

    [SetUp]
    public Task FillTheDirectory() => Client(Tokens.Admin()).ImportOk();

    private static string SharesPath(Guid id) => $"/api/guardians/me/certificates/{id}/shares";

    private Task<HttpResponseMessage> Add(Guid id, string? unit, string? token = null) =>
        Client(token ?? Tokens.Guardian()).PostAsJsonAsync(SharesPath(id), new JsonObject { ["unit"] = unit });

    private Task<HttpResponseMessage> Withdraw(Guid id, string unit, string? token = null) =>
        Client(token ?? Tokens.Guardian()).DeleteAsync($"{SharesPath(id)}/{unit}");

    private async Task<JsonObject> Shares(Guid id, string? token = null)
    {
        using var response = await Client(token ?? Tokens.Guardian()).GetAsync(SharesPath(id));
        var json = await response.ReadJson();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), json.ToJsonString());
        return json;
    }

    private static List<string> UnitIds(JsonObject shares) =>
        [.. shares["units"]!.AsArray().Select(unit => unit!["id"]!.GetValue<string>())];

    private static List<(string Change, string Unit, string Basis, string Role, string Name)> History(JsonObject shares) =>
        [.. shares["history"]!.AsArray().Select(consent => (
            consent!["change"]!.GetValue<string>(), consent["unit"]!["id"]!.GetValue<string>(), consent["basis"]!.GetValue<string>(),
            consent["by"]!["role"]!.GetValue<string>(), consent["by"]!["name"]!.GetValue<string>()))];

    private async Task<int> Version(Guid id)
    {
        using var response = await Client(Tokens.Admin()).GetAsync($"/api/certificates/{id}");
        return (await response.ReadJson())["version"]!.GetValue<int>();
    }

    private async Task<List<(string Unit, string Change, string ActorRole, string ActorId)>> ConsentRows(Guid id)
    {
        await using var connection = await App.Database.OpenAsync();
        return [.. await connection.QueryAsync<(string, string, string, string)>(
            "SELECT unit_id, change, actor_role, actor_id FROM share_consents WHERE CAST(certificate_id AS TEXT) = @id ORDER BY id",
            new { id = id.ToString() })];
    }

    private async Task<string> GuardianInternalId()
    {
        await using var connection = await App.Database.OpenAsync();
        return await connection.ExecuteScalarAsync<string>("SELECT CAST(id AS TEXT) FROM guardians WHERE personnummer = @pnr",
            new { pnr = Tokens.GuardianPnr }) ?? "";
    }

    [Test]
    public async Task Issue_RecordsTheClinicansUnitsAsSharedAtTheGuardiansRequest_AndTheGuardianSeesThemByName()
    {
        var id = await IssueOk(Samples.Certificate(sharedWith: [Tokens.SchoolUnit, UnitSamples.Preschool]));

        var shares = await Shares(id);

        Assert.That(shares["canChange"]!.GetValue<bool>(), Is.True);
        Assert.That(shares["units"]!.AsArray().Select(unit => (unit!["id"]!.GetValue<string>(), unit["name"]!.GetValue<string>(),
                unit["kind"]!.GetValue<string>(), unit["municipality"]!.GetValue<string>())),
            Is.EqualTo(new[]
            {
                (Tokens.SchoolUnit, UnitSamples.SchoolName, "skola", "Västerås"),
                (UnitSamples.Preschool, UnitSamples.PreschoolName, "forskola", "Västerås"),
            }));
        Assert.That(History(shares), Is.EquivalentTo(new[]
        {
            ("add", Tokens.SchoolUnit, "at-guardians-request", "clinician", "Karin Berg"),
            ("add", UnitSamples.Preschool, "at-guardians-request", "clinician", "Karin Berg"),
        }));
        Assert.That((await ConsentRows(id)).Select(row => row.ActorId), Has.All.EqualTo(ClinicianHsaId));
        Assert.That(await AuditCount("action = 'share.list' AND outcome = 'ok' AND actor_role = 'guardian'"), Is.EqualTo(1));
    }

    [Test]
    public async Task Guardian_AddsAPreschool_WhichIsRecordedAsTheirConsent_AndThePreschoolCanVerifyAtOnce()
    {
        var id = await IssueOk();
        Assert.That((await Verify(Samples.ChildPnr, "insulin", UnitSamples.Preschool))["reason"]!.GetValue<string>(), Is.EqualTo("none"));

        using var response = await Add(id, "f1980001");
        var shares = await response.ReadJson();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), shares.ToJsonString());
        Assert.That(response.Headers.Location!.OriginalString, Is.EqualTo($"{SharesPath(id)}/{UnitSamples.Preschool}"));
        Assert.That(UnitIds(shares), Is.EqualTo(new[] { Tokens.SchoolUnit, UnitSamples.Preschool }));
        Assert.That(History(shares)[0], Is.EqualTo(("add", UnitSamples.Preschool, "guardian", "guardian", "Sara Lind")));
        var rows = await ConsentRows(id);
        Assert.That(rows[^1], Is.EqualTo((UnitSamples.Preschool, "add", "guardian", await GuardianInternalId())));
        Assert.That(rows[^1].ActorId, Does.Not.Contain(Tokens.GuardianPnr[..8]), "the guardian by internal id, never the personnummer");
        Assert.That(await Version(id), Is.EqualTo(2), "sharedWith changed, so does the ETag");
        var verified = await Verify(Samples.ChildPnr, "insulin", UnitSamples.Preschool);
        Assert.That((verified["covered"]!.GetValue<bool>(), verified["reason"]!.GetValue<string>()), Is.EqualTo((true, "valid")));
        Assert.That(await AuditCount("action = 'share.add' AND outcome = 'ok' AND actor_role = 'guardian' AND child_id IS NOT NULL"),
            Is.EqualTo(1));
    }

    [Test]
    public async Task Guardian_AddingAUnitThatAlreadySeesIt_Is200WithNothingRecorded()
    {
        var id = await IssueOk();

        using var response = await Add(id, Tokens.SchoolUnit);
        var shares = await response.ReadJson();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(UnitIds(shares), Is.EqualTo(new[] { Tokens.SchoolUnit }));
        Assert.That(await ConsentRows(id), Has.Count.EqualTo(1), "only the clinician's, at issue");
        Assert.That(await Version(id), Is.EqualTo(1));
        Assert.That(await AuditCount("action = 'share.add' AND outcome = 'unchanged'"), Is.EqualTo(1));
    }

    [TestCase(null, "Required: the unit's id (a skolenhetskod or a preschool id).")]
    [TestCase("1234", "Not a unit id: a skolenhetskod (8 digits) or a preschool id (F, the 4-digit municipality code and 3 digits or capital letters).")]
    [TestCase("F1980999", "No unit with this id in the unit directory.")]
    [TestCase("99999999", "No unit with this id in the unit directory.")]
    public async Task Guardian_AddingAUnitThatIsNotAUnitInTheDirectory_Is400OnTheField_AndChangesNothing(string? unit, string message)
    {
        var id = await IssueOk();

        using var response = await Add(id, unit);
        var problem = await response.ReadJson();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(problem["errors"]!["unit"]!.AsArray().Select(m => m!.GetValue<string>()), Is.EqualTo(new[] { message }));
        Assert.That(await ConsentRows(id), Has.Count.EqualTo(1));
        Assert.That(await Count("certificate_shares"), Is.EqualTo(1));
    }

    [Test]
    public async Task Guardian_Withdraws_AndTheSameSchoolsNextVerificationAnswersNone_AndItsListNoLongerShowsIt()
    {
        var id = await IssueOk();
        Assert.That((await Verify(Samples.ChildPnr, "insulin"))["reason"]!.GetValue<string>(), Is.EqualTo("valid"));
        using (var listed = await Client(Tokens.School()).GetAsync("/api/schools/me/certificates"))
        {
            Assert.That((await listed.ReadJson())["items"]!.AsArray(), Has.Count.EqualTo(1));
        }

        using var withdrawn = await Withdraw(id, Tokens.SchoolUnit);

        Assert.That(withdrawn.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        var verified = await Verify(Samples.ChildPnr, "insulin");
        Assert.That((verified["covered"]!.GetValue<bool>(), verified["reason"]!.GetValue<string>(), verified["certificate"]),
            Is.EqualTo((false, "none", (JsonNode?)null)));
        using var list = await Client(Tokens.School()).GetAsync("/api/schools/me/certificates");
        Assert.That((await list.ReadJson())["items"]!.AsArray(), Is.Empty);
        using var read = await Client(Tokens.School()).GetAsync($"/api/certificates/{id}");
        Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        var shares = await Shares(id);
        Assert.That(UnitIds(shares), Is.Empty);
        Assert.That(History(shares), Is.EqualTo(new[]
        {
            ("withdraw", Tokens.SchoolUnit, "guardian", "guardian", "Sara Lind"),
            ("add", Tokens.SchoolUnit, "at-guardians-request", "clinician", "Karin Berg"),
        }));
        Assert.That(shares["history"]![0]!["unit"]!["name"]!.GetValue<string>(), Is.EqualTo(UnitSamples.SchoolName));
        Assert.That(await AuditCount("action = 'share.withdraw' AND outcome = 'ok'"), Is.EqualTo(1));
    }

    [Test]
    public async Task Guardian_WithdrawingAUnitThatCannotSeeIt_Is204WithNothingRecorded_AndABadUnitIs400()
    {
        var id = await IssueOk();

        using var notShared = await Withdraw(id, UnitSamples.Preschool);
        using var bad = await Withdraw(id, "skola");

        Assert.That(notShared.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await bad.ReadJson()).ErrorFields(), Is.EqualTo(new[] { "unit" }));
        Assert.That(await ConsentRows(id), Has.Count.EqualTo(1));
        Assert.That(await Version(id), Is.EqualTo(1));
        Assert.That(await AuditCount("action = 'share.withdraw' AND outcome = 'unchanged'"), Is.EqualTo(1));
    }

    [Test]
    public async Task Guardian_CanWithdrawAUnitTheDirectoryLacks_AndAddingItAgainIsUnchanged()
    {
        var id = await IssueOk(Samples.Certificate(sharedWith: ["11112222"]));

        var before = await Shares(id);
        using var again = await Add(id, "11112222");
        using var withdrawn = await Withdraw(id, "11112222");

        Assert.That(before["units"]![0]!["name"], Is.Null, "not in the directory");
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.OK), "it already sees the certificate");
        Assert.That(withdrawn.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(await Count("certificate_shares"), Is.EqualTo(0));
    }

    [Test]
    public async Task AnotherGuardiansChild_Is404ForEveryShareEndpoint_AndChangesNothing()
    {
        var id = await IssueOk();
        var other = Tokens.Guardian(Tokens.OtherGuardianPnr);

        using var list = await Client(other).GetAsync(SharesPath(id));
        using var add = await Add(id, UnitSamples.Preschool, other);
        using var withdraw = await Withdraw(id, Tokens.SchoolUnit, other);
        using var unknown = await Add(Guid.NewGuid(), UnitSamples.Preschool);

        Assert.That(new[] { list.StatusCode, add.StatusCode, withdraw.StatusCode, unknown.StatusCode },
            Has.All.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await Count("certificate_shares"), Is.EqualTo(1));
        Assert.That(await ConsentRows(id), Has.Count.EqualTo(1));
        Assert.That(await AuditCount("action IN ('share.list', 'share.add', 'share.withdraw') AND outcome = 'denied'"), Is.EqualTo(3));
        Assert.That(await AuditCount("action = 'share.add' AND outcome = 'not-found'"), Is.EqualTo(1));
    }

    [TestCase("clinician")]
    [TestCase("school")]
    [TestCase("admin")]
    public async Task OtherRoles_Are403_AndTheAttemptIsAudited(string role)
    {
        var id = await IssueOk();
        var token = role switch { "clinician" => Tokens.Clinician(), "school" => Tokens.School(), _ => Tokens.Admin() };

        using var response = await Withdraw(id, Tokens.SchoolUnit, token);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await Count("certificate_shares"), Is.EqualTo(1));
        Assert.That(await AuditCount("action = 'access.forbidden'"), Is.EqualTo(1));
    }

    [Test]
    public async Task ARenewedCertificate_Is404ToChange_ButItsHistoryCanBeRead()
    {
        var old = await IssueOk();
        using var renewed = await Renew(old);
        Assert.That(renewed.StatusCode, Is.EqualTo(HttpStatusCode.Created));

        using var add = await Add(old, UnitSamples.Preschool);
        using var withdraw = await Withdraw(old, Tokens.SchoolUnit);
        var shares = await Shares(old);

        Assert.That((add.StatusCode, withdraw.StatusCode), Is.EqualTo((HttpStatusCode.NotFound, HttpStatusCode.NotFound)));
        Assert.That(shares["canChange"]!.GetValue<bool>(), Is.False);
        Assert.That(await AuditCount("action IN ('share.add', 'share.withdraw') AND outcome = 'not-active'"), Is.EqualTo(2));
    }

    [Test]
    public async Task ARenewal_LeavesOutTheUnitTheGuardianWithdrew_AndItsHistoryGoesBackThroughTheRenewedCertificate()
    {
        var old = await IssueOk(Samples.Certificate(sharedWith: [Tokens.SchoolUnit, UnitSamples.Preschool]));
        using (var withdrawn = await Withdraw(old, UnitSamples.Preschool))
        {
            Assert.That(withdrawn.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        }
        Clock.Advance(TimeSpan.FromMinutes(5));

        using var response = await Renew(old);
        var renewal = await response.ReadJson();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), renewal.ToJsonString());
        Assert.That(renewal["sharedWith"]!.AsArray().Select(unit => unit!.GetValue<string>()), Is.EqualTo(new[] { Tokens.SchoolUnit }));
        var id = Guid.Parse(renewal["id"]!.GetValue<string>());
        Assert.That((await Verify(Samples.ChildPnr, "insulin", UnitSamples.Preschool))["reason"]!.GetValue<string>(), Is.EqualTo("none"));
        var history = History(await Shares(id));
        Assert.That(history[0], Is.EqualTo(("add", Tokens.SchoolUnit, "carried-over", "clinician", "Karin Berg")));
        Assert.That(history[1], Is.EqualTo(("withdraw", UnitSamples.Preschool, "guardian", "guardian", "Sara Lind")));
        Assert.That(history, Has.Count.EqualTo(4));
    }

    [Test]
    public async Task ARenewalPreparedBeforeTheWithdrawal_IsRefused_SoItCannotBringTheUnitBack()
    {
        var old = await IssueOk(Samples.Certificate(sharedWith: [Tokens.SchoolUnit, UnitSamples.Preschool]));
        using (await Withdraw(old, UnitSamples.Preschool))
        {
        }
        var body = NewDates();
        body["sharedWith"] = new JsonArray(Tokens.SchoolUnit, UnitSamples.Preschool);

        using var stale = await Renew(old, body.DeepClone().AsObject(), ifMatch: "\"1\"");

        Assert.That(stale.StatusCode, Is.EqualTo(HttpStatusCode.PreconditionFailed));
        Assert.That(await Count("certificates"), Is.EqualTo(1));
    }

    [Test]
    public async Task ARenewalThatListsTheWithdrawnUnitAgain_SharesItAgain_AtTheGuardiansRequest()
    {
        var old = await IssueOk(Samples.Certificate(sharedWith: [Tokens.SchoolUnit, UnitSamples.Preschool]));
        using (await Withdraw(old, UnitSamples.Preschool))
        {
        }
        var body = NewDates();
        body["sharedWith"] = new JsonArray(Tokens.SchoolUnit, UnitSamples.Preschool);

        using var response = await Renew(old, body, ifMatch: "\"2\"");
        var renewal = await response.ReadJson();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), renewal.ToJsonString());
        var id = Guid.Parse(renewal["id"]!.GetValue<string>());
        Assert.That(History(await Shares(id)).Take(2), Is.EquivalentTo(new[]
        {
            ("add", Tokens.SchoolUnit, "at-guardians-request", "clinician", "Karin Berg"),
            ("add", UnitSamples.Preschool, "at-guardians-request", "clinician", "Karin Berg"),
        }));
    }

    [Test]
    public async Task APreschoolId_WorksEndToEnd_IssueTokenVerificationListAndInstructedStaff()
    {
        var id = await IssueOk(Samples.Certificate(sharedWith: ["f1980001"]));
        var preschool = Tokens.School(UnitSamples.Preschool);

        using var read = await Client(preschool).GetAsync($"/api/certificates/{id}");
        var verified = await Verify(Samples.ChildPnr, "insulin", UnitSamples.Preschool);
        using var list = await Client(preschool).GetAsync("/api/schools/me/certificates");
        using var instructed = await Client(preschool).PostAsJsonAsync($"/api/certificates/{id}/instructions",
            new { staffName = "Anna Svensson", staffRole = "Barnskötare", instructedBy = "Eva Holm", instructedOn = "2026-11-20" });
        using var concern = await Client(preschool).PostAsJsonAsync($"/api/certificates/{id}/concerns",
            new { category = "staffing", description = "Ingen instruerad personal på fredagar.", guardiansInformed = true });

        Assert.That((await read.ReadJson())["sharedWith"]!.AsArray().Select(unit => unit!.GetValue<string>()),
            Is.EqualTo(new[] { UnitSamples.Preschool }));
        Assert.That(verified["reason"]!.GetValue<string>(), Is.EqualTo("valid"));
        Assert.That((await list.ReadJson())["items"]!.AsArray(), Has.Count.EqualTo(1));
        Assert.That((instructed.StatusCode, concern.StatusCode), Is.EqualTo((HttpStatusCode.Created, HttpStatusCode.Created)));
        Assert.That(await AuditCount("action = 'verification' AND actor_unit = @Unit", new { Unit = UnitSamples.Preschool }), Is.EqualTo(1));
    }

    [TestCase("F0000001")]
    [TestCase("F198001")]
    [TestCase("X1980001")]
    public async Task ASchoolTokenWhoseUnitIsNeitherForm_IsRefused(string unit)
    {
        using var response = await Client(Tokens.School(unit)).PostAsJsonAsync("/api/verifications",
            new { personnummer = Samples.ChildPnr, measure = "insulin" });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }
}
