using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.Tests.Web;

/// <summary>
/// The clinician's pages over HTTP, signed in with the development sign-in cookie: they issue, read, search, renew
/// and revoke through the API's rules and store, so the data and the audit trail are the API's.
/// </summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class VardPagesTests(Engine engine) : IntegrationTest(engine)
{
    private const string DemoClinician = "clinician-demo";

    protected override Task<RegistryApp> HostAsync() => TestHosts.PagesFor(Engine);

    private static List<(string, string)> CompleteForm() =>
    [
        ("Form.Child.Personnummer", "20150312-2382"),
        ("Form.Child.Name", "Alva Lind"),
        ("Form.Guardians[0].Personnummer", Tokens.GuardianPnr),
        ("Form.Guardians[0].Name", "Sara Lind"),
        ("Form.Guardians[0].Email", "sara.lind@example.se"),
        ("Form.Measures[0].Code", "insulin"),
        ("Form.Measures[0].Description", ""),
        ("Form.Measures[0].Performer", "child-with-staff"),
        ("Form.Measures[0].Instructions", "Insulinpenna före lunch enligt dosschema."),
        ("Form.Measures[0].IfHarm", "Vid känning: ge druvsocker; vid medvetslöshet ring 112."),
        ("Form.Measures[0].IfChanged", "Kontakta diabetesmottagningen."),
        ("Form.InstructionGivenBy", "Diabetessköterska instruerar personal på plats."),
        ("Form.ValidFrom", "2026-11-23"),
        ("Form.ValidUntil", "2027-11-22"),
        ("Form.FollowUpOn", "2027-05-20"),
        ("Form.CareUnit.Name", "Barndiabetesmottagningen Västerås"),
        ("Form.CareUnit.Phone", "021-17 30 00"),
        ("Form.SharedWith[0]", Tokens.SchoolUnit),
    ];

    private static List<(string, string)> With(List<(string Name, string Value)> form, string name, string value) =>
        [.. form.Select(field => field.Name == name ? (field.Name, value) : field)];

    private static Guid IdFrom(HttpResponseMessage redirect)
    {
        Assert.That(redirect.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        var match = Regex.Match(redirect.Headers.Location!.OriginalString, "^/vard/intyg/([0-9a-f-]{36})$");
        Assert.That(match.Success, Is.True, redirect.Headers.Location!.OriginalString);
        return Guid.Parse(match.Groups[1].Value);
    }

    [Test]
    public async Task Issue_CompleteForm_IssuesThroughTheStoreAndRedirectsToTheCertificate()
    {
        var client = await App.SignInClinicianAsync();
        var page = await client.GetPage("/vard/nytt");

        using var response = await client.PostForm("/vard/nytt", page, CompleteForm());

        var id = IdFrom(response);
        using var api = await Client(Tokens.Clinician()).GetAsync($"/api/certificates/{id}");
        var json = await api.ReadJson();
        Assert.That(api.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(json["child"]!["personnummer"]!.GetValue<string>(), Is.EqualTo(Samples.ChildPnr));
        Assert.That(json["careUnit"]!["hsaId"]!.GetValue<string>(), Is.EqualTo(Tokens.CareUnit));
        Assert.That(json["measures"]![0]!["ifHarm"]!.GetValue<string>(), Does.StartWith("Vid känning"));
        Assert.That(json["issuedBy"]!["name"]!.GetValue<string>(), Is.EqualTo("Karin Berg"));

        var certificate = await client.GetPage($"/vard/intyg/{id}");
        Assert.That(certificate, Does.Contain("Egenvårdsintyg för Alva Lind"));
        Assert.That(certificate, Does.Contain("Giltigt"));
        Assert.That(certificate, Does.Contain("22 november 2027"));
        Assert.That(certificate, Does.Contain("Barnet med stöd av personal"));
        Assert.That(certificate, Does.Contain($"/vard/intyg/{id}/aterkalla"));

        var audit = (await AuditRows()).Where(row => row.ActorId == DemoClinician).ToList();
        Assert.That(audit.Select(row => (row.Action, row.Outcome, row.CertificateId)), Is.EqualTo(new[]
        {
            ("certificate.issue", "ok", id.ToString()),
            ("certificate.read", "ok", id.ToString()),
        }));
        Assert.That(audit.All(row => row.ActorRole == "clinician" && row.ActorUnit == Tokens.CareUnit), Is.True);
    }

    [Test]
    public async Task Issue_MissingParts_ShowsSwedishErrorsNextToTheirFieldsAndIssuesNothing()
    {
        var client = await App.SignInClinicianAsync();
        var page = await client.GetPage("/vard/nytt");
        var form = With(With(CompleteForm(), "Form.Measures[0].IfHarm", ""), "Form.Child.Personnummer", "20150312-2383");
        form.Add(("Form.SharedWith[1]", "1234"));

        using var response = await client.PostForm("/vard/nytt", page, form);
        var html = await response.ReadPage();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await Count("certificates"), Is.EqualTo(0));
        Assert.That(html, Does.Contain("class=\"error-summary\""));
        Assert.That(html, Does.Contain("href=\"#Form_Measures_0__IfHarm\""));
        var summaryOrder = new[] { "#Form_Child_Personnummer", "#Form_Measures_0__IfHarm", "#Form_SharedWith_1_" }
            .Select(link => html.IndexOf(link, StringComparison.Ordinal)).ToList();
        Assert.That(summaryOrder, Is.Ordered.And.All.GreaterThan(0), "the summary follows the form");

        var ifHarm = Pages.FieldBlock(html, "Form_Measures_0__IfHarm");
        Assert.That(ifHarm, Does.Contain("id=\"Form_Measures_0__IfHarm-error\""));
        Assert.That(ifHarm, Does.Contain("vid skada eller risk för skada."));
        Assert.That(ifHarm, Does.Contain("aria-invalid=\"true\""));
        Assert.That(ifHarm, Does.Match("aria-describedby=\"[^\"]*Form_Measures_0__IfHarm-error"));
        Assert.That(Pages.FieldBlock(html, "Form_Measures_0__IfChanged"), Does.Not.Contain("field-error"));

        Assert.That(Pages.FieldBlock(html, "Form_Child_Personnummer"), Does.Contain("Ange ett giltigt personnummer"));
        Assert.That(Pages.FieldBlock(html, "Form_SharedWith_1_"), Does.Contain("Ingen förskola eller skola i enhetsregistret heter så"));
        Assert.That(html, Does.Not.Contain("Required"));
        // The posted values come back, so nothing typed is lost.
        Assert.That(Pages.FieldBlock(html, "Form_Child_Name"), Does.Contain("value=\"Alva Lind\""));
    }

    [Test]
    public async Task Issue_DateThatIsNotADate_IsTheFormsOwnSwedishError()
    {
        var client = await App.SignInClinicianAsync();
        var page = await client.GetPage("/vard/nytt");

        using var response = await client.PostForm("/vard/nytt", page, With(CompleteForm(), "Form.ValidUntil", "14/8 2027"));
        var html = await response.ReadPage();

        var block = Pages.FieldBlock(html, "Form_ValidUntil");
        Assert.That(block, Does.Contain("ÅÅÅÅ-MM-DD"));
        Assert.That(Regex.Count(block, "class=\"field-error\""), Is.EqualTo(1));
        Assert.That(await Count("certificates"), Is.EqualTo(0));
    }

    [Test]
    public async Task AddAndRemoveMeasure_ShowTheFormAgainWithWhatWasTyped()
    {
        var client = await App.SignInClinicianAsync();
        var page = await client.GetPage("/vard/nytt");

        using var added = await client.PostForm("/vard/nytt?handler=AddMeasure", page, CompleteForm());
        var twoMeasures = await added.ReadPage();
        Assert.That(added.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(twoMeasures, Does.Contain("name=\"Form.Measures[1].Code\""));
        Assert.That(twoMeasures, Does.Not.Contain("class=\"error-summary\""), "adding a measure is not submitting the form");
        Assert.That(Pages.FieldBlock(twoMeasures, "Form_Child_Name"), Does.Contain("value=\"Alva Lind\""));

        var form = Pages.FormValues(twoMeasures);
        form = With(form, "Form.Measures[1].Code", "adrenaline");
        form = With(form, "Form.Measures[1].Performer", "staff");
        form = With(form, "Form.Measures[1].Instructions", "Adrenalinpenna i låret.");
        form = With(form, "Form.Measures[1].IfHarm", "Ring 112.");
        form = With(form, "Form.Measures[1].IfChanged", "Kontakta allergimottagningen.");
        using var removed = await client.PostForm("/vard/nytt?handler=RemoveMeasure&index=0", twoMeasures, form);
        var oneMeasure = await removed.ReadPage();
        Assert.That(oneMeasure, Does.Not.Contain("name=\"Form.Measures[1].Code\""));
        Assert.That(Pages.FieldBlock(oneMeasure, "Form_Measures_0__Code"), Does.Contain("<option value=\"adrenaline\" selected=\"selected\">"));

        using var issued = await client.PostForm("/vard/nytt", oneMeasure, Pages.FormValues(oneMeasure));
        var id = IdFrom(issued);
        var certificate = await client.GetPage($"/vard/intyg/{id}");
        Assert.That(certificate, Does.Contain("Adrenalinpenna"));
        Assert.That(certificate, Does.Not.Contain("<h3>Insulin</h3>"));
    }

    [Test]
    public async Task AddGuardian_ShowsASecondGuardianThatIsIssued()
    {
        var client = await App.SignInClinicianAsync();
        var page = await client.GetPage("/vard/nytt");

        using var added = await client.PostForm("/vard/nytt?handler=AddGuardian", page, CompleteForm());
        var html = await added.ReadPage();
        Assert.That(html, Does.Contain("name=\"Form.Guardians[1].Personnummer\""));
        Assert.That(html, Does.Not.Contain("handler=AddGuardian"), "two guardians at most");

        var form = With(With(Pages.FormValues(html), "Form.Guardians[1].Personnummer", Tokens.OtherGuardianPnr),
            "Form.Guardians[1].Name", "Olle Lind");
        using var issued = await client.PostForm("/vard/nytt", html, form);
        var certificate = await client.GetPage($"/vard/intyg/{IdFrom(issued)}");
        Assert.That(certificate, Does.Contain("Olle Lind"));
    }

    [Test]
    public async Task Search_ByPersonnummer_ListsTheChildsCertificatesAndNoUrlCarriesIt()
    {
        var older = await IssueOk();
        Clock.Advance(TimeSpan.FromMinutes(5));
        var newer = await IssueOk(Samples.Certificate(measures: "adrenaline"));
        await IssueOk(Samples.Certificate(childPnr: Samples.OtherChildPnr));
        var client = await App.SignInClinicianAsync();
        var start = await client.GetPage("/vard");
        Assert.That(start, Does.Contain("<form method=\"post\""));

        using var response = await client.PostForm("/vard", start, ("Personnummer", "20150312-2382"));
        var html = await response.ReadPage();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "results are shown at once, never by a redirect");
        Assert.That(response.Headers.Location, Is.Null);
        Assert.That(html.IndexOf($"/vard/intyg/{newer}", StringComparison.Ordinal),
            Is.LessThan(html.IndexOf($"/vard/intyg/{older}", StringComparison.Ordinal)).And.GreaterThan(0), "newest first");
        Assert.That(html, Does.Contain("Giltigt"));
        Assert.That(html, Does.Contain("14 augusti 2027"));
        Assert.That(Regex.Count(html, "href=\"/vard/intyg/"), Is.EqualTo(2));
        foreach (Match url in Regex.Matches(html, "(?:href|action|formaction)=\"([^\"]*)\""))
        {
            Assert.That(url.Groups[1].Value, Does.Not.Contain("2382").And.Not.Contain("20150312"));
        }
        var searches = (await AuditRows()).Where(row => row.Action == "certificate.search").ToList();
        Assert.That(searches.Select(row => row.CertificateId), Is.EquivalentTo(new[] { older.ToString(), newer.ToString() }));
    }

    [Test]
    public async Task Pages_NeverLogAPersonnummer()
    {
        var client = await App.SignInClinicianAsync();
        var page = await client.GetPage("/vard/nytt");
        using var issued = await client.PostForm("/vard/nytt", page, CompleteForm());
        var start = await client.GetPage("/vard");
        using var searched = await client.PostForm("/vard", start, ("Personnummer", "20150312-2382"));
        await client.GetPage($"/vard/intyg/{IdFrom(issued)}");

        string[] personnummer = ["20150312-2382", "201503122382", "150312-2382", "1503122382", Tokens.GuardianPnr, "19820411-2380"];
        var leaks = App.Logs.Lines.Where(line => personnummer.Any(pnr => line.Contains(pnr, StringComparison.Ordinal))).ToList();
        Assert.That(leaks, Is.Empty);
    }

    [Test]
    public async Task Search_InvalidPersonnummer_IsASwedishErrorByTheField()
    {
        var client = await App.SignInClinicianAsync();
        var start = await client.GetPage("/vard");

        using var response = await client.PostForm("/vard", start, ("Personnummer", "20150312-2383"));
        var html = await response.ReadPage();

        Pages.AssertFieldError(html, "Personnummer", "Ange ett giltigt personnummer");
    }

    [Test]
    public async Task Search_ShowsOtherCareUnitsCertificatesWithoutALink()
    {
        await IssueOk(Samples.Certificate(careUnit: Tokens.OtherCareUnit), Tokens.Clinician(Tokens.OtherCareUnit));
        var client = await App.SignInClinicianAsync();
        var start = await client.GetPage("/vard");

        using var response = await client.PostForm("/vard", start, ("Personnummer", Samples.ChildPnr));
        var html = await response.ReadPage();

        Assert.That(html, Does.Contain("Annan vårdenhet"));
        Assert.That(html, Does.Not.Contain("href=\"/vard/intyg/"));
    }

    [Test]
    public async Task Revoke_AsksForConfirmationFirst_ThenTheVerificationSaysRevoked()
    {
        var id = await IssueOk();
        var client = await App.SignInClinicianAsync();
        var page = await client.GetPage($"/vard/intyg/{id}/aterkalla");
        Assert.That(page, Does.Contain("name=\"Version\" value=\"1\""));

        using var first = await client.PostForm($"/vard/intyg/{id}/aterkalla", page, With(Pages.FormValues(page), "Reason", "Fel barn."));
        var confirm = await first.ReadPage();
        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(confirm, Does.Contain("Är du säker?"));
        Assert.That(confirm, Does.Contain("Fel barn."));
        Assert.That(await Count("certificates", "status = 'active'"), Is.EqualTo(1), "nothing is revoked before the confirmation");

        using var confirmed = await client.PostForm($"/vard/intyg/{id}/aterkalla?handler=Confirm", confirm, Pages.FormValues(confirm));
        Assert.That(IdFrom(confirmed), Is.EqualTo(id));

        var verification = await Verify(Samples.ChildPnr, "insulin");
        Assert.That(verification["reason"]!.GetValue<string>(), Is.EqualTo("revoked"));
        var certificate = await client.GetPage($"/vard/intyg/{id}");
        Assert.That(certificate, Does.Contain("Återkallat"));
        Assert.That(certificate, Does.Contain("Fel barn."));
        Assert.That(certificate, Does.Not.Contain("/aterkalla\""));
        Assert.That((await AuditRows()).Count(row => row is { Action: "certificate.revoke", Outcome: "ok", ActorId: DemoClinician }),
            Is.EqualTo(1));
    }

    [Test]
    public async Task Revoke_WithoutAReason_IsASwedishErrorAndNoConfirmation()
    {
        var id = await IssueOk();
        var client = await App.SignInClinicianAsync();
        var page = await client.GetPage($"/vard/intyg/{id}/aterkalla");

        using var response = await client.PostForm($"/vard/intyg/{id}/aterkalla", page, With(Pages.FormValues(page), "Reason", "  "));
        var html = await response.ReadPage();

        Assert.That(html, Does.Not.Contain("Är du säker?"));
        Pages.AssertFieldError(html, "Reason", "Ange varför intyget återkallas.");
    }

    [Test]
    public async Task Revoke_FromAStalePage_SaysSoInSwedishAndRevokesNothing()
    {
        var id = await IssueOk();
        var client = await App.SignInClinicianAsync();
        var page = await client.GetPage($"/vard/intyg/{id}/aterkalla");
        using var first = await client.PostForm($"/vard/intyg/{id}/aterkalla", page, With(Pages.FormValues(page), "Reason", "Fel barn."));
        var confirm = await first.ReadPage();
        using (var renewal = await Renew(id, NewDates("2026-11-23", "2027-11-22", "2027-05-20")))
        {
            Assert.That(renewal.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        }

        using var confirmed = await client.PostForm($"/vard/intyg/{id}/aterkalla?handler=Confirm", confirm, Pages.FormValues(confirm));
        var html = await confirmed.ReadPage();

        Assert.That(confirmed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(html, Does.Contain("Intyget har ändrats sedan du öppnade sidan"));
        Assert.That(await Count("certificates", "status = 'revoked'"), Is.EqualTo(0));
    }

    [Test]
    public async Task Renew_PrefillsNewDatesAndCreatesAReplacement()
    {
        var id = await IssueOk();
        var client = await App.SignInClinicianAsync();
        var page = await client.GetPage($"/vard/intyg/{id}/fornya");
        Assert.That(Pages.FieldBlock(page, "Form_ValidFrom"), Does.Contain("value=\"2026-11-23\""));
        Assert.That(Pages.FieldBlock(page, "Form_ValidUntil"), Does.Contain("value=\"2027-11-23\""));
        Assert.That(Pages.FieldBlock(page, "Form_FollowUpOn"), Does.Contain("value=\"2027-05-23\""));
        Assert.That(page, Does.Not.Contain("name=\"Form.Child.Personnummer\""), "the child cannot change");

        var form = With(Pages.FormValues(page), "Form.Measures[0].Instructions", "Ny dos enligt schema.");
        using var response = await client.PostForm($"/vard/intyg/{id}/fornya", page, form);

        var renewed = IdFrom(response);
        Assert.That(renewed, Is.Not.EqualTo(id));
        using var api = await Client(Tokens.Clinician()).GetAsync($"/api/certificates/{renewed}");
        var json = await api.ReadJson();
        Assert.That(json["replaces"]!.GetValue<string>(), Is.EqualTo(id.ToString()));
        Assert.That(json["validUntil"]!.GetValue<string>(), Is.EqualTo("2027-11-23"));
        Assert.That(json["measures"]![0]!["instructions"]!.GetValue<string>(), Is.EqualTo("Ny dos enligt schema."));
        Assert.That(json["child"]!["personnummer"]!.GetValue<string>(), Is.EqualTo(Samples.ChildPnr));
        var renewals = (await AuditRows()).Where(row => row is { Action: "certificate.renew", ActorId: DemoClinician }).ToList();
        Assert.That(renewals.Select(row => (row.Outcome, row.CertificateId)),
            Is.EquivalentTo(new[] { ("replaced", id.ToString()), ("ok", renewed.ToString()) }));
        var old = await client.GetPage($"/vard/intyg/{id}");
        Assert.That(old, Does.Contain("Ersatt"));
        Assert.That(old, Does.Contain($"href=\"/vard/intyg/{renewed}\""));
    }

    [Test]
    public async Task Renew_InvalidDates_ShowsSwedishErrorsAndRenewsNothing()
    {
        var id = await IssueOk();
        var client = await App.SignInClinicianAsync();
        var page = await client.GetPage($"/vard/intyg/{id}/fornya");

        using var response = await client.PostForm($"/vard/intyg/{id}/fornya", page,
            With(Pages.FormValues(page), "Form.ValidUntil", "2028-11-23"));
        var html = await response.ReadPage();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(Pages.FieldBlock(html, "Form_ValidUntil"), Does.Contain("högst 13 månader"));
        Assert.That(await Count("certificates"), Is.EqualTo(1));
    }

    [Test]
    public async Task Renew_ARevokedCertificate_IsASwedishMessage()
    {
        var id = await IssueOk();
        var client = await App.SignInClinicianAsync();
        var page = await client.GetPage($"/vard/intyg/{id}/fornya");
        using (var revoked = await Revoke(id, reason: "Fel barn."))
        {
            Assert.That(revoked.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        using var response = await client.PostForm($"/vard/intyg/{id}/fornya", page, Pages.FormValues(page));
        var html = await response.ReadPage();

        Assert.That(html, Does.Contain("Intyget har ändrats sedan du öppnade sidan"));
        Assert.That(await Count("certificates"), Is.EqualTo(1));
    }

    [Test]
    public async Task Certificate_OfAnotherCareUnit_IsNotFoundAndAudited()
    {
        var id = await IssueOk();
        var client = await App.SignInClinicianAsync(Tokens.OtherCareUnit);

        foreach (var url in new[] { $"/vard/intyg/{id}", $"/vard/intyg/{id}/fornya", $"/vard/intyg/{id}/aterkalla" })
        {
            using var response = await client.GetAsync(url);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), url);
        }
        Assert.That((await AuditRows()).Count(row => row is { Action: "certificate.read", Outcome: "denied" }), Is.EqualTo(3));
    }

    [TestCase(Roles.School)]
    [TestCase(Roles.Guardian)]
    [TestCase(Roles.Admin)]
    public async Task Vard_OtherRoles_AreSentToNoAccess(string role)
    {
        var client = await App.SignInAsync(role);

        foreach (var url in new[] { "/vard", "/vard/nytt", $"/vard/intyg/{Guid.NewGuid()}" })
        {
            using var response = await client.GetAsync(url);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), url);
            Assert.That(response.Headers.Location!.OriginalString, Does.Contain("/ingen-behorighet"), url);
        }
    }

    [Test]
    public async Task Vard_Anonymous_IsSentToSignIn()
    {
        using var response = await App.Anonymous().GetAsync("/vard/nytt");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(response.Headers.Location!.OriginalString, Does.Contain("/logga-in"));
    }

    [Test]
    public async Task Vard_ApiTokenIsNotAPageSignIn()
    {
        using var response = await Client(Tokens.Clinician()).GetAsync("/vard");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(response.Headers.Location!.OriginalString, Does.Contain("/logga-in"));
    }

    [TestCase("/vard")]
    [TestCase("/vard/nytt")]
    public async Task Post_WithoutAntiforgeryToken_IsRefused(string url)
    {
        var client = await App.SignInClinicianAsync();

        using var response = await client.PostAsync(url, new FormUrlEncodedContent(
            CompleteForm().Append(("Personnummer", Samples.ChildPnr)).Select(field => new KeyValuePair<string, string>(field.Item1, field.Item2))));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await Count("certificates"), Is.EqualTo(0));
        Assert.That(await AuditCount(), Is.EqualTo(0));
    }

    [Test]
    public async Task Revoke_WithoutAntiforgeryToken_IsRefused()
    {
        var id = await IssueOk();
        var client = await App.SignInClinicianAsync();

        using var response = await client.PostAsync($"/vard/intyg/{id}/aterkalla?handler=Confirm", new FormUrlEncodedContent(
            new Dictionary<string, string> { ["Reason"] = "Fel barn.", ["Version"] = "1" }));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await Count("certificates", "status = 'active'"), Is.EqualTo(1));
    }
}
