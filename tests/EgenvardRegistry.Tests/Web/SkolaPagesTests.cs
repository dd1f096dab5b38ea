using System.Net;
using System.Text.RegularExpressions;
using EgenvardRegistry.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace EgenvardRegistry.Tests.Web;

[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class SkolaPagesTests(Engine engine) : IntegrationTest(engine)
{
    protected override Task<RegistryApp> HostAsync() => TestHosts.PagesFor(Engine);

    private async Task<(HttpResponseMessage Response, string Html)> VerifyOnPage(string personnummer, string measure,
        string schoolUnit = Tokens.SchoolUnit)
    {
        var school = await App.SignInAsync("school", schoolUnit);
        var response = await school.SubmitForm("/skola", "/skola", ("Personnummer", personnummer), ("Measure", measure));
        return (response, await response.ReadPage());
    }

    [Test]
    public async Task Verification_ValidCertificate_ReadsAtAGlance_WithWhatStaffNeed()
    {
        await IssueOk();

        var (response, html) = await VerifyOnPage("20150312-2382", "insulin");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(html, Does.Contain("<h2 id=\"svar\">Giltigt intyg</h2>"));
        Assert.That(html, Does.Contain("14 augusti 2027"));
        Assert.That(html, Does.Contain("Barnet med stöd av personal"));
        Assert.That(html, Does.Contain("Insulinpenna före lunch enligt dosschema."));
        Assert.That(html, Does.Contain("vid medvetslöshet ring 112"));
        Assert.That(html, Does.Contain("Barndiabetesmottagningen Västerås, telefon").And.Contain("021-17 30 00"));
        var audit = (await AuditRows()).Single(row => row.Action == "verification");
        Assert.That((audit.ActorRole, audit.ActorUnit, audit.Outcome), Is.EqualTo(("school", (string?)Tokens.SchoolUnit, "valid")));
    }

    [TestCase("none", "Intyg saknas")]
    [TestCase("measure-not-covered", "Intyget gäller inte denna åtgärd")]
    [TestCase("expired", "Intyget har gått ut")]
    [TestCase("revoked", "Intyget är återkallat")]
    [TestCase("not-yet-valid", "Intyget är inte giltigt ännu")]
    public async Task Verification_NotCovered_SaysWhyInSwedish(string reason, string expected)
    {
        var id = reason switch
        {
            "expired" => await IssueOk(Samples.Certificate(validFrom: "2025-12-01", validUntil: "2026-11-23", followUpOn: "2026-06-01")),
            "not-yet-valid" => await IssueOk(Samples.Certificate(validFrom: "2026-12-01", validUntil: "2027-11-30", followUpOn: "2027-06-01")),
            "none" => Guid.Empty,
            _ => await IssueOk(),
        };
        if (reason == "expired")
        {
            Clock.Advance(TimeSpan.FromDays(1));
        }
        if (reason == "revoked")
        {
            await Execute("""
                UPDATE certificates SET status = 'revoked', version = 2, revoked_at = issued_at, revoked_by = 'x', revocation_reason = 'x'
                WHERE CAST(id AS TEXT) = @id
                """, new { id = id.ToString() });
        }

        var (_, html) = await VerifyOnPage(Samples.ChildPnr, reason == "measure-not-covered" ? "oxygen" : "insulin");

        Assert.That(html, Does.Contain("<h2 id=\"svar\">Inget giltigt intyg</h2>"));
        Assert.That(html, Does.Contain(expected));
    }

    [TestCase("adrenaline", true)]
    [TestCase("seizure-medication", true)]
    [TestCase("insulin", false)]
    public async Task Verification_NoValidCertificate_ForAnEmergencyMeasure_SaysCall112(string measure, bool emergency)
    {
        var (_, html) = await VerifyOnPage(Samples.ChildPnr, measure);

        Assert.That(html, Does.Contain("<h2 id=\"svar\">Inget giltigt intyg</h2>"));
        Assert.That(html.Contains("<p class=\"emergency\">Vid livsfara: ring 112</p>", StringComparison.Ordinal), Is.EqualTo(emergency));
    }

    [Test]
    public async Task Verification_ValidAdrenaline_DoesNotShowTheEmergencyLine()
    {
        await IssueOk(Samples.Certificate(measures: "adrenaline"));

        var (_, html) = await VerifyOnPage(Samples.ChildPnr, "adrenaline");

        Assert.That(html, Does.Contain("Giltigt intyg").And.Not.Contain("class=\"emergency\""));
    }

    [Test]
    public async Task Verification_Other_AsksStaffToConfirmTheDescribedMeasure_BeforeSayingValid()
    {
        var id = await IssueOk(Samples.Certificate(measures: "other"));

        var (_, html) = await VerifyOnPage(Samples.ChildPnr, "other");

        Assert.That(html, Does.Contain("<h2 id=\"svar\">Bekräfta åtgärden</h2>"));
        Assert.That(html, Does.Contain("<li>Hjälp med hörapparat</li>"));
        Assert.That(html, Does.Not.Contain("Giltigt intyg"), "no verdict before staff confirm");
        Assert.That(html, Does.Not.Contain("Insulinpenna"), "no instructions before staff confirm");
        Assert.That(html, Does.Contain($"name=\"CertificateId\" value=\"{id}\""));
        Assert.That(html, Does.Contain("action=\"/skola?handler=Confirm\""));
    }

    [TestCase("true", "Giltigt intyg", "same-measure")]
    [TestCase("false", "Inget giltigt intyg", "other-measure")]
    public async Task Verification_Other_StaffsAnswer_GivesTheVerdict_AndIsAudited(string same, string verdict, string outcome)
    {
        var id = await IssueOk(Samples.Certificate(measures: "other"));
        var school = await App.SignInAsync("school");
        using var asked = await school.SubmitForm("/skola", "/skola", ("Personnummer", Samples.ChildPnr), ("Measure", "other"));
        var question = await asked.ReadPage();

        using var answered = await school.PostForm("/skola?handler=Confirm", question,
            ("Personnummer", Samples.ChildPnr), ("CertificateId", id.ToString()), ("SameMeasure", same));
        var html = await answered.ReadPage();

        Assert.That(html, Does.Contain($"<h2 id=\"svar\">{verdict}</h2>"));
        Assert.That(html, Does.Contain("Hjälp med hörapparat"));
        Assert.That(html.Contains("Insulinpenna", StringComparison.Ordinal), Is.EqualTo(same == "true"), "instructions only when it is the same measure");
        var confirmation = (await AuditRows()).Single(row => row.Action == "verification.confirm");
        Assert.That((confirmation.Outcome, confirmation.CertificateId, confirmation.ActorUnit),
            Is.EqualTo((outcome, (string?)id.ToString(), (string?)Tokens.SchoolUnit)));
    }

    [Test]
    public async Task Verification_Other_AnswerAboutACertificateNoLongerNamed_ShowsTheFreshAnswerInstead()
    {
        var id = await IssueOk(Samples.Certificate(measures: "other"));
        var school = await App.SignInAsync("school");
        var page = await school.GetPage("/skola");
        await Execute("""
            UPDATE certificates SET status = 'revoked', version = 2, revoked_at = issued_at, revoked_by = 'x', revocation_reason = 'x'
            WHERE CAST(id AS TEXT) = @id
            """, new { id = id.ToString() });

        using var answered = await school.PostForm("/skola?handler=Confirm", page,
            ("Personnummer", Samples.ChildPnr), ("CertificateId", id.ToString()), ("SameMeasure", "true"));
        var html = await answered.ReadPage();

        Assert.That(html, Does.Contain("<h2 id=\"svar\">Inget giltigt intyg</h2>").And.Contain("återkallat"));
        Assert.That(await AuditCount("action = 'verification.confirm'"), Is.EqualTo(0));
        Assert.That(await AuditCount("action = 'verification'"), Is.EqualTo(1));
    }

    [Test]
    public async Task Verification_BadInput_ShowsSwedishErrorsNextToTheFields_AndAuditsNothing()
    {
        var (response, html) = await VerifyOnPage("20150312-2383", "");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Pages.AssertFieldError(html, "Personnummer", "Ange ett giltigt personnummer");
        Pages.AssertFieldError(html, "Measure", "Välj vilken åtgärd det gäller.");
        Assert.That(html, Does.Contain("Barnets personnummer: Ange ett giltigt personnummer").And.Contain("Åtgärd: Välj vilken åtgärd"),
            "the summary names each field");
        Assert.That(await AuditCount("action = 'verification'"), Is.EqualTo(0));
    }

    [Test]
    public async Task OralMedication_IsOfferedOnTheCheckAndTheIssueForm_InSwedish()
    {
        var school = await App.SignInAsync("school");
        var clinician = await App.SignInClinicianAsync();

        var check = await school.GetPage("/skola");
        var issue = await clinician.GetPage("/vard/nytt");

        Assert.That(check, Does.Contain("<option value=\"oral-medication\">Läkemedel via munnen</option>"));
        Assert.That(issue, Does.Contain("<option value=\"oral-medication\">Läkemedel via munnen</option>"));
    }

    [Test]
    public async Task StartPage_ListsTheUnitsCertificatesExpiringWithin30Days()
    {
        await IssueOk(Samples.Certificate(validFrom: "2026-01-01", validUntil: "2026-12-10", followUpOn: "2026-06-01"));
        await IssueOk(Samples.Certificate(childPnr: Samples.OtherChildPnr, measures: "oxygen"));

        var school = await App.SignInAsync("school");
        using var response = await school.GetAsync("/skola");
        var html = await response.ReadPage();

        var expiring = html[html.IndexOf("<h2>Intyg som går ut inom 30 dagar</h2>", StringComparison.Ordinal)..];
        expiring = expiring[..expiring.IndexOf("<h2>", 4, StringComparison.Ordinal)];
        Assert.That(expiring, Does.Contain("10 december 2026"));
        Assert.That(expiring, Does.Not.Contain("14 augusti 2027"), "certificates valid for longer are not on the list");
    }

    [Test]
    public async Task CertificatePage_FromTheQrCode_ShowsValidityForASharedUnit_And404ForOthers()
    {
        var id = await IssueOk();

        var shared = await App.SignInAsync("school");
        using var page = await shared.GetAsync($"/skola/intyg/{id}");
        var other = await App.SignInAsync("school", Tokens.OtherSchoolUnit);
        using var notShared = await other.GetAsync($"/skola/intyg/{id}");

        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await page.ReadPage(), Does.Contain("Giltigt intyg").And.Contain("Intyget gäller i dag"));
        Assert.That(notShared.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await notShared.ReadPage(), Does.Contain("Sidan finns inte"));
    }

    [Test]
    public async Task EveryPageThatShowsAMeasure_ShowsItAlike()
    {
        var id = await IssueOk();
        var school = await App.SignInAsync("school");
        var clinician = await App.SignInClinicianAsync();

        var (_, verification) = await VerifyOnPage(Samples.ChildPnr, "insulin");
        var pages = new[]
        {
            verification,
            await school.GetPage($"/skola/intyg/{id}"),
            await school.GetPage($"/intyg/{id}/utskrift"),
            await clinician.GetPage($"/vard/intyg/{id}"),
        };

        var measures = pages.Select(page => Regex.Match(page, "<section class=\"measure\">.*?</section>", RegexOptions.Singleline).Value).ToList();
        Assert.That(measures[0], Does.Contain("<dt>Instruktioner</dt>").And.Contain("<dt>Vid ändrade förhållanden</dt>"));
        Assert.That(measures.Distinct(), Has.Exactly(1).Items);
    }

    [Test]
    public async Task PageCookie_DoesNotOpenTheApi_AndABearerTokenDoesNotOpenPages()
    {
        var school = await App.SignInAsync("school");
        using var api = await school.GetAsync("/api/schools/me/certificates");
        var bearer = App.Anonymous();
        bearer.DefaultRequestHeaders.Authorization = new("Bearer", Tokens.School());
        using var page = await bearer.GetAsync("/skola");

        Assert.That(api.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(page.Headers.Location!.ToString(), Does.Contain("/logga-in"));
    }

    [Test]
    public async Task TrustedProxyToken_SignsPeopleInToPages_WhenConfigured()
    {
        await using var proxied = App.WithWebHostBuilder(builder =>
            builder.UseSetting("Auth:TrustedProxyHeader", "X-Forwarded-Access-Token"));
        var client = proxied.CreateClient(new() { AllowAutoRedirect = false });

        using var withToken = new HttpRequestMessage(HttpMethod.Get, "/skola") { Headers = { { "X-Forwarded-Access-Token", Tokens.School() } } };
        using var accepted = await client.SendAsync(withToken);
        using var forged = new HttpRequestMessage(HttpMethod.Get, "/skola") { Headers = { { "X-Forwarded-Access-Token", "not-a-token" } } };
        using var refused = await client.SendAsync(forged);
        using var wrongRole = new HttpRequestMessage(HttpMethod.Get, "/skola") { Headers = { { "X-Forwarded-Access-Token", Tokens.Guardian() } } };
        using var forbidden = await client.SendAsync(wrongRole);
        using var unconfigured = new HttpRequestMessage(HttpMethod.Get, "/skola") { Headers = { { "X-Forwarded-Access-Token", Tokens.School() } } };
        using var ignored = await App.CreateClient(new() { AllowAutoRedirect = false }).SendAsync(unconfigured);

        Assert.That(accepted.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await accepted.ReadPage(), Does.Contain("Kontrollera egenvårdsintyg"));
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(forbidden.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(ignored.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), "without the setting the header means nothing");
    }
}
