using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.Tests.Web;

/// <summary>
/// Concerns on the pages: the school reports from the certificate page, the care unit answers on its worklist, the
/// school and the guardian read the answer. Each page goes through the API's rules and store, so the audit is the API's.
/// </summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class ConcernPagesTests(Engine engine) : IntegrationTest(engine)
{
    private const string Description = "Personalen är osäker på dosen när lunchen blir sen.";
    private const string AnswerText = "Diabetessköterskan kommer till skolan på torsdag och går igenom dosschemat.";

    protected override Task<RegistryApp> HostAsync() => TestHosts.PagesFor(Engine);

    private async Task<string> ReportByApi(Guid certificateId, string category = "instructions-unclear", string description = Description)
    {
        using var response = await Client(Tokens.School()).PostAsJsonAsync($"/api/certificates/{certificateId}/concerns",
            new { category, description, guardiansInformed = true });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        return (await response.ReadJson())["id"]!.GetValue<string>();
    }

    [Test]
    public async Task School_ReportsFromTheCertificatePage_AndSeesItThereWaitingForAnAnswer()
    {
        var id = await IssueOk();
        var school = await App.SignInAsync("school");
        var page = await school.GetPage($"/skola/intyg/{id}");

        using var response = await school.PostForm($"/skola/intyg/{id}/arende", page,
            ("Category", "instructions-unclear"), ("Description", Description), ("GuardiansInformed", "true"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(response.Headers.Location!.OriginalString, Is.EqualTo($"/skola/intyg/{id}?arende=skickat#samverkan"));
        var after = await school.GetPage($"/skola/intyg/{id}?arende=skickat");
        Assert.That(after, Does.Contain("Ärendet är skickat till Barndiabetesmottagningen Västerås"));
        Assert.That(after, Does.Contain("<h3 id=\"arende-").And.Contain("Instruktionerna är oklara</h3>"));
        Assert.That(after, Does.Contain(Description));
        Assert.That(after, Does.Contain("Väntar på svar"));
        Assert.That(after, Does.Contain("Inget svar än."));
        var stored = await Client(Tokens.Clinician()).GetAsync($"/api/certificates/{id}/concerns");
        var concern = (await stored.ReadJson())["items"]![0]!;
        Assert.That((concern["category"]!.GetValue<string>(), concern["guardiansInformed"]!.GetValue<bool>(),
            concern["reportedBy"]!["id"]!.GetValue<string>()), Is.EqualTo(("instructions-unclear", true, "school-demo")));
        Assert.That(await AuditCount("action = 'concern.report' AND outcome = 'ok' AND actor_id = 'school-demo'"), Is.EqualTo(1));
    }

    [Test]
    public async Task School_ReportWithMissingValues_ShowsSwedishErrorsNextToTheFields_AndStoresNothing()
    {
        var id = await IssueOk();
        var school = await App.SignInAsync("school");
        var page = await school.GetPage($"/skola/intyg/{id}");

        using var response = await school.PostForm($"/skola/intyg/{id}/arende", page,
            ("Category", ""), ("Description", "  "), ("GuardiansInformed", ""));
        var html = await response.ReadPage();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(html, Does.Contain("Rapportera att egenvården inte fungerar för Alva Lind"));
        Pages.AssertFieldError(html, "Category", "Välj vad det gäller.");
        Pages.AssertFieldError(html, "Description", "Beskriv vad som har hänt");
        Pages.AssertFieldError(html, "GuardiansInformed", "Ange om vårdnadshavarna har fått veta.");
        Assert.That(await Count("concerns"), Is.EqualTo(0));
    }

    [Test]
    public async Task School_ReportWithAControlCharacter_IsRefusedInSwedish_KeepingTheText()
    {
        var id = await IssueOk();
        var school = await App.SignInAsync("school");
        var page = await school.GetPage($"/skola/intyg/{id}");

        using var response = await school.PostForm($"/skola/intyg/{id}/arende", page,
            ("Category", "incident"), ("Description", "Barnet föll\u0007"), ("GuardiansInformed", "false"));
        var html = await response.ReadPage();

        Pages.AssertFieldError(html, "Description", "Texten innehåller tecken som inte kan sparas.");
        Assert.That(html, Does.Contain("<option value=\"incident\" selected=\"selected\">"));
        Assert.That(html, Does.Contain("<option value=\"false\" selected=\"selected\">Nej</option>"));
        Assert.That(await Count("concerns"), Is.EqualTo(0));
    }

    [Test]
    public async Task School_OfAnotherUnit_CannotOpenOrPostTheForm()
    {
        var id = await IssueOk();
        var other = await App.SignInAsync("school", Tokens.OtherSchoolUnit);
        var ownPage = await other.GetPage("/skola"); // for an anti-forgery token of its own

        using var get = await other.GetAsync($"/skola/intyg/{id}/arende");
        using var post = await other.PostForm($"/skola/intyg/{id}/arende", ownPage,
            ("Category", "incident"), ("Description", "x"), ("GuardiansInformed", "true"));

        Assert.That((get.StatusCode, post.StatusCode), Is.EqualTo((HttpStatusCode.NotFound, HttpStatusCode.NotFound)));
        Assert.That(await Count("concerns"), Is.EqualTo(0));
    }

    [Test]
    public async Task Worklist_UrgentFirst_WithAgeAndCertificateLink_InTheNavigation()
    {
        var alva = await IssueOk();
        var nils = await IssueOk(Samples.Certificate(childPnr: Samples.OtherChildPnr, measures: "adrenaline"));
        await ReportByApi(alva, "staffing", "Ingen instruerad personal på fredagar.");
        Clock.Advance(TimeSpan.FromDays(1));
        await ReportByApi(nils, "incident", "Adrenalinpennan användes inte i tid.");
        Clock.Advance(TimeSpan.FromDays(1));
        var clinician = await App.SignInClinicianAsync();
        await Client(Tokens.Admin()).ImportOk();

        var html = await clinician.GetPage("/vard/arenden");

        Assert.That(html, Does.Contain("<a href=\"/vard/arenden\">Ärenden från skolor</a>"), "the navigation links to the worklist");
        var incident = html.IndexOf("Adrenalinpennan användes inte i tid.", StringComparison.Ordinal);
        var staffing = html.IndexOf("Ingen instruerad personal på fredagar.", StringComparison.Ordinal);
        Assert.That(incident, Is.GreaterThan(0).And.LessThan(staffing), "urgent first");
        Assert.That(html, Does.Contain("Brådskande"));
        Assert.That(html, Does.Contain("<dd>1 dag</dd>").And.Contain("<dd>2 dagar</dd>"));
        Assert.That(html, Does.Contain($"<a href=\"/vard/intyg/{nils}\">Adrenalinpenna för Alva Lind</a>"));
        Assert.That(html, Does.Contain("av Solbackaskolan, Västerås (Per Ek)"));
        Assert.That(html, Does.Contain("<button type=\"submit\" class=\"button\">Skicka svaret</button>"));
        Assert.That(await AuditCount("action = 'concern.worklist' AND actor_id = 'clinician-demo'"), Is.EqualTo(2));
    }

    [Test]
    public async Task Worklist_AnswerForm_AnswersTheConcern_WhichTheSchoolAndTheGuardianThenSee()
    {
        var id = await IssueOk();
        var concernId = await ReportByApi(id);
        var clinician = await App.SignInClinicianAsync();
        var worklist = await clinician.GetPage("/vard/arenden");

        using var response = await clinician.PostForm($"/vard/arenden?handler=Answer&concernId={concernId}", worklist,
            ($"Answers[{concernId}].Text", AnswerText), ($"Answers[{concernId}].ReassessmentOn", "2026-12-10"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(response.Headers.Location!.OriginalString, Is.EqualTo("/vard/arenden?besvarat=1"));
        var after = await clinician.GetPage("/vard/arenden?besvarat=1");
        Assert.That(after, Does.Contain("Svaret är skickat.").And.Contain("Inga öppna ärenden."));
        var answered = await clinician.GetPage("/vard/arenden?status=answered");
        Assert.That(answered, Does.Contain(AnswerText).And.Contain("10 december 2026"));

        var school = await (await App.SignInAsync("school")).GetPage($"/skola/intyg/{id}");
        Assert.That(school, Does.Contain(AnswerText));
        Assert.That(school, Does.Contain("<dt>Ny bedömning bokad</dt>").And.Contain("10 december 2026"));
        Assert.That(school, Does.Contain("av Karin Berg, Barndiabetesmottagningen Västerås"));

        var guardian = await (await App.SignInAsync("guardian")).GetPage("/vardnadshavare");
        Assert.That(guardian, Does.Contain("Skolans rapporter till vården"));
        Assert.That(guardian, Does.Contain("Alva Lind: Instruktionerna är oklara"));
        Assert.That(guardian, Does.Contain(Description).And.Contain(AnswerText).And.Contain("10 december 2026"));
        Assert.That(guardian, Does.Contain("av Barndiabetesmottagningen Västerås"));
        Assert.That(guardian, Does.Not.Contain("Karin Berg").And.Not.Contain("Per Ek").And.Not.Contain("SE2321000016-K7BG")
            .And.Not.Contain("school-12345678"), "guardians see units, never staff");
    }

    [TestCase("", "", "Skriv vårdenhetens svar till skolan.", "Text")]
    [TestCase(AnswerText, "10/12/2026", "Ange datumet som ÅÅÅÅ-MM-DD", "ReassessmentOn")]
    [TestCase(AnswerText, "2026-11-01", "Datumet för den nya bedömningen har redan passerat.", "ReassessmentOn")]
    public async Task Worklist_AnswerWithBadValues_ShowsTheErrorAtThatConcernsField(string text, string date, string message, string field)
    {
        var id = await IssueOk();
        var concernId = await ReportByApi(id);
        var clinician = await App.SignInClinicianAsync();
        var worklist = await clinician.GetPage("/vard/arenden");

        using var response = await clinician.PostForm($"/vard/arenden?handler=Answer&concernId={concernId}", worklist,
            ($"Answers[{concernId}].Text", text), ($"Answers[{concernId}].ReassessmentOn", date));
        var html = await response.ReadPage();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Pages.AssertFieldError(html, $"Answers_{concernId}__{field}", message);
        Assert.That(html, Does.Contain(text == "" ? "Answers" : text), "what was written stays in the form");
        Assert.That(await Count("concerns", "status = 'open'"), Is.EqualTo(1));
    }

    [Test]
    public async Task Worklist_OfAnotherCareUnit_NeitherShowsNorAnswersTheConcern()
    {
        var id = await IssueOk();
        var concernId = await ReportByApi(id);
        var other = await App.SignInClinicianAsync(Tokens.OtherCareUnit);
        var worklist = await other.GetPage("/vard/arenden");
        var search = await other.GetPage("/vard"); // an empty worklist has no form, so no anti-forgery token

        using var response = await other.PostForm($"/vard/arenden?handler=Answer&concernId={concernId}", search,
            ($"Answers[{concernId}].Text", AnswerText));

        Assert.That(worklist, Does.Contain("Inga öppna ärenden.").And.Not.Contain(Description));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await Count("concerns", "status = 'open'"), Is.EqualTo(1));
    }

    [Test]
    public async Task Worklist_ConcernAnsweredMeanwhile_SaysSoInsteadOfAnsweringTwice()
    {
        var id = await IssueOk();
        var concernId = await ReportByApi(id);
        var clinician = await App.SignInClinicianAsync();
        var worklist = await clinician.GetPage("/vard/arenden");
        using var colleague = await Client(Tokens.Clinician()).PostAsJsonAsync($"/api/concerns/{concernId}/response",
            new JsonObject { ["text"] = "Kollegans svar." });
        Assert.That(colleague.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        using var response = await clinician.PostForm($"/vard/arenden?handler=Answer&concernId={concernId}", worklist,
            ($"Answers[{concernId}].Text", AnswerText));
        var html = await response.ReadPage();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(html, Does.Contain("Ärendet har redan besvarats"));
        using var api = await Client(Tokens.Clinician()).GetAsync($"/api/certificates/{id}/concerns");
        Assert.That((await api.ReadJson())["items"]![0]!["answer"]!["text"]!.GetValue<string>(), Is.EqualTo("Kollegans svar."));
    }

    [Test]
    public async Task ARenewalAfterTheConcern_ShowsOnTheSchoolsPage_WithALinkToTheNewCertificate()
    {
        var id = await IssueOk();
        await ReportByApi(id);
        Clock.Advance(TimeSpan.FromDays(2));
        using var renewal = await Renew(id);
        var renewedId = (await renewal.ReadJson())["id"]!.GetValue<string>();

        var school = await (await App.SignInAsync("school")).GetPage($"/skola/intyg/{id}");

        Assert.That(school, Does.Contain("Intyget förnyades 25 november 2026 kl. 09:00."));
        Assert.That(school, Does.Contain($"<a href=\"/skola/intyg/{renewedId}\">Det förnyade intyget</a>"));
    }
}
