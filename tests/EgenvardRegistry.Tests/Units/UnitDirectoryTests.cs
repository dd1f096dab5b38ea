using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.Tests.Units;

[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class UnitDirectoryTests(Engine engine) : IntegrationTest(engine)
{
    private HttpClient Admin => Client(Tokens.Admin());

    private async Task<JsonObject> ImportJson(string csv, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await Admin.Import(csv);
        var json = await response.ReadJson();
        Assert.That(response.StatusCode, Is.EqualTo(expected), json.ToJsonString());
        return json;
    }

    private static (int Added, int Updated, int Unchanged) Counts(JsonObject result) =>
        (result["added"]!.GetValue<int>(), result["updated"]!.GetValue<int>(), result["unchanged"]!.GetValue<int>());

    private async Task<List<string>> SearchNames(string query, string? token = null)
    {
        using var response = await Client(token ?? Tokens.Guardian()).GetAsync($"/api/units?query={Uri.EscapeDataString(query)}");
        var json = await response.ReadJson();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), json.ToJsonString());
        return [.. json["items"]!.AsArray().Select(unit => unit!["name"]!.GetValue<string>())];
    }

    [Test]
    public async Task Import_AValidFile_AddsEveryUnit_KeepsTheContactAddress_AndIsAuditedAsAnAdminWrite()
    {
        var result = await ImportJson(UnitSamples.Csv);

        Assert.That(Counts(result), Is.EqualTo((5, 0, 0)));
        Assert.That(await Count("units"), Is.EqualTo(5));
        Assert.That(await Count("units", "id = 'F1980001' AND kind = 'forskola' AND name = 'Solrosens förskola' AND contact_email IS NULL"),
            Is.EqualTo(1));
        Assert.That(await Count("units", "id = '12345678' AND contact_email = 'rektor.solbacka@example.se'"), Is.EqualTo(1));
        var audit = await AuditRows();
        Assert.That(audit.Select(row => (row.Action, row.ActorRole, row.Outcome, row.CertificateId, row.ChildId)),
            Is.EqualTo(new[] { ("unit.import", "admin", "ok", (string?)null, (string?)null) }));
    }

    [Test]
    public async Task Import_TheSameFileTwice_ChangesNothing_TheSecondTime()
    {
        await ImportJson(UnitSamples.Csv);
        await using var connection = await App.Database.OpenAsync();
        var before = await Dapper.SqlMapper.QueryAsync<string>(connection,
            "SELECT id || '|' || name || '|' || CAST(updated_at AS TEXT) FROM units ORDER BY id");
        Clock.Advance(TimeSpan.FromDays(1));

        var again = await ImportJson(UnitSamples.Csv);

        var after = await Dapper.SqlMapper.QueryAsync<string>(connection,
            "SELECT id || '|' || name || '|' || CAST(updated_at AS TEXT) FROM units ORDER BY id");
        Assert.That(Counts(again), Is.EqualTo((0, 0, 5)));
        Assert.That(after, Is.EqualTo(before));
    }

    [Test]
    public async Task Import_AChangedRow_UpdatesTheUnit_ANewRowIsAdded_AndUnitsTheFileLeavesOutStay()
    {
        await ImportJson(UnitSamples.Csv);

        var result = await ImportJson("""
            id,name,kind,municipality,organiser,contactEmail
            12345678,Solbackaskolan F-6,skola,Västerås,Västerås stad,expedition.solbacka@example.se
            F1980001,Solrosens förskola,forskola,Västerås,Västerås stad,
            F1980003,Tallens förskola,forskola,Västerås,Västerås stad,
            """);

        Assert.That(Counts(result), Is.EqualTo((1, 1, 1)));
        Assert.That(await Count("units"), Is.EqualTo(6));
        Assert.That(await Count("units", "id = '12345678' AND name = 'Solbackaskolan F-6' AND name_folded = 'solbackaskolan f-6' " +
            "AND contact_email = 'expedition.solbacka@example.se'"), Is.EqualTo(1));
        Assert.That(await SearchNames("F-6"), Is.EqualTo(new[] { "Solbackaskolan F-6" }));
    }

    [Test]
    public async Task Import_WithBadLines_Is400NamingTheLines_AndImportsNothing_NotEvenTheGoodLines()
    {
        await ImportJson(UnitSamples.Csv);

        var problem = await ImportJson("""
            id;name;kind;municipality;organiser;contactEmail
            12345678;Solbackaskolan nytt namn;skola;Västerås;Västerås stad;
            F1980009;Blåklockans förskola;forskola;Västerås;Västerås stad;
            F19800;Kort id;forskola;Västerås;Västerås stad;
            99999999;Skola utan huvudman;skola;Västerås;;
            """, HttpStatusCode.BadRequest);

        Assert.That(problem["title"]!.GetValue<string>(), Is.EqualTo("The unit file has errors; nothing was imported."));
        Assert.That(problem.ErrorFields(), Is.EqualTo(new[] { "lines[4].id", "lines[5].organiser" }));
        Assert.That(await Count("units"), Is.EqualTo(5));
        Assert.That(await Count("units", "name = 'Solbackaskolan'"), Is.EqualTo(1));
        Assert.That(await AuditCount("action = 'unit.import'"), Is.EqualTo(1), "only the first, good import");
    }

    [Test]
    public async Task Import_NotCsv_Is415_AndAnEmptyFile_Is400()
    {
        using var json = await Admin.Import("""{ "units": [] }""", "application/json");
        using var latin1 = await Admin.PostAsync("/api/admin/units/import",
            new ByteArrayContent(Encoding.Latin1.GetBytes(UnitSamples.Csv)) { Headers = { { "Content-Type", "text/csv; charset=iso-8859-1" } } });
        var empty = await ImportJson("", HttpStatusCode.BadRequest);

        Assert.That((json.StatusCode, latin1.StatusCode), Is.EqualTo((HttpStatusCode.UnsupportedMediaType, HttpStatusCode.UnsupportedMediaType)));
        Assert.That(empty.ErrorFields(), Is.EqualTo(new[] { "file" }));
        Assert.That(await Count("units"), Is.EqualTo(0));
    }

    [Test]
    public async Task Import_TakesAFileLargerThanOtherRequestBodies_ButNotPastItsOwnLimit()
    {
        var csv = new StringBuilder("id;name;kind;municipality;organiser;contactEmail\n");
        for (var i = 1; i <= 1500; i++)
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"F1980{i:X3};Förskolan nummer {i} med ett långt namn;forskola;Västerås;Västerås stad;\n");
        }
        Assert.That(Encoding.UTF8.GetByteCount(csv.ToString()), Is.GreaterThan(64 * 1024));

        var result = await ImportJson(csv.ToString());
        using var tooLarge = await Admin.Import(new string('x', 8 * 1024 * 1024 + 1));

        Assert.That(Counts(result), Is.EqualTo((1500, 0, 0)));
        Assert.That(tooLarge.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        Assert.That((await tooLarge.ReadJson())["detail"]!.GetValue<string>(), Does.Contain("8388608 bytes"));
    }

    [Test]
    public async Task Search_ByNameOrMunicipality_IgnoresCase_ÅÄÖIncluded()
    {
        await Admin.ImportOk();

        Assert.Multiple(async () =>
        {
            Assert.That(await SearchNames("ÄNGS"), Is.EqualTo(new[] { "Ängsskolan", "Ängsskolans fritidshem" }));
            Assert.That(await SearchNames("örnens"), Is.EqualTo(new[] { "Örnens förskola" }));
            Assert.That(await SearchNames("FÖRSKOLA"), Is.EqualTo(new[] { "Örnens förskola", "Solrosens förskola" }.OrderBy(n => n.ToLowerInvariant(), StringComparer.Ordinal)));
            Assert.That(await SearchNames("västerås"), Has.Count.EqualTo(3));
            Assert.That(await SearchNames("sol VÄSTERÅS"), Is.EqualTo(new[] { "Solbackaskolan", "Solrosens förskola" }));
            Assert.That(await SearchNames("eskilstuna ängsskolan"), Is.EqualTo(new[] { "Ängsskolan", "Ängsskolans fritidshem" }));
            Assert.That(await SearchNames("_"), Is.Empty, "LIKE wildcards are searched for as themselves");
            Assert.That(await SearchNames("%"), Is.Empty);
        });
    }

    [Test]
    public async Task Search_PutsTheExactNameFirst_ThenNamesStartingWithIt()
    {
        await Admin.ImportOk(UnitSamples.Csv + "55555555;Skolan vid Ängsskolan;skola;Eskilstuna;Eskilstuna kommun;\n");

        Assert.That(await SearchNames("ängsskolan"), Is.EqualTo(new[] { "Ängsskolan", "Ängsskolans fritidshem", "Skolan vid Ängsskolan" }));
    }

    [Test]
    public async Task Search_AnswersTheDirectoryFields_WithoutTheContactAddress_CappedByLimit_AndAudited()
    {
        await Admin.ImportOk();

        using var response = await Client(Tokens.School()).GetAsync("/api/units?query=solbacka");
        using var capped = await Client(Tokens.Clinician()).GetAsync("/api/units?limit=2");
        var unit = (await response.ReadJson())["items"]![0]!.AsObject();

        Assert.That(unit.Select(field => field.Key), Is.EqualTo(new[] { "id", "name", "kind", "municipality", "organiser" }));
        Assert.That((unit["id"]!.GetValue<string>(), unit["kind"]!.GetValue<string>(), unit["organiser"]!.GetValue<string>()),
            Is.EqualTo((Tokens.SchoolUnit, "skola", "Västerås stad")));
        Assert.That((await capped.ReadJson())["items"]!.AsArray(), Has.Count.EqualTo(2));
        Assert.That(await AuditCount("action = 'unit.search' AND outcome = 'ok' AND certificate_id IS NULL AND child_id IS NULL"), Is.EqualTo(2));
    }

    [TestCase("?limit=0", "limit")]
    [TestCase("?limit=51", "limit")]
    [TestCase("?limit=tio", "limit")]
    public async Task Search_BadQuery_Is400WithTheField(string query, string field)
    {
        using var response = await Client(Tokens.Guardian()).GetAsync("/api/units" + query);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await response.ReadJson()).ErrorFields(), Is.EqualTo(new[] { field }));
    }

    [Test]
    public async Task Search_TooLongAQuery_Is400()
    {
        using var response = await Client(Tokens.Guardian()).GetAsync("/api/units?query=" + new string('a', 101));

        Assert.That((await response.ReadJson()).ErrorFields(), Is.EqualTo(new[] { "query" }));
    }
}
