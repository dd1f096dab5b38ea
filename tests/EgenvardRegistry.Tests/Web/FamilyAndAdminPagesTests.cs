using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using EgenvardRegistry.Tests.Infrastructure;
using EgenvardRegistry.Web;
using EgenvardRegistry.Web.Pages.Intyg;

namespace EgenvardRegistry.Tests.Web;

/// <summary>The guardian's page, the administrator's page and the printable certificate, over HTTP with the sign-in cookie.</summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class FamilyAndAdminPagesTests(Engine engine) : IntegrationTest(engine)
{
    protected override Task<RegistryApp> HostAsync() => TestHosts.PagesFor(Engine);

    private const string SiblingPnr = "201304051236";

    private Task<HttpClient> SignedIn(string role, string? unit = null) => App.SignInAsync(role, unit);

    private static async Task<string> Page(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var html = await response.ReadPage();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), html);
        return html;
    }

    private static JsonObject Named(JsonObject certificate, string childName)
    {
        certificate["child"]!["name"] = childName;
        return certificate;
    }

    private async Task RevokeOk(Guid id)
    {
        using var response = await Revoke(id, reason: "Behovet har upphört.");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task GuardianPage_ShowsOnlyTheirChildrensCertificates_WithSwedishStatusAndCareUnit()
    {
        var alva = await IssueOk();
        var sibling = await IssueOk(Named(Samples.Certificate(childPnr: SiblingPnr, measures: "adrenaline"), "Nils Lind"));
        await IssueOk(Named(Samples.Certificate(childPnr: Samples.OtherChildPnr, guardianPnr: Tokens.OtherGuardianPnr), "Otto Annan"));
        await RevokeOk(sibling);

        var html = await Page(await SignedIn("guardian"), "/vardnadshavare");

        Assert.That(html, Does.Contain("Alva Lind").And.Contain("Nils Lind"));
        Assert.That(html, Does.Not.Contain("Otto Annan"));
        Assert.That(html, Does.Contain("Giltigt").And.Contain("Återkallat"));
        Assert.That(html, Does.Contain("14 augusti 2027"));
        Assert.That(html, Does.Contain("Insulin").And.Contain("Adrenalinpenna"));
        Assert.That(html, Does.Contain("Barndiabetesmottagningen Västerås").And.Contain("021-17 30 00"));
        Assert.That(html, Does.Contain($"/intyg/{alva}/utskrift").And.Contain($"/intyg/{sibling}/utskrift"));
        Assert.That(html, Does.Not.Contain(Samples.ChildPnr));
    }

    [Test]
    public async Task GuardianPage_ContactForm_ShowsSwedishErrorForBadAddress_AndSavesAGoodOne()
    {
        await IssueOk();
        var guardian = await SignedIn("guardian");

        using var bad = await guardian.SubmitForm("/vardnadshavare", "/vardnadshavare?handler=Contact", ("Email", "inte en adress"), ("RemindersEnabled", "false"));
        var badHtml = await bad.ReadPage();
        var afterBad = await Contact();
        using var good = await guardian.SubmitForm("/vardnadshavare", "/vardnadshavare?handler=Contact", ("Email", " ny.adress@example.se "), ("RemindersEnabled", "false"));
        var goodHtml = await good.ReadPage();
        var afterGood = await Contact();

        Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Pages.AssertFieldError(badHtml, "Email", "Ange en giltig e-postadress");
        Assert.That(Pages.FieldBlock(badHtml, "Email"), Does.Contain("aria-describedby=\"Email-hint Email-error\""));
        Assert.That(afterBad, Is.EqualTo(("sara.lind@example.se", true)));
        Assert.That(goodHtml, Does.Contain("Dina uppgifter är sparade"));
        Assert.That(afterGood, Is.EqualTo(("ny.adress@example.se", false)));
    }

    [Test]
    public async Task GuardianPage_ShowsTheAddressCareSuggested_AndAcceptingItSwitchesTheAddress()
    {
        await IssueOk();
        var guardian = await SignedIn("guardian");
        var fromCare = await Page(guardian, "/vardnadshavare");
        Clock.Advance(TimeSpan.FromMinutes(5));
        using (var own = await guardian.SubmitForm("/vardnadshavare", "/vardnadshavare?handler=Contact",
            ("Email", "sara.egen@example.se"), ("RemindersEnabled", "true")))
        {
            Assert.That(own.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
        Clock.Advance(TimeSpan.FromMinutes(5));
        var suggesting = Samples.Certificate(measures: "oxygen");
        suggesting["guardians"]![0]!["email"] = "sara.jobb@example.se";
        await IssueOk(suggesting);

        var html = await Page(guardian, "/vardnadshavare");
        using var accepted = await guardian.SubmitForm("/vardnadshavare", "/vardnadshavare?handler=AcceptSuggestion",
            ("SuggestedEmail", "sara.jobb@example.se"));
        var after = await accepted.ReadPage();
        var afterAccepting = await Contact();
        using var stale = await guardian.SubmitForm("/vardnadshavare", "/vardnadshavare?handler=DismissSuggestion",
            ("SuggestedEmail", "sara.jobb@example.se"));
        var staleHtml = await stale.ReadPage();

        Assert.That(fromCare, Does.Contain("Vården angav adressen 23 november 2026 kl. 09:00. Du kan ändra den här."));
        Assert.That(fromCare, Does.Not.Contain("Vården har angett en annan e-postadress"));
        Assert.That(html, Does.Contain("Vården har angett en annan e-postadress: <strong>sara.jobb@example.se</strong>. Vill du använda den?"));
        Assert.That(html, Does.Contain("Barndiabetesmottagningen Västerås angav adressen 23 november 2026 kl. 09:10"));
        Assert.That(html, Does.Contain("Påminnelser går till sara.egen@example.se tills du väljer."));
        Assert.That(html, Does.Contain("Du angav adressen själv 23 november 2026 kl. 09:05."));
        Assert.That(html, Does.Contain(">Använd sara.jobb@example.se</button>").And.Contain(">Nej, behåll min adress</button>"));
        Assert.That(accepted.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(after, Does.Contain("Du använder nu sara.jobb@example.se."));
        Assert.That(after, Does.Not.Contain("Vården har angett en annan e-postadress"));
        Assert.That(Pages.FieldBlock(after, "Email"), Does.Contain("value=\"sara.jobb@example.se\""));
        Assert.That(afterAccepting, Is.EqualTo(("sara.jobb@example.se", true)));
        Assert.That(staleHtml, Does.Contain("Förslaget har ändrats eller finns inte längre."));
        Assert.That(await Contact(), Is.EqualTo(afterAccepting), "answering a suggestion that is gone changes nothing");
        Assert.That(await Count("notifications", "kind = 'email-changed' AND recipient_email = 'sara.egen@example.se'"), Is.EqualTo(1),
            "the address the guardian left is told");
        Assert.That((await AuditRows()).Select(row => (row.Action, row.Outcome)), Does.Contain(("guardian.email-suggestion-accept", "ok"))
            .And.Contain(("guardian.email-suggestion-dismiss", "conflict")));
    }

    private async Task<(string? Email, bool Enabled)> Contact()
    {
        await using var connection = await App.Database.OpenAsync();
        var row = await connection.QuerySingleAsync<(string? Email, long Enabled)>(
            "SELECT email, CAST(reminders_enabled AS INTEGER) FROM guardians WHERE personnummer = @Pnr", new { Pnr = Tokens.GuardianPnr });
        return (row.Email, row.Enabled == 1);
    }

    [Test]
    public async Task GuardianPage_AccessLog_ShowsUnitAndStockholmTime_ButNoStaffIds()
    {
        var alva = await IssueOk();
        await Client(Tokens.Admin()).ImportOk();
        Clock.SetUtcNow(TestClock.Reference.AddHours(1)); // 10:00 in Stockholm
        await Verify(Samples.ChildPnr, "insulin");
        (await Client(Tokens.Clinician(sub: "clinician-secret-id")).GetAsync($"/api/certificates/{alva}")).Dispose();

        var html = await Page(await SignedIn("guardian"), "/vardnadshavare");

        Assert.That(html, Does.Contain("<td>Solbackaskolan, Västerås</td>"), "the school by name, as the directory has it");
        Assert.That(html, Does.Contain($"Barndiabetesmottagningen Västerås ({Tokens.CareUnit})"));
        Assert.That(html, Does.Contain("23 november 2026 kl. 10:00"));
        Assert.That(html, Does.Contain("Kontrollerade intyg inför egenvård").And.Contain("Läste intyget"));
        Assert.That(html, Does.Not.Contain("clinician-secret-id").And.Not.Contain($"school-{Tokens.SchoolUnit}"));
        Assert.That(html, Does.Not.Contain("Karin Berg").And.Not.Contain("Per Ek"));
    }

    [Test]
    public async Task AdminPage_ShowsAFailedNotification_AndTryAgainPutsItBackInTheQueue()
    {
        var certificate = await IssueOk();
        var notification = Guid.NewGuid();
        await Execute("""
            INSERT INTO notifications (id, certificate_id, guardian_id, threshold_days, status, attempts, next_attempt_at, last_error, created_at)
            SELECT @Id, cg.certificate_id, cg.guardian_id, 14, 'failed', 15, @Now, @Error, @Now
            FROM certificate_guardians cg WHERE cg.certificate_id = @CertificateId
            """, new { Id = notification, CertificateId = certificate, Now = Clock.GetUtcNow(), Error = "550 5.1.1 Mailbox unavailable" });
        var admin = await SignedIn("admin");

        var before = await Page(admin, "/admin");
        using var retry = await admin.SubmitForm("/admin", $"/admin?handler=Retry&id={notification}");
        var after = await retry.ReadPage();

        Assert.That(before, Does.Contain("Sara Lind").And.Contain("550 5.1.1 Mailbox unavailable").And.Contain(certificate.ToString()));
        Assert.That(before, Does.Contain("Försök igen"));
        Assert.That(retry.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(after, Does.Contain("ligger i kön igen"));
        Assert.That(await Count("notifications", "status = 'pending'"), Is.EqualTo(1));
        Assert.That((await AuditRows()).Select(row => (row.ActorId, row.Action)), Does.Contain(("admin-demo", "notification.retry")));
    }

    [Test]
    public async Task AdminPage_RunReminders_ShowsTheCounts()
    {
        var admin = await SignedIn("admin");

        using var run = await admin.SubmitForm("/admin", "/admin?handler=Run");
        var html = await run.ReadPage();

        Assert.That(run.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(html, Does.Contain("Påminnelserna har körts").And.Contain("Skickade: <strong>0</strong>"));
        Assert.That((await AuditRows()).Select(row => row.Action), Does.Contain("reminders.run"));
    }

    [Test]
    public async Task AdminPage_AuditSearchByPersonnummer_IsAPost_AndThePersonnummerIsInNoUrl()
    {
        var certificate = await IssueOk();
        var admin = await SignedIn("admin");

        using var search = await admin.SubmitForm("/admin", "/admin?handler=Search", ("Personnummer", "20150312-2382"));
        var html = await search.ReadPage();
        using var bad = await admin.SubmitForm("/admin", "/admin?handler=Search", ("Personnummer", "20150312-2383"));
        var badHtml = await bad.ReadPage();
        var byCertificate = await Page(admin, $"/admin?intyg={certificate}");

        Assert.That(search.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(search.RequestMessage!.RequestUri!.ToString(), Does.Not.Contain("2382"));
        Assert.That(search.Headers.Location, Is.Null);
        Assert.That(html, Does.Contain("Utfärdade intyg").And.Contain("clinician-1").And.Contain(Tokens.CareUnit));
        Assert.That(html, Does.Contain("23 november 2026 kl. 09:00").And.Contain("Vården").And.Contain("Genomförd"));
        Assert.That(html, Does.Contain("20150312-****"));
        Assert.That(html, Does.Not.Contain("2015031223").And.Not.Contain("20150312-2382"));
        Pages.AssertFieldError(badHtml, "Personnummer", "Ange ett giltigt personnummer");
        Assert.That(Pages.FieldBlock(badHtml, "Personnummer"), Does.Not.Contain("20150312-2383"), "the personnummer is not echoed");
        Assert.That(byCertificate, Does.Contain($"Händelser för intyg {certificate}").And.Contain("Utfärdade intyg"));
        Assert.That((await AuditRows()).Select(row => row.Action), Does.Contain("audit.search").And.Contain("audit.read"));
        Assert.That(App.Logs.Lines, Has.Some.Contain("handler=Search"), "the page host's logs are captured");
        // Any form of it (10 or 12 digits, with or without separator); not the bare last four, which a duration may hold.
        Assert.That(App.Logs.Lines, Has.None.Matches<string>(line => System.Text.RegularExpressions.Regex.IsMatch(line, @"150312\D?2382")),
            "the personnummer in a log line");
    }

    [Test]
    public async Task AdminPage_AuditByCertificateId_NotAnId_IsAnErrorByTheField_AndReadsNothing()
    {
        var admin = await SignedIn("admin");

        var html = await Page(admin, "/admin?intyg=inte-ett-id");

        Pages.AssertFieldError(html, "intyg", "Ange intygets id");
        Assert.That(Pages.FieldBlock(html, "intyg"), Does.Contain("value=\"inte-ett-id\""), "what was typed comes back");
        Assert.That((await AuditRows()).Select(row => row.Action), Does.Not.Contain("audit.read"));
    }

    [Test]
    public async Task PrintPage_HasTheSignedCertificateAsItsQrCode_TheSchoolLinkBelow_AndASchoolItIsNotSharedWithGets404()
    {
        var id = await IssueOk();
        var url = $"https://egenvard.test/skola/intyg/{id}";
        using var signed = await Client(Tokens.Clinician()).GetAsync($"/api/certificates/{id}/signed");
        var payload = (await signed.ReadJson())["payload"]!.GetValue<string>();

        var html = await Page(await SignedIn("guardian"), $"/intyg/{id}/utskrift");
        var school = await SignedIn("school", Tokens.SchoolUnit);
        var sharedSchool = await Page(school, $"/intyg/{id}/utskrift");
        using var otherSchool = await (await SignedIn("school", Tokens.OtherSchoolUnit)).GetAsync($"/intyg/{id}/utskrift");
        using var anonymous = await App.Anonymous().GetAsync($"/intyg/{id}/utskrift");
        using var missing = await (await SignedIn("guardian")).GetAsync($"/intyg/{Guid.NewGuid()}/utskrift");

        Assert.That(html, Does.Contain("<svg").And.Contain(UtskriftModel.QrCode(payload)));
        Assert.That(payload, Does.StartWith("EGV1:"));
        Assert.That(html, Does.Contain($"href=\"{url}\"").And.Contain("https://egenvard.test/verifiera"));
        Assert.That(html, Does.Contain("Alva Lind").And.Contain("20150312-****").And.Not.Contain(Samples.ChildPnr));
        Assert.That(html, Does.Contain("Barndiabetesmottagningen Västerås").And.Contain("021-17 30 00"));
        Assert.That(html, Does.Contain("15 augusti 2026").And.Contain("14 augusti 2027").And.Contain("15 februari 2027"));
        Assert.That(html, Does.Contain("Barnet med stöd av personal").And.Contain("Vid känning").And.Contain("Kontakta diabetesmottagningen")
            .And.Contain("Diabetessköterska instruerar personal på plats."));
        Assert.That(html, Does.Contain("class=\"button\" data-print").And.Contain("class=\"no-print\""));
        Assert.That(sharedSchool, Does.Contain(url).And.Not.Contain("20150312-****"));
        Assert.That(otherSchool.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(anonymous.Headers.Location!.ToString(), Does.Contain("/logga-in"));
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        var denied = (await AuditRows()).Where(row => row.ActorUnit == Tokens.OtherSchoolUnit).Select(row => (row.Action, row.Outcome));
        Assert.That(denied, Is.EqualTo(new[] { ("certificate.read", "denied") }));
    }

    [Test]
    public async Task PrintPage_OfARevokedCertificate_SaysItDoesNotApplyToday()
    {
        var id = await IssueOk();
        await RevokeOk(id);

        var html = await Page(await SignedIn("guardian"), $"/intyg/{id}/utskrift");

        Assert.That(html, Does.Contain("Intyget gäller inte idag: Återkallat.").And.Contain("Behovet har upphört."));
    }

    [Test]
    public async Task SignInPage_OutsideDevelopment_IsNotFound()
    {
        using var response = await (await TestHosts.For(Engine)).ClientFor(null).GetAsync("/logga-in");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [TestCase("school", "/vardnadshavare")]
    [TestCase("clinician", "/vardnadshavare")]
    [TestCase("guardian", "/admin")]
    [TestCase("school", "/admin")]
    public async Task RoleFolders_RefuseOtherRoles(string role, string path)
    {
        using var response = await (await SignedIn(role)).GetAsync(path);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(response.Headers.Location!.ToString(), Does.Contain("/ingen-behorighet"));
    }

    [TestCase("/vardnadshavare")]
    [TestCase("/admin")]
    public async Task RoleFolders_SendAnonymousVisitorsToSignIn(string path)
    {
        using var response = await App.Anonymous().GetAsync(path);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(response.Headers.Location!.ToString(), Does.Contain("/logga-in"));
    }

    [Test]
    public async Task DemoData_SeededTwice_AddsTheCertificatesOnce_ThroughTheStore()
    {
        await DemoData.SeedAsync(App.Services);
        var first = await Count("certificates");
        await DemoData.SeedAsync(App.Services);
        var second = await Count("certificates");

        Assert.That((first, second), Is.EqualTo((4L, 4L)));
        Assert.That(await Count("units"), Is.EqualTo(5));
        Assert.That(await Count("units", "id = 'F1980001' AND name = 'Solrosens förskola'"), Is.EqualTo(1));
        Assert.That(await Count("certificates", "status = 'revoked'"), Is.EqualTo(1));
        Assert.That(await Count("certificate_history"), Is.EqualTo(5));
        var audit = (await AuditRows()).Select(row => (row.ActorId, row.Action)).ToList();
        Assert.That(audit.Count(row => row == ("clinician-demo", "certificate.issue")), Is.EqualTo(4));
        Assert.That(audit, Does.Contain(("clinician-demo", "certificate.revoke")));
        var guardianPage = await Page(await SignedIn("guardian"), "/vardnadshavare");
        Assert.That(guardianPage, Does.Contain("Giltigt").And.Contain("Återkallat").And.Not.Contain("Omar Demo-Berg"));
        Assert.That(guardianPage, Does.Contain("<li>Solbackaskolan, Västerås</li>"), "the demo units by name");
        var school = await Page(await SignedIn("school", DemoData.SchoolUnit), "/intyg/" + await DemoCertificate("Alva Demo-Lind") + "/utskrift");
        Assert.That(school, Does.Contain("Alva Demo-Lind"));
    }

    private async Task<Guid> DemoCertificate(string childName)
    {
        await using var connection = await App.Database.OpenAsync();
        var id = await connection.ExecuteScalarAsync<string>(
            "SELECT CAST(id AS TEXT) FROM certificates WHERE child_name = @childName", new { childName });
        return Guid.Parse(id!);
    }
}
