using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;
using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.Tests.Web;

/// <summary>
/// Certificate requests on the pages: a "none" verdict on /skola offers "Begär intyg via vårdnadshavare", the form posts
/// to the API's rules and store, the overview lists and withdraws, the clinician's search shows the open request and
/// answers it from the issue form, the guardian and the administrator see it. No personnummer ever reaches a URL.
/// </summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed partial class RequestPagesTests(Engine engine) : IntegrationTest(engine)
{
    private const string Pnr = "20150312-2382";

    protected override Task<RegistryApp> HostAsync() => TestHosts.PagesFor(Engine);

    private static (string, string)[] RequestForm(string childName = "Alva Lind", string email = "sara.lind@example.se",
        params string[] measures) =>
    [
        ("Personnummer", Pnr),
        ("ChildName", childName),
        .. (measures.Length == 0 ? ["insulin"] : measures).Select(code => ("Measures", code)),
        ("Message", "Vi behöver ett intyg före skolstarten."),
        ("Guardian1Name", "Sara Lind"),
        ("Guardian1Email", email),
        ("Guardian2Name", ""),
        ("Guardian2Email", ""),
    ];

    private async Task<JsonObject> AskByApi(string schoolUnit = Tokens.SchoolUnit)
    {
        using var response = await Client(Tokens.School(schoolUnit)).PostAsJsonAsync("/api/certificate-requests", new
        {
            personnummer = Samples.ChildPnr,
            childName = "Alva Lind",
            measures = new[] { "insulin", "blood-glucose" },
            message = "Vi behöver ett intyg.",
            guardians = new[] { new { name = "Sara Lind", email = "sara.lind@example.se" } },
        });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        return await response.ReadJson();
    }

    [Test]
    public async Task School_NoneVerdict_OffersARequest_ThatCarriesThePersonnummerInAPostedForm()
    {
        var school = await App.SignInAsync("school");
        var page = await school.GetPage("/skola");

        using var response = await school.PostForm("/skola", page, ("Personnummer", Pnr), ("Measure", "insulin"));
        var html = await response.ReadPage();

        Assert.That(html, Does.Contain("Inget giltigt intyg"));
        var offer = Regex.Match(html, """<form method="post" class="request-offer" action="([^"]+)">(.*?)</form>""", RegexOptions.Singleline);
        Assert.That(offer.Success, Is.True, "the verdict offers a request");
        Assert.That(offer.Groups[1].Value, Is.EqualTo("/skola/begaran?handler=Start"));
        Assert.That(offer.Groups[2].Value, Does.Contain($"""<input type="hidden" name="Personnummer" value="{Pnr}">"""));
        Assert.That(offer.Groups[2].Value, Does.Contain("""<input type="hidden" name="Measures" value="insulin">"""));
        Assert.That(offer.Groups[2].Value, Does.Contain("Begär intyg via vårdnadshavare"));
        Assert.That(HrefsAndActions(html), Has.None.Contains("20150312"));
    }

    [Test]
    public async Task School_ValidVerdict_OffersNoRequest()
    {
        await IssueOk();
        var school = await App.SignInAsync("school");

        using var response = await school.PostForm("/skola", await school.GetPage("/skola"), ("Personnummer", Pnr), ("Measure", "insulin"));

        Assert.That(await response.ReadPage(), Does.Contain("Giltigt intyg").And.Not.Contain("Begär intyg via vårdnadshavare"));
    }

    [Test]
    public async Task School_ExpiredVerdict_OpensTheFormWithTheCertificatesMeasuresAndName()
    {
        var until = Clock.Today.AddDays(1);
        await IssueOk(Samples.Certificate(validFrom: Samples.Iso(until.AddMonths(-12)), validUntil: Samples.Iso(until),
            followUpOn: Samples.Iso(until.AddMonths(-6)), measures: ["insulin", "blood-glucose"]));
        Clock.Advance(TimeSpan.FromDays(2));
        var school = await App.SignInAsync("school");
        using var verdict = await school.PostForm("/skola", await school.GetPage("/skola"), ("Personnummer", Pnr), ("Measure", "insulin"));
        var verdictHtml = await verdict.ReadPage();
        Assert.That(verdictHtml, Does.Contain("Har gått ut").Or.Contain("har gått ut"));

        var offered = Regex.Match(verdictHtml, """class="request-offer".*?</form>""", RegexOptions.Singleline).Value;
        var fields = Regex.Matches(offered, """name="([^"]+)" value="([^"]*)""").Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToArray();
        using var form = await school.PostForm("/skola/begaran?handler=Start", verdictHtml, fields);
        var html = await form.ReadPage();

        Assert.That(form.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(Pages.FieldBlock(html, "Personnummer"), Does.Contain($"value=\"{Pnr}\""));
        Assert.That(Pages.FieldBlock(html, "ChildName"), Does.Contain("value=\"Alva Lind\""));
        Assert.That(html, Does.Contain("value=\"insulin\" checked=\"checked\""));
        Assert.That(html, Does.Contain("value=\"blood-glucose\" checked=\"checked\""));
        Assert.That(html, Does.Not.Contain("value=\"adrenaline\" checked=\"checked\""));
        Assert.That(Regex.Match(html, """<form method="post"[^>]*novalidate[^>]*>""").Value, Does.Contain("action=\"/skola/begaran\""),
            "the form posts to itself, not to Start");
        Assert.That(await Count("certificate_requests"), Is.EqualTo(0), "opening the form asks nothing yet");
    }

    [Test]
    public async Task School_SendsTheForm_AndTheOverviewListsTheRequest_WithAWithdrawButton()
    {
        var school = await App.SignInAsync("school");
        var form = await school.GetPage("/skola/begaran");

        using var response = await school.PostForm("/skola/begaran", form, RequestForm());

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(response.Headers.Location!.OriginalString, Is.EqualTo("/skola?begaran=skickad#begaranden"));
        var overview = await school.GetPage("/skola?begaran=skickad");
        Assert.That(overview, Does.Contain("Begäran är skickad till vårdnadshavarna."));
        var row = Regex.Match(overview, """<th scope="row">Alva Lind</th>(.*?)</tr>""", RegexOptions.Singleline).Groups[1].Value;
        Assert.That(row, Does.Contain("Insulin").And.Contain("23 november 2026").And.Contain("i dag"));
        Assert.That(row, Does.Match("BEG-[2-9A-Z]{4}-[2-9A-Z]{2}"));
        Assert.That(row, Does.Contain("Dra tillbaka"));
        Assert.That(row, Does.Not.Contain("Upphör"));
        Assert.That(await Count("certificate_requests", "status = 'open' AND school_unit = '12345678' AND school_unit_name = 'Solbackeskolan'"),
            Is.EqualTo(1));
        Assert.That(await Count("notifications", "kind = 'certificate-request'"), Is.EqualTo(1));
    }

    [Test]
    public async Task School_SendsTheFormAgain_WhileOneIsOpen_IsToldSo_AndNothingNewIsSent()
    {
        await AskByApi();
        var school = await App.SignInAsync("school");

        using var response = await school.PostForm("/skola/begaran", await school.GetPage("/skola/begaran"), RequestForm());

        Assert.That(response.Headers.Location!.OriginalString, Is.EqualTo("/skola?begaran=fanns#begaranden"));
        Assert.That(await school.GetPage("/skola?begaran=fanns"), Does.Contain("Det finns redan en öppen begäran om intyg för barnet."));
        Assert.That(await Count("notifications"), Is.EqualTo(1));
    }

    [Test]
    public async Task School_FormWithErrors_ShowsThemInSwedishNextToTheFields_AndAsksNothing()
    {
        var school = await App.SignInAsync("school");
        var form = await school.GetPage("/skola/begaran");

        using var response = await school.PostForm("/skola/begaran", form,
            ("Personnummer", Pnr), ("ChildName", ""), ("Message", "Barnet 20150312-2382 behöver hjälp."),
            ("Guardian1Name", ""), ("Guardian1Email", ""), ("Guardian2Name", "Johan Lind"), ("Guardian2Email", "johan.lind"));
        var html = await response.ReadPage();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Pages.AssertFieldError(html, "ChildName", "Ange barnets namn.");
        Pages.AssertFieldError(html, "Message", "Skriv inget personnummer i meddelandet");
        Pages.AssertFieldError(html, "Guardian2Email", "Ange en giltig e-postadress");
        Assert.That(html, Does.Contain("""<p class="field-error" id="Measures-error"><span class="visually-hidden">Fel: </span>Välj minst en åtgärd"""));
        Assert.That(html, Does.Contain("""<a href="#Measures">Åtgärder: Välj minst en åtgärd"""));
        Assert.That(html, Does.Match("""<input type="checkbox" id="Measures" name="Measures" value="insulin"\s+aria-invalid="true">"""));
        Assert.That(await Count("certificate_requests"), Is.EqualTo(0));
    }

    [Test]
    public async Task School_WithoutGuardians_ForAChildTheRegistryDoesNotKnow_IsAskedForThem()
    {
        var school = await App.SignInAsync("school");

        using var response = await school.PostForm("/skola/begaran", await school.GetPage("/skola/begaran"),
            RequestForm().Where(field => !field.Item1.StartsWith("Guardian", StringComparison.Ordinal)).ToArray());

        Pages.AssertFieldError(await response.ReadPage(), "Guardian1Name", "Registret har ingen e-postadress till barnets vårdnadshavare.");
        Assert.That(await Count("certificate_requests"), Is.EqualTo(0));
    }

    [Test]
    public async Task School_Withdraws_FromTheOverview()
    {
        var request = await AskByApi();
        var school = await App.SignInAsync("school");
        var overview = await school.GetPage("/skola");

        using var response = await school.PostForm($"/skola?handler=Withdraw&requestId={request["id"]}", overview);

        Assert.That(response.Headers.Location!.OriginalString, Is.EqualTo("/skola?begaran=tillbakadragen#begaranden"));
        var after = await school.GetPage("/skola?begaran=tillbakadragen");
        Assert.That(after, Does.Contain("Begäran är tillbakadragen.").And.Contain("Enheten har inga öppna begäranden om intyg."));
        Assert.That(await Count("certificate_requests", "status = 'withdrawn'"), Is.EqualTo(1));
    }

    [Test]
    public async Task School_CannotWithdrawAnotherUnitsRequest()
    {
        var request = await AskByApi(Tokens.OtherSchoolUnit);
        var school = await App.SignInAsync("school");

        using var response = await school.PostForm($"/skola?handler=Withdraw&requestId={request["id"]}", await school.GetPage("/skola"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await Count("certificate_requests", "status = 'open'"), Is.EqualTo(1));
    }

    [TestCase(40, null)]
    [TestCase(46, "Upphör om 14 dagar")]
    [TestCase(59, "Upphör om 1 dag")]
    [TestCase(60, "Upphör i dag")]
    public async Task School_Overview_MarksARequestWithin14DaysOfLapsing(int days, string? marker)
    {
        await AskByApi();
        Clock.Advance(TimeSpan.FromDays(days));
        var school = await App.SignInAsync("school");

        var overview = await school.GetPage("/skola");

        var row = Regex.Match(overview, """<th scope="row">Alva Lind</th>(.*?)</tr>""", RegexOptions.Singleline).Groups[1].Value;
        Assert.That(row, Does.Contain($"{days} dagar"));
        Assert.That(row, marker is null ? Does.Not.Contain("Upphör") : Does.Contain($"<span class=\"status expired\">{marker}</span>"));
    }

    [Test]
    public async Task School_Overview_NoLongerListsALapsedRequest()
    {
        await AskByApi();
        Clock.Advance(TimeSpan.FromDays(61));
        var school = await App.SignInAsync("school");

        Assert.That(await school.GetPage("/skola"), Does.Contain("Enheten har inga öppna begäranden om intyg."));
    }

    [Test]
    public async Task Clinician_SearchShowsTheOpenRequest_AndAnswersItFromTheIssueForm_WhichClosesIt()
    {
        var request = await AskByApi(Tokens.OtherSchoolUnit);
        var clinician = await App.SignInClinicianAsync();
        var start = await clinician.GetPage("/vard");

        using var search = await clinician.PostForm("/vard", start, ("Personnummer", Pnr));
        var results = await search.ReadPage();

        Assert.That(results, Does.Contain("Barnet har inga egenvårdsintyg i registret."));
        Assert.That(results, Does.Contain($"Skolenhet {Tokens.OtherSchoolUnit}: begäran {request["reference"]}"));
        Assert.That(results, Does.Contain("Insulin, Blodsockermätning").And.Contain("Vi behöver ett intyg."));
        var link = $"/vard/nytt?begaran={request["id"]}";
        Assert.That(results, Does.Contain($"<a class=\"button\" href=\"{link}\">Utfärda intyg som svar på begäran"));

        var form = await clinician.GetPage(link);
        Assert.That(form, Does.Contain($"Intyget besvarar begäran {request["reference"]} från Skolenhet {Tokens.OtherSchoolUnit}."));
        Assert.That(form, Does.Contain($"<input type=\"hidden\" name=\"AnswersRequest\" value=\"{request["id"]}\">"));
        Assert.That(Pages.FieldBlock(form, "Form_Child_Personnummer"), Does.Contain($"value=\"{Pnr}\""));
        Assert.That(Pages.FieldBlock(form, "Form_Child_Name"), Does.Contain("value=\"Alva Lind\""));
        Assert.That(Pages.FieldBlock(form, "Form_Measures_1__Code"), Does.Contain("<option value=\"blood-glucose\" selected=\"selected\">"));
        Assert.That(Pages.FieldBlock(form, "Form_SharedWith_0_"), Does.Contain(Tokens.OtherSchoolUnit));

        var values = Pages.FormValues(form).Select(field => field.Name switch
        {
            "Form.Guardians[0].Personnummer" => (field.Name, Tokens.GuardianPnr),
            "Form.Guardians[0].Name" => (field.Name, "Sara Lind"),
            "Form.Guardians[0].Email" => (field.Name, "sara.lind@example.se"),
            var name when name.EndsWith(".Performer", StringComparison.Ordinal) => (field.Name, "child-with-staff"),
            var name when name.EndsWith(".Instructions", StringComparison.Ordinal) => (field.Name, "Enligt dosschema."),
            var name when name.EndsWith(".IfHarm", StringComparison.Ordinal) => (field.Name, "Ring 112 vid medvetslöshet."),
            var name when name.EndsWith(".IfChanged", StringComparison.Ordinal) => (field.Name, "Kontakta mottagningen."),
            "Form.InstructionGivenBy" => (field.Name, "Sköterskan instruerar på plats."),
            "Form.CareUnit.Name" => (field.Name, "Barndiabetesmottagningen Västerås"),
            "Form.CareUnit.Phone" => (field.Name, "021-17 30 00"),
            _ => field,
        }).ToList();
        using var issued = await clinician.PostForm("/vard/nytt", form, values);

        Assert.That(issued.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await issued.ReadPage());
        Assert.That(issued.Headers.Location!.OriginalString, Does.StartWith("/vard/intyg/"));
        Assert.That(await Count("certificate_requests", "status = 'fulfilled' AND certificate_id IS NOT NULL"), Is.EqualTo(1));
        var verdict = await Verify(Samples.ChildPnr, "insulin", Tokens.OtherSchoolUnit);
        Assert.That(verdict["reason"]!.GetValue<string>(), Is.EqualTo("valid"));
        Assert.That(await AuditCount("action = 'request.read' AND actor_role = 'clinician'"), Is.EqualTo(1));
    }

    [Test]
    public async Task Clinician_IssueFormFromAClosedRequest_SaysSo_AndAnswersNothing()
    {
        var request = await AskByApi();
        using (await Client(Tokens.School()).PostAsync($"/api/certificate-requests/{request["id"]}/withdrawal", null))
        {
        }
        var clinician = await App.SignInClinicianAsync();

        var form = await clinician.GetPage($"/vard/nytt?begaran={request["id"]}");

        Assert.That(form, Does.Contain($"Begäran {request["reference"]} är inte längre öppen (tillbakadragen)."));
        Assert.That(form, Does.Not.Contain("name=\"AnswersRequest\""));
    }

    [Test]
    public async Task Clinician_IssueFormFromAnUnknownRequest_Is404()
    {
        var clinician = await App.SignInClinicianAsync();

        using var response = await clinician.GetAsync($"/vard/nytt?begaran={Guid.NewGuid()}");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Guardian_SeesTheRequestAboutTheirChild_WithWhatToDoAndTheReference()
    {
        await IssueOk(Samples.Certificate(sharedWith: [Tokens.OtherSchoolUnit]));
        var request = await AskByApi();
        var guardian = await App.SignInAsync("guardian");

        var page = await guardian.GetPage("/vardnadshavare");

        Assert.That(page, Does.Contain($"Alva Lind: Skolenhet {Tokens.SchoolUnit} ber om ett intyg"));
        Assert.That(page, Does.Contain($"Boka en bedömning hos den vårdenhet där Alva Lind får vård och visa referensen <strong>{request["reference"]}</strong>."));
        Assert.That(page, Does.Not.Contain("Per Ek"));
    }

    [Test]
    public async Task Admin_SeesTheRequestEmailInTheOutbox_ByItsReference()
    {
        var request = await AskByApi();
        await Execute("UPDATE notifications SET status = 'failed', last_error = '550 mailbox unavailable'");
        var admin = await App.SignInAsync("admin");

        var page = await admin.GetPage("/admin");

        Assert.That(page, Does.Contain($"Begäran om intyg {request["reference"]}"));
        using var retry = await admin.PostForm($"/admin?handler=Retry&id={await NotificationId()}", page);
        Assert.That(await retry.ReadPage(), Does.Contain("Begäran om intyg till Sara Lind ligger i kön igen"));
    }

    private async Task<Guid> NotificationId()
    {
        await using var connection = await App.Database.OpenAsync();
        return Guid.Parse(await Dapper.SqlMapper.ExecuteScalarAsync<string>(connection, "SELECT CAST(id AS TEXT) FROM notifications") ?? "");
    }

    private static IEnumerable<string> HrefsAndActions(string html) =>
        HrefOrAction().Matches(html).Select(match => match.Groups[1].Value);

    [GeneratedRegex("""(?:href|action)="([^"]*)""")]
    private static partial Regex HrefOrAction();
}
