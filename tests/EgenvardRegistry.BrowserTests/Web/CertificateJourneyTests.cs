using EgenvardRegistry.BrowserTests.Infrastructure;
using EgenvardRegistry.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace EgenvardRegistry.BrowserTests.Web;

/// <summary>A certificate's life across the three roles that see it, each in a browser of their own.</summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class CertificateJourneyTests(Engine engine) : BrowserTest(engine)
{
    /// <summary>The unit directory, so the clinician shares with the school by its name.</summary>
    [SetUp]
    public async Task FillTheDirectory()
    {
        using var admin = App.ApiClient(Tokens.Admin());
        await admin.ImportOk();
    }

    [Test]
    public async Task Certificate_IssuedVerifiedRevoked_EachRoleSeesItsPart()
    {
        var clinician = Journey;
        await clinician.SignInAsync("clinician");
        await clinician.VisitAsync("/vard/nytt", "nytt-intyg");
        await FillCertificateAsync(clinician.Page);
        await clinician.Page.GetByRole(AriaRole.Button, new() { Name = "Utfärda intyget" }).Last.ClickAsync();
        await Expect(clinician.Page.GetByText("Barndiabetesmottagningen Västerås").First).ToBeVisibleAsync();
        await Expect(clinician.Page.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "Solbackaskolan, Västerås" })).ToBeVisibleAsync();
        await clinician.SeeAsync("utfardat-intyg");
        var certificatePath = new Uri(clinician.Page.Url).PathAndQuery;
        Assert.That(certificatePath, Does.StartWith("/vard/intyg/"));

        var school = await StartJourneyAsync();
        await school.SignInAsync("school");
        await VerifyAsync(school, "insulin");
        await Expect(school.Page.Locator(".verdict")).ToContainTextAsync("Giltigt intyg");
        await Expect(school.Page.Locator(".verdict")).ToContainTextAsync("021-17 30 00");
        await school.SeeAsync("kontroll-giltigt");

        await clinician.VisitAsync(certificatePath, "intyget");
        await clinician.Page.GetByRole(AriaRole.Link, new() { Name = "Återkalla" }).ClickAsync();
        await clinician.Page.GetByLabel("Skäl").FillAsync("Barnet har bytt behandling.");
        await clinician.Page.GetByRole(AriaRole.Button, new() { Name = "Fortsätt" }).ClickAsync();
        await clinician.SeeAsync("bekrafta-aterkallelse");
        await clinician.Page.GetByRole(AriaRole.Button, new() { Name = "Ja, återkalla intyget" }).ClickAsync();
        await Expect(clinician.Page.GetByText("Återkallat").First).ToBeVisibleAsync();
        await clinician.SeeAsync("aterkallat");

        await VerifyAsync(school, "insulin");
        await Expect(school.Page.Locator(".verdict")).ToContainTextAsync("Inget giltigt intyg");
        await Expect(school.Page.Locator(".verdict")).ToContainTextAsync("återkallat");
        await school.SeeAsync("kontroll-aterkallat");

        var guardian = await StartJourneyAsync();
        await guardian.SignInAsync("guardian");
        await guardian.ExpectPathAsync("/vardnadshavare");
        var row = guardian.Page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Alva Lind" });
        await Expect(row).ToContainTextAsync("Återkallat");
        await guardian.SeeAsync("mina-barns-intyg");
    }

    [Test]
    public async Task NewCertificate_InvalidValues_MessagesNextToTheirFields()
    {
        await Journey.SignInAsync("clinician");
        await Journey.VisitAsync("/vard/nytt", "nytt-intyg");
        await FillCertificateAsync(Page);
        await Page.Locator("#Form_Child_Personnummer").FillAsync("20150312-2381");
        await Page.Locator("#Form_Measures_0__IfHarm").FillAsync("");
        await Page.Locator("#Form_ValidUntil").FillAsync("2028-06-01");

        await Page.GetByRole(AriaRole.Button, new() { Name = "Utfärda intyget" }).Last.ClickAsync();

        await Journey.ExpectPathAsync("/vard/nytt");
        await Journey.SeeAsync("fel-i-formularet");
        await Journey.ExpectFieldErrorAsync(Page.Locator("#Form_Child_Personnummer"), "personnummer", "barnets personnummer");
        await Journey.ExpectFieldErrorAsync(Page.Locator("#Form_Measures_0__IfHarm"), "skada", "vid skada");
        await Journey.ExpectFieldErrorAsync(Page.Locator("#Form_ValidUntil"), "kan gälla högst 13 månader", "giltigt till");
        await Expect(Page.Locator("#Form_Child_Name")).ToHaveValueAsync("Alva Lind");
    }

    private static async Task FillCertificateAsync(IPage page)
    {
        await page.Locator("#Form_Child_Personnummer").FillAsync(Samples.ChildPnr);
        await page.Locator("#Form_Child_Name").FillAsync("Alva Lind");
        await page.Locator("#Form_Guardians_0__Personnummer").FillAsync(Tokens.GuardianPnr);
        await page.Locator("#Form_Guardians_0__Name").FillAsync("Sara Lind");
        await page.Locator("#Form_Guardians_0__Email").FillAsync("sara.lind@example.se");
        await page.Locator("#Form_Measures_0__Code").SelectOptionAsync(new SelectOptionValue { Value = "insulin" });
        await page.Locator("#Form_Measures_0__Performer").SelectOptionAsync(new SelectOptionValue { Value = "child-with-staff" });
        await page.Locator("#Form_Measures_0__Instructions").FillAsync("Insulinpenna före lunch enligt dosschema.");
        await page.Locator("#Form_Measures_0__IfHarm").FillAsync("Vid känning: ge druvsocker, ring vårdnadshavare.");
        await page.Locator("#Form_Measures_0__IfChanged").FillAsync("Kontakta diabetesmottagningen.");
        await page.Locator("#Form_InstructionGivenBy").FillAsync("Diabetessköterska instruerar personal på plats.");
        await page.Locator("#Form_ValidFrom").FillAsync("2026-11-23");
        await page.Locator("#Form_ValidUntil").FillAsync("2027-11-22");
        await page.Locator("#Form_FollowUpOn").FillAsync("2027-05-23");
        await page.Locator("#Form_CareUnit_Name").FillAsync("Barndiabetesmottagningen Västerås");
        await page.Locator("#Form_CareUnit_Phone").FillAsync("021-17 30 00");
        await page.GetByLabel("Enhet 1", new() { Exact = true }).FillAsync(UnitSamples.SchoolName);
    }

    private static async Task VerifyAsync(Journey school, string measure)
    {
        await school.VisitAsync("/skola", "skola");
        await school.Page.GetByLabel("Barnets personnummer").FillAsync("20150312-2382");
        await school.Page.GetByLabel("Åtgärd").SelectOptionAsync(new SelectOptionValue { Value = measure });
        await school.Page.GetByRole(AriaRole.Button, new() { Name = "Kontrollera" }).ClickAsync();
        await school.SeeAsync("kontrollerat");
    }
}
