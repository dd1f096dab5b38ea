using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EgenvardRegistry.BrowserTests.Infrastructure;
using EgenvardRegistry.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace EgenvardRegistry.BrowserTests.Web;

/// <summary>
/// Begäran om egenvårdsintyg end to end: the school's check says there is none, it asks through the guardian, the
/// guardian's e-mail arrives at the mail server, the clinician finds the request and issues a certificate answering it,
/// and the school's next check is valid. Each person in a browser of their own.
/// </summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed partial class RequestJourneyTests(Engine engine) : BrowserTest(engine)
{
    private const string Pnr = "20150312-2382";

    private readonly FaultySmtpServer _smtp = new(lifetime: TimeSpan.FromMinutes(5));

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Smtp:Host"] = "127.0.0.1",
        ["Smtp:Port"] = _smtp.Port.ToString(CultureInfo.InvariantCulture),
        ["Smtp:From"] = "Egenvårdsregistret <noreply@egenvard.test>",
        ["Smtp:Security"] = "none",
        ["Smtp:TimeoutSeconds"] = "5",
    };

    [OneTimeTearDown]
    public async Task StopSmtp() => await _smtp.DisposeAsync();

    [Test]
    public async Task School_AsksThroughTheGuardian_ClinicianAnswers_AndTheSchoolsCheckIsValid()
    {
        var school = Journey;
        await school.SignInAsync("school");
        await CheckAsync(school, "kontroll-inget-intyg");
        await Expect(school.Page.Locator(".verdict")).ToContainTextAsync("Inget giltigt intyg");
        var ask = school.Page.GetByRole(AriaRole.Button, new() { Name = "Begär intyg via vårdnadshavare" });
        await ask.FocusAsync();
        await school.Page.Keyboard.PressAsync("Enter");
        await school.ExpectPathAsync("/skola/begaran");
        Assert.That(school.Page.Url, Does.Not.Contain("20150312"), "the personnummer never reaches a URL");
        await Expect(school.Page.GetByLabel("Barnets personnummer")).ToHaveValueAsync(Pnr);
        await Expect(school.Page.GetByLabel("Insulin", new() { Exact = true })).ToBeCheckedAsync();
        await school.SeeAsync("begaran-ifylld");

        await school.Page.GetByRole(AriaRole.Button, new() { Name = "Skicka begäran" }).ClickAsync();
        await school.ExpectFieldErrorAsync("Barnets namn", "Ange barnets namn.");
        await school.SeeAsync("begaran-fel");

        // The registry has not met the child, so it knows no guardian to ask: the school must name one.
        await school.Page.GetByLabel("Barnets namn").FillAsync("Alva Lind");
        await school.Page.GetByRole(AriaRole.Button, new() { Name = "Skicka begäran" }).ClickAsync();
        await school.ExpectFieldErrorAsync("Vårdnadshavare 1: namn", "Registret har ingen e-postadress");
        await school.SeeAsync("begaran-vardnadshavare-saknas");

        await school.Page.GetByLabel("Meddelande till vårdnadshavarna (valfritt)").FillAsync("Vi behöver intyget före skolstarten.");
        await school.Page.GetByLabel("Vårdnadshavare 1: namn").FillAsync("Sara Lind");
        await school.Page.GetByLabel("Vårdnadshavare 1: e-postadress").FillAsync("sara.lind@example.se");
        await school.Page.GetByRole(AriaRole.Button, new() { Name = "Skicka begäran" }).ClickAsync();
        await school.ExpectPathAsync("/skola");
        await Expect(school.Page.GetByRole(AriaRole.Status)).ToContainTextAsync("Begäran är skickad till vårdnadshavarna.");
        var row = school.Page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Alva Lind" });
        await Expect(row).ToContainTextAsync("i dag");
        var reference = ReferencePattern().Match(await row.InnerTextAsync()).Value;
        Assert.That(reference, Is.Not.Empty, "the overview shows the request's reference");
        await school.SeeAsync("begaran-skickad");

        using (var run = await App.ApiClient(Tokens.Admin()).PostAsync("/api/admin/reminders/run", null))
        {
            Assert.That((await run.Content.ReadFromJsonAsync<JsonObject>())!["sent"]!.GetValue<int>(), Is.EqualTo(1));
        }
        var mail = _smtp.Received.Single().Parse();
        Assert.That(mail.To.Mailboxes.Single().Address, Is.EqualTo("sara.lind@example.se"));
        Assert.That(mail.Subject, Is.EqualTo("Solbackeskolan ber om ett egenvårdsintyg för Alva"));
        Assert.That(mail.TextBody, Does.Contain($"visa referensen {reference}.").And.Contain("Vi behöver intyget före skolstarten."));
        Assert.That(mail.TextBody + mail.HtmlBody, Does.Not.Contain("20150312").And.Not.Contain("nsulin"));

        var clinician = await StartJourneyAsync();
        await clinician.SignInAsync("clinician");
        await clinician.Page.GetByLabel("Barnets personnummer").FillAsync(Pnr);
        await clinician.Page.GetByRole(AriaRole.Button, new() { Name = "Sök" }).ClickAsync();
        var request = clinician.Page.Locator("#begaranden .worklist-item");
        await Expect(request).ToContainTextAsync($"Solbackeskolan (12345678): begäran {reference}");
        await Expect(request).ToContainTextAsync("Vi behöver intyget före skolstarten.");
        await clinician.SeeAsync("sokning-med-begaran");
        await request.GetByRole(AriaRole.Link, new() { Name = "Utfärda intyg som svar på begäran" }).ClickAsync();
        await clinician.ExpectPathAsync("/vard/nytt");
        await Expect(clinician.Page.Locator("#AnswersRequest")).ToContainTextAsync($"Intyget besvarar begäran {reference}");
        await Expect(clinician.Page.Locator("#Form_Child_Personnummer")).ToHaveValueAsync(Pnr);
        await Expect(clinician.Page.Locator("#Form_Measures_0__Code")).ToHaveValueAsync("insulin");
        await Expect(clinician.Page.Locator("#Form_SharedWith_0_")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex(Tokens.SchoolUnit));
        await clinician.SeeAsync("nytt-intyg-som-svar");
        await clinician.Page.Locator("#Form_Guardians_0__Personnummer").FillAsync(Tokens.GuardianPnr);
        await clinician.Page.Locator("#Form_Guardians_0__Name").FillAsync("Sara Lind");
        await clinician.Page.Locator("#Form_Guardians_0__Email").FillAsync("sara.lind@example.se");
        await clinician.Page.Locator("#Form_Measures_0__Performer").SelectOptionAsync(new SelectOptionValue { Value = "child-with-staff" });
        await clinician.Page.Locator("#Form_Measures_0__Instructions").FillAsync("Insulinpenna före lunch enligt dosschema.");
        await clinician.Page.Locator("#Form_Measures_0__IfHarm").FillAsync("Vid känning: ge druvsocker, ring vårdnadshavare.");
        await clinician.Page.Locator("#Form_Measures_0__IfChanged").FillAsync("Kontakta diabetesmottagningen.");
        await clinician.Page.Locator("#Form_InstructionGivenBy").FillAsync("Diabetessköterska instruerar personal på plats.");
        await clinician.Page.Locator("#Form_CareUnit_Name").FillAsync("Barndiabetesmottagningen Västerås");
        await clinician.Page.Locator("#Form_CareUnit_Phone").FillAsync("021-17 30 00");
        await clinician.Page.GetByRole(AriaRole.Button, new() { Name = "Utfärda intyget" }).Last.ClickAsync();
        await Expect(clinician.Page).ToHaveURLAsync(new Regex("/vard/intyg/[0-9a-f-]{36}$"));
        await clinician.SeeAsync("utfardat-som-svar");

        await CheckAsync(school, "kontroll-giltigt");
        await Expect(school.Page.Locator(".verdict")).ToContainTextAsync("Giltigt intyg");
        await Expect(school.Page.GetByText("Enheten har inga öppna begäranden om intyg.")).ToBeVisibleAsync();

        var guardian = await StartJourneyAsync();
        await guardian.SignInAsync("guardian");
        var answered = guardian.Page.Locator("article").Filter(new() { HasText = "ber om ett intyg" });
        await Expect(answered).ToContainTextAsync("Besvarad med intyg");
        await Expect(answered).ToContainTextAsync(reference);
        await guardian.SeeAsync("vardnadshavare-ser-begaran");

        using var verdict = await App.ApiClient(Tokens.School()).PostAsJsonAsync("/api/verifications",
            new { personnummer = Samples.ChildPnr, measure = "insulin" });
        Assert.That(verdict.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await verdict.Content.ReadFromJsonAsync<JsonObject>())!["reason"]!.GetValue<string>(), Is.EqualTo("valid"));
    }

    private static async Task CheckAsync(Journey school, string pageName)
    {
        await school.VisitAsync("/skola", "skola");
        await school.Page.GetByLabel("Barnets personnummer").FillAsync(Pnr);
        await school.Page.GetByLabel("Åtgärd", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Value = "insulin" });
        await school.Page.GetByRole(AriaRole.Button, new() { Name = "Kontrollera" }).ClickAsync();
        await school.SeeAsync(pageName);
    }

    [GeneratedRegex("BEG-[2-9A-Z]{4}-[2-9A-Z]{2}")]
    private static partial Regex ReferencePattern();
}
