using System.Net;
using System.Text.RegularExpressions;
using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.Tests.Web;

/// <summary>
/// Units by name on the pages: the clinician's form picks them by name, the certificate shows their names, and the
/// guardian sees which units see each certificate, withdraws one, shares with one picked by name and reads the history.
/// </summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed partial class UnitAndSharePagesTests(Engine engine) : IntegrationTest(engine)
{
    protected override Task<RegistryApp> HostAsync() => TestHosts.PagesFor(Engine);

    [SetUp]
    public Task FillTheDirectory() => Client(Tokens.Admin()).ImportOk();

    private static List<(string Name, string Value)> IssueForm(params (string Name, string Value)[] units) =>
    [
        ("Form.Child.Personnummer", "20150312-2382"),
        ("Form.Child.Name", "Alva Lind"),
        ("Form.Guardians[0].Personnummer", Tokens.GuardianPnr),
        ("Form.Guardians[0].Name", "Sara Lind"),
        ("Form.Guardians[0].Email", "sara.lind@example.se"),
        ("Form.Measures[0].Code", "insulin"),
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
        .. units,
    ];

    private async Task<List<string>> SharedWith(Guid id)
    {
        using var response = await Client(Tokens.Admin()).GetAsync($"/api/certificates/{id}");
        return [.. (await response.ReadJson())["sharedWith"]!.AsArray().Select(unit => unit!.GetValue<string>())];
    }

    [Test]
    public async Task IssueForm_SuggestsTheDirectorysUnits_AndTakesAUnitByNameOrByItsLabel()
    {
        var client = await App.SignInClinicianAsync();
        var page = await client.GetPage("/vard/nytt");

        Assert.That(Pages.FieldBlock(page, "Form_SharedWith_0_"), Does.Contain("list=\"enhetsregister\""));
        Assert.That(page, Does.Contain("<datalist id=\"enhetsregister\">"));
        Assert.That(page, Does.Contain("<option value=\"Solrosens förskola, Västerås (F1980001)\">Förskola, Västerås stad</option>"));
        using var response = await client.PostForm("/vard/nytt", page,
            IssueForm(("Form.SharedWith[0]", "solrosens FÖRSKOLA"), ("Form.SharedWith[1]", "Solbackaskolan, Västerås (12345678)"),
                ("Form.SharedWith[2]", "")));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await response.ReadPage());
        var id = Guid.Parse(response.Headers.Location!.OriginalString["/vard/intyg/".Length..]);
        Assert.That(await SharedWith(id), Is.EqualTo(new[] { Tokens.SchoolUnit, UnitSamples.Preschool }));
        var certificate = await client.GetPage($"/vard/intyg/{id}");
        Assert.That(certificate, Does.Contain("<li>Solbackaskolan, Västerås</li>").And.Contain("<li>Solrosens förskola, Västerås</li>"));
        Assert.That(certificate, Does.Not.Contain("Skolenhet 12345678"));
    }

    [Test]
    public async Task IssueForm_APartOfAName_OffersTheMatchingUnits_AndPickingOneFillsTheRow()
    {
        var client = await App.SignInClinicianAsync();
        var page = await client.GetPage("/vard/nytt");

        using var response = await client.PostForm("/vard/nytt", page, IssueForm(("Form.SharedWith[0]", "förskola")));
        var html = await response.ReadPage();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await Count("certificates"), Is.EqualTo(0));
        Pages.AssertFieldError(html, "Form_SharedWith_0_", "Välj vilken enhet du menar bland träffarna nedanför fältet.");
        Assert.That(html, Does.Contain("Välj Solrosens förskola, Västerås").And.Contain("Välj Örnens förskola, Västerås"));
        Assert.That(html, Does.Match("formaction=\"/vard/nytt\\?(?=[^\"]*handler=PickUnit)(?=[^\"]*index=0)(?=[^\"]*unit=F1980002)[^\"]*\""));

        using var picked = await client.PostForm("/vard/nytt?handler=PickUnit&index=0&unit=F1980002", html, Pages.FormValues(html));
        var after = await picked.ReadPage();

        Assert.That(Pages.FieldBlock(after, "Form_SharedWith_0_"), Does.Contain("value=\"Örnens förskola, Västerås (F1980002)\""));
        Assert.That(after, Does.Not.Contain("field-error"));
        Assert.That(await Count("certificates"), Is.EqualTo(0));
    }

    [Test]
    public async Task IssueForm_AddsAndRemovesUnitRows_WithoutJavaScript()
    {
        var client = await App.SignInClinicianAsync();
        var page = await client.GetPage("/vard/nytt");

        using var added = await client.PostForm("/vard/nytt?handler=AddUnit", page, IssueForm(("Form.SharedWith[0]", "Solbackaskolan")));
        var twoRows = await added.ReadPage();
        using var removed = await client.PostForm("/vard/nytt?handler=RemoveUnit&index=0", twoRows, Pages.FormValues(twoRows));
        var oneRow = await removed.ReadPage();

        Assert.That(twoRows, Does.Contain("Enhet 2").And.Contain("Ta bort enhet 2"));
        Assert.That(Pages.FieldBlock(twoRows, "Form_SharedWith_0_"), Does.Contain("value=\"Solbackaskolan\""));
        Assert.That(oneRow, Does.Not.Contain("id=\"Form_SharedWith_1_\""));
        Assert.That(Pages.FieldBlock(oneRow, "Form_SharedWith_0_"), Does.Not.Contain("value="), "the empty row is the one left");
    }

    [Test]
    public async Task RenewForm_ListsTheUnitsThatSeeItNow_ByLabel_NotTheOneTheGuardianWithdrew()
    {
        var id = await IssueOk(Samples.Certificate(sharedWith: [Tokens.SchoolUnit, UnitSamples.Preschool, "11112222"]));
        using (await Client(Tokens.Guardian()).DeleteAsync($"/api/guardians/me/certificates/{id}/shares/{UnitSamples.Preschool}"))
        {
        }
        var client = await App.SignInClinicianAsync();

        var page = await client.GetPage($"/vard/intyg/{id}/fornya");
        using var response = await client.PostForm($"/vard/intyg/{id}/fornya", page, Pages.FormValues(page));

        Assert.That(Pages.FieldBlock(page, "Form_SharedWith_0_"), Does.Contain("value=\"Okänd enhet (11112222)\""));
        Assert.That(Pages.FieldBlock(page, "Form_SharedWith_1_"), Does.Contain("value=\"Solbackaskolan, Västerås (12345678)\""));
        Assert.That(page, Does.Not.Contain("id=\"Form_SharedWith_2_\""));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        var renewal = Guid.Parse(response.Headers.Location!.OriginalString["/vard/intyg/".Length..]);
        Assert.That(await SharedWith(renewal), Is.EqualTo(new[] { "11112222", Tokens.SchoolUnit }));
    }

    [Test]
    public async Task GuardianPage_ListsTheUnitsThatSeeEachCertificateByName_WithALinkToChooseThem()
    {
        var id = await IssueOk(Samples.Certificate(sharedWith: [Tokens.SchoolUnit, "11112222"]));
        var guardian = await App.SignInAsync("guardian");

        var html = await guardian.GetPage("/vardnadshavare");

        Assert.That(html, Does.Contain("<th scope=\"col\">Ser intyget</th>"));
        Assert.That(html, Does.Contain("<li>Solbackaskolan, Västerås</li>").And.Contain("<li>Okänd enhet (11112222)</li>"));
        Assert.That(html, Does.Contain($"<a href=\"/vardnadshavare/intyg/{id}\">Välj vilka som ser intyget<span class=\"visually-hidden\"> för Alva Lind</span></a>"));
    }

    [Test]
    public async Task SharePage_ShowsUnitsByName_AndTheHistory_AndWithdrawingOneMakesItsCheckAnswerNone()
    {
        var id = await IssueOk(Samples.Certificate(sharedWith: [Tokens.SchoolUnit, UnitSamples.Preschool]));
        var guardian = await App.SignInAsync("guardian");
        var page = await guardian.GetPage($"/vardnadshavare/intyg/{id}");
        Assert.That(page, Does.Contain("Vilka ser intyget för Alva Lind?"));
        Assert.That(page, Does.Contain("<span class=\"unit-name\">Solbackaskolan, Västerås</span>").And.Contain("Skola, Västerås stad"));
        Assert.That(page, Does.Contain("Sluta dela med Solrosens förskola, Västerås"));
        Assert.That(page, Does.Contain("Karin Berg, vården, på vårdnadshavarens begäran"));

        using var response = await guardian.PostForm($"/vardnadshavare/intyg/{id}?handler=Withdraw&unit={Tokens.SchoolUnit}", page);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(response.Headers.Location!.OriginalString, Is.EqualTo($"/vardnadshavare/intyg/{id}?slutat={Tokens.SchoolUnit}#enheter"));
        var after = await guardian.GetPage($"/vardnadshavare/intyg/{id}?slutat={Tokens.SchoolUnit}");
        Assert.That(after, Does.Contain("Solbackaskolan, Västerås ser inte längre intyget."));
        Assert.That(after, Does.Not.Contain("Sluta dela med Solbackaskolan"));
        Assert.That(HistoryRows(after)[0], Is.EqualTo(("Solbackaskolan, Västerås", "Slutade se intyget", "Sara Lind, vårdnadshavare")));
        Assert.That((await Verify(Samples.ChildPnr, "insulin"))["reason"]!.GetValue<string>(), Is.EqualTo("none"));
        Assert.That(await AuditCount("action = 'share.withdraw' AND outcome = 'ok' AND actor_id = 'guardian-demo'"), Is.EqualTo(1));
    }

    [Test]
    public async Task SharePage_AddingByExactName_Shares_AndAPartOfANameOffersUnitsToPick()
    {
        var id = await IssueOk();
        var guardian = await App.SignInAsync("guardian");
        var page = await guardian.GetPage($"/vardnadshavare/intyg/{id}");
        Assert.That(Pages.FieldBlock(page, "Unit"), Does.Contain("list=\"enhetsregister\""));

        using var partial = await guardian.PostForm($"/vardnadshavare/intyg/{id}?handler=Add", page, ("Unit", "västerås förskola"));
        var choices = await partial.ReadPage();
        Assert.That(partial.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Pages.AssertFieldError(choices, "Unit", "Välj vilken enhet du menar bland träffarna nedanför fältet.");
        Assert.That(choices, Does.Contain("Dela med Solrosens förskola, Västerås").And.Contain("Dela med Örnens förskola, Västerås"));
        Assert.That(await SharedWith(id), Is.EqualTo(new[] { Tokens.SchoolUnit }));

        using var picked = await guardian.PostForm($"/vardnadshavare/intyg/{id}?handler=Add", choices, ("Unit", UnitSamples.OtherPreschool));
        using var byName = await guardian.PostForm($"/vardnadshavare/intyg/{id}?handler=Add", page, ("Unit", "Solrosens förskola"));

        Assert.That((picked.StatusCode, byName.StatusCode), Is.EqualTo((HttpStatusCode.Redirect, HttpStatusCode.Redirect)));
        Assert.That(byName.Headers.Location!.OriginalString, Is.EqualTo($"/vardnadshavare/intyg/{id}?delat={UnitSamples.Preschool}#enheter"));
        Assert.That(await SharedWith(id), Is.EqualTo(new[] { Tokens.SchoolUnit, UnitSamples.Preschool, UnitSamples.OtherPreschool }));
        var after = await guardian.GetPage($"/vardnadshavare/intyg/{id}?delat={UnitSamples.Preschool}");
        Assert.That(after, Does.Contain("Solrosens förskola, Västerås ser nu intyget."));
        Assert.That(HistoryRows(after)[0], Is.EqualTo(("Solrosens förskola, Västerås", "Fick se intyget", "Sara Lind, vårdnadshavare")));
    }

    [TestCase("Kastanjens förskola", "Ingen förskola eller skola i enhetsregistret heter så.")]
    [TestCase("", "Ange förskolan eller skolan.")]
    [TestCase("F1980999", "Enheten finns inte i enhetsregistret.")]
    public async Task SharePage_AUnitNotInTheDirectory_IsASwedishErrorNextToTheField_AndSharesNothing(string typed, string message)
    {
        var id = await IssueOk();
        var guardian = await App.SignInAsync("guardian");
        var page = await guardian.GetPage($"/vardnadshavare/intyg/{id}");

        using var response = await guardian.PostForm($"/vardnadshavare/intyg/{id}?handler=Add", page, ("Unit", typed));
        var html = await response.ReadPage();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Pages.AssertFieldError(html, "Unit", message);
        Assert.That(await Count("certificate_shares"), Is.EqualTo(1));
        Assert.That(await Count("share_consents"), Is.EqualTo(1));
    }

    [Test]
    public async Task SharePage_OfAnotherGuardiansChild_IsNotFound_ForReadingAndForChanging()
    {
        var id = await IssueOk(Samples.Certificate(guardianPnr: Tokens.OtherGuardianPnr));
        var guardian = await App.SignInAsync("guardian");
        var own = await guardian.GetPage("/logga-in"); // a form of the guardian's own, for an anti-forgery token

        using var get = await guardian.GetAsync($"/vardnadshavare/intyg/{id}");
        using var withdraw = await guardian.PostForm($"/vardnadshavare/intyg/{id}?handler=Withdraw&unit={Tokens.SchoolUnit}", own);
        using var add = await guardian.PostForm($"/vardnadshavare/intyg/{id}?handler=Add", own, ("Unit", UnitSamples.Preschool));

        Assert.That(new[] { get.StatusCode, withdraw.StatusCode, add.StatusCode }, Has.All.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await Count("certificate_shares"), Is.EqualTo(1));
        Assert.That(await Count("share_consents"), Is.EqualTo(1));
    }

    [Test]
    public async Task SharePage_OfARenewedCertificate_ShowsItsUnitsAndHistory_ButNothingToChange()
    {
        var id = await IssueOk();
        using (await Renew(id))
        {
        }
        var guardian = await App.SignInAsync("guardian");

        var html = await guardian.GetPage($"/vardnadshavare/intyg/{id}");

        Assert.That(html, Does.Contain("Intyget har ersatts av ett nyare eller återkallats."));
        Assert.That(html, Does.Contain("<span class=\"unit-name\">Solbackaskolan, Västerås</span>"));
        Assert.That(html, Does.Not.Contain("Sluta dela med").And.Not.Contain("Dela intyget").And.Not.Contain("<datalist"));
    }

    /// <summary>The history table's rows: unit, change and who, newest first.</summary>
    private static List<(string Unit, string Change, string By)> HistoryRows(string html)
    {
        var table = Regex.Match(html, "<caption>Delning av intyget</caption>(.*?)</table>", RegexOptions.Singleline).Groups[1].Value;
        return [.. HistoryRow().Matches(table).Select(row => (row.Groups[1].Value, row.Groups[2].Value.Trim(), row.Groups[3].Value))];
    }

    [GeneratedRegex("""<tr>\s*<td><time[^>]*>[^<]*</time></td>\s*<td>([^<]*)</td>\s*<td>([^<]*)</td>\s*<td>([^<]*)</td>""")]
    private static partial Regex HistoryRow();

    [Test]
    public async Task Admin_SeesTheWithdrawalEmailInTheOutbox_ToTheUnitByName_AndCanRetryIt()
    {
        var id = await IssueOk();
        using var withdrawn = await Client(Tokens.Guardian()).DeleteAsync($"/api/guardians/me/certificates/{id}/shares/{Tokens.SchoolUnit}");
        Assert.That(withdrawn.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        await Execute("UPDATE notifications SET status = 'failed', last_error = '550 mailbox unavailable'");
        var admin = await App.SignInAsync("admin");

        var page = await admin.GetPage("/admin");

        Assert.That(page, Does.Contain($"<th scope=\"row\">{UnitSamples.SchoolName}</th>"));
        Assert.That(page, Does.Contain($"Avslutad delning av intyg").And.Contain($"<a href=\"/admin?intyg={id}#granskning\">{id}</a>"));
        await using var connection = await App.Database.OpenAsync();
        var notification = await Dapper.SqlMapper.ExecuteScalarAsync<string>(connection, "SELECT CAST(id AS TEXT) FROM notifications");
        using var retry = await admin.PostForm($"/admin?handler=Retry&id={notification}", page);
        Assert.That(await retry.ReadPage(),
            Does.Contain($"Meddelandet om avslutad delning till {UnitSamples.SchoolName} ligger i kön igen"));
    }
}
