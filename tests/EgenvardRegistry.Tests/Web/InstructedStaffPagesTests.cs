using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.Tests.Web;

/// <summary>The school's pages for its instructed staff: the certificate page's list and form, the verdict, the overview.</summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class InstructedStaffPagesTests(Engine engine) : IntegrationTest(engine)
{
    protected override Task<RegistryApp> HostAsync() => TestHosts.PagesFor(Engine);

    private static (string, string)[] Staff(string name = "Anna Svensson", string on = "2026-11-20") =>
        [("StaffName", name), ("StaffRole", "Elevassistent"), ("InstructedBy", "Diabetessköterska Eva Holm"), ("InstructedOn", on)];

    private static async Task<HttpResponseMessage> Add(HttpClient school, Guid id, params (string, string)[] fields) =>
        await school.SubmitForm($"/skola/intyg/{id}", $"/skola/intyg/{id}?handler=Add", fields);

    private static async Task<string> Verdict(HttpClient school)
    {
        using var response = await school.SubmitForm("/skola", "/skola", ("Personnummer", Samples.ChildPnr), ("Measure", "insulin"));
        return await response.ReadPage();
    }

    [Test]
    public async Task CertificatePage_WithNoInstructedStaff_WarnsAndOffersTheForm()
    {
        var id = await IssueOk();
        var school = await App.SignInAsync("school");

        var html = await school.GetPage($"/skola/intyg/{id}");

        Assert.That(html, Does.Contain("<h2 id=\"instruerad-personal\">Instruerad personal</h2>"));
        Assert.That(html, Does.Contain("Ingen instruerad personal registrerad"));
        Assert.That(html, Does.Contain($"action=\"/skola/intyg/{id}?handler=Add\""));
        Assert.That(Pages.FieldBlock(html, "InstructedOn"), Does.Contain("type=\"date\""));
        Assert.That((await AuditRows()).Select(row => row.Action), Is.SupersetOf(new[] { "certificate.read", "instruction.list" }));
    }

    [Test]
    public async Task Add_RecordsTheStaffMember_ThenShowsTheList()
    {
        var id = await IssueOk();
        var school = await App.SignInAsync("school");

        using var added = await Add(school, id, Staff());
        var html = await school.GetPage(added.Headers.Location!.ToString());

        Assert.That(added.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(added.Headers.Location!.ToString(), Is.EqualTo($"/skola/intyg/{id}?klart=registrerad#instruerad-personal"));
        Assert.That(html, Does.Contain("Personen är registrerad som instruerad."));
        Assert.That(html, Does.Contain("<td>Anna Svensson</td>").And.Contain("<td>20 november 2026</td>"));
        Assert.That(html, Does.Contain("1 person är registrerad som instruerad hos er."));
        Assert.That(html, Does.Not.Contain("Ingen instruerad personal registrerad"));
        Assert.That((await AuditRows()).Count(row => row.Action == "instruction.record" && row.Outcome == "ok"), Is.EqualTo(1));
    }

    [Test]
    public async Task Add_BadInput_ShowsSwedishErrorsNextToTheFields_AndRecordsNothing()
    {
        var id = await IssueOk();
        var school = await App.SignInAsync("school");

        using var response = await Add(school, id, ("StaffName", " "), ("StaffRole", ""), ("InstructedBy", "Eva Holm"), ("InstructedOn", "20 nov"));
        var html = await response.ReadPage();
        using var future = await Add(school, id, Staff(on: "2026-12-01"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Pages.AssertFieldError(html, "StaffName", "Ange namnet på den som har fått instruktion.");
        Pages.AssertFieldError(html, "StaffRole", "Ange personens roll");
        Pages.AssertFieldError(html, "InstructedOn", "Ange datumet som ÅÅÅÅ-MM-DD");
        Assert.That(html, Does.Contain("value=\"Eva Holm\""), "what was typed stays");
        Pages.AssertFieldError(await future.ReadPage(), "InstructedOn", "Datumet kan inte vara senare än i dag.");
        Assert.That(await Count("staff_instructions"), Is.EqualTo(0));
    }

    [Test]
    public async Task Remove_TakesTheStaffMemberOffTheList_AndTheLastOneLeavesTheWarning()
    {
        var id = await IssueOk();
        var school = await App.SignInAsync("school");
        using (await Add(school, id, Staff()))
        {
        }
        var page = await school.GetPage($"/skola/intyg/{id}");
        var entryId = System.Text.RegularExpressions.Regex.Match(page, "handler=Remove&entryId=([0-9a-f-]{36})").Groups[1].Value;

        using var removed = await school.PostForm($"/skola/intyg/{id}?handler=Remove&entryId={entryId}", page);
        var html = await school.GetPage(removed.Headers.Location!.ToString());

        Assert.That(removed.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(html, Does.Contain("Personen är borttagen ur listan."));
        Assert.That(html, Does.Contain("Ingen instruerad personal registrerad").And.Not.Contain("<td>Anna Svensson</td>"));
        Assert.That(await Count("staff_instructions"), Is.EqualTo(1), "history is kept");
    }

    [Test]
    public async Task Verdict_SaysHowManyAreInstructed_AndWarnsWhenNoOneIs()
    {
        var id = await IssueOk();
        var school = await App.SignInAsync("school");

        var none = await Verdict(school);
        using (await Add(school, id, Staff()))
        {
        }
        var one = await Verdict(school);

        Assert.That(none, Does.Contain("<div class=\"staff-warning\">").And.Contain("Ingen instruerad personal registrerad"));
        Assert.That(none, Does.Contain($"href=\"/skola/intyg/{id}#instruerad-personal\""));
        Assert.That(one, Does.Contain("Instruerad personal: 1 person registrerad.").And.Not.Contain("staff-warning"));
    }

    [Test]
    public async Task Overview_ListsTheUnitsCertificatesWithoutInstructedStaff()
    {
        var instructed = await IssueOk();
        var uninstructed = await IssueOk(Samples.Certificate(childPnr: Samples.OtherChildPnr, measures: "oxygen"));
        var school = await App.SignInAsync("school");
        using (await Add(school, instructed, Staff()))
        {
        }

        var html = await school.GetPage("/skola");

        Assert.That(html, Does.Contain("<h2>Intyg utan instruerad personal</h2>"));
        Assert.That(html, Does.Contain($"href=\"/skola/intyg/{uninstructed}#instruerad-personal\""));
        Assert.That(html, Does.Not.Contain($"href=\"/skola/intyg/{instructed}#instruerad-personal\""));
    }

    [Test]
    public async Task RenewalWithChangedMeasures_TellsTheSchoolToInstructAnew()
    {
        var id = await IssueOk(Samples.Certificate(validFrom: "2026-01-01", validUntil: "2026-12-31", followUpOn: "2026-06-01"));
        var school = await App.SignInAsync("school");
        using (await Add(school, id, Staff()))
        {
        }
        var body = NewDates(from: "2026-11-23", until: "2027-11-22", followUp: "2027-05-01");
        body["measures"] = new JsonArray(Samples.Measure("insulin"), Samples.Measure("blood-glucose"));
        using var renewal = await Renew(id, body);
        var renewed = Guid.Parse((await renewal.ReadJson())["id"]!.GetValue<string>());

        var page = await school.GetPage($"/skola/intyg/{renewed}");
        var verdict = await Verdict(school);

        Assert.That(page, Does.Contain("Åtgärderna har ändrats – instruera personalen på nytt."));
        Assert.That(verdict, Does.Contain("Åtgärderna har ändrats – instruera personalen på nytt."));
    }

    [Test]
    public async Task AnotherSchoolUnit_CannotRecordOnTheCertificate()
    {
        var id = await IssueOk();
        var own = await App.SignInAsync("school");
        var form = await own.GetPage($"/skola/intyg/{id}");
        var other = await App.SignInAsync("school", Tokens.OtherSchoolUnit);
        var otherForm = await other.GetPage("/skola");

        using var response = await other.PostForm($"/skola/intyg/{id}?handler=Add", otherForm, Staff());

        Assert.That(form, Does.Contain("Registrera instruerad personal"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await Count("staff_instructions"), Is.EqualTo(0));
    }
}
