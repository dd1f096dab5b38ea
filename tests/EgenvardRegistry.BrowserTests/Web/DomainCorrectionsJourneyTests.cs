using System.Net;
using System.Net.Http.Json;
using EgenvardRegistry.BrowserTests.Infrastructure;
using EgenvardRegistry.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace EgenvardRegistry.BrowserTests.Web;

/// <summary>
/// The verdict for "Annan åtgärd" waits for staff to confirm the described measure; a missing adrenaline or seizure
/// certificate says call 112; a clinician reads another care unit's certificate only after stating a care relationship.
/// </summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class DomainCorrectionsJourneyTests(Engine engine) : BrowserTest(engine)
{
    [Test]
    public async Task School_ChecksOther_ConfirmsOrRejectsTheDescribedMeasure_WithTheKeyboard()
    {
        await IssueAsync(Samples.Certificate(measures: "other"), Tokens.Clinician());
        await Journey.SignInAsync("school");

        await VerifyAsync("other");
        await Expect(Verdict.GetByRole(AriaRole.Heading, new() { Name = "Bekräfta åtgärden" })).ToBeVisibleAsync();
        await Expect(Verdict).ToContainTextAsync("Hjälp med hörapparat");
        await Expect(Verdict).Not.ToContainTextAsync("Insulinpenna");
        await Journey.SeeAsync("bekrafta-atgarden");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Ja, samma åtgärd" }).FocusAsync();
        await Page.Keyboard.PressAsync("Enter");
        await Expect(Verdict.GetByRole(AriaRole.Heading, new() { Name = "Giltigt intyg" })).ToBeVisibleAsync();
        await Expect(Verdict).ToContainTextAsync("Du har bekräftat att åtgärden är: Hjälp med hörapparat");
        await Journey.SeeAsync("bekraftad");

        await VerifyAsync("other");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Nej, en annan åtgärd" }).ClickAsync();
        await Expect(Verdict.GetByRole(AriaRole.Heading, new() { Name = "Inget giltigt intyg" })).ToBeVisibleAsync();
        await Expect(Verdict).ToContainTextAsync("Intyget gäller inte denna åtgärd.");
        await Journey.SeeAsync("annan-atgard");
    }

    [Test]
    public async Task School_NoValidCertificateForAdrenaline_SaysCall112()
    {
        await Journey.SignInAsync("school");

        await VerifyAsync("adrenaline");

        await Expect(Verdict.GetByRole(AriaRole.Heading, new() { Name = "Inget giltigt intyg" })).ToBeVisibleAsync();
        await Expect(Verdict.Locator(".emergency")).ToHaveTextAsync("Vid livsfara: ring 112");
        await Journey.SeeAsync("ring-112");
    }

    [Test]
    public async Task Clinician_StatesACareRelationship_ThenSeesTheOtherUnitsCertificateInFull()
    {
        await IssueAsync(Samples.Certificate(), Tokens.Clinician());
        await IssueAsync(Samples.Certificate(careUnit: Tokens.OtherCareUnit, measures: "inhaler", guardianPnr: Tokens.OtherGuardianPnr),
            Tokens.Clinician(Tokens.OtherCareUnit, "c2"));
        await Journey.SignInAsync("clinician");

        await Journey.VisitAsync("/vard", "vard");
        await Page.GetByLabel("Barnets personnummer").FillAsync("20150312-2382");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sök" }).ClickAsync();
        await Expect(Page.GetByText("Annan vårdenhet: sammanfattning.")).ToBeVisibleAsync();
        await Expect(Page.GetByText("19811218-9876")).ToHaveCountAsync(0);
        await Journey.SeeAsync("sammanfattning");

        await Page.GetByRole(AriaRole.Button, new() { Name = "Ange vårdrelation" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Ange din vårdrelation med barnet" })).ToBeVisibleAsync();
        await Journey.SeeAsync("ange-vardrelation");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Bekräfta och visa intygen" }).ClickAsync();
        await Journey.ExpectFieldErrorAsync("Din vårdrelation med barnet", "Beskriv din vårdrelation med barnet");
        await Journey.SeeAsync("vardrelation-saknas");

        await Page.GetByLabel("Din vårdrelation med barnet").FillAsync("Barnet är inskrivet på vår mottagning.");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Bekräfta och visa intygen" }).ClickAsync();
        await Expect(Page.GetByText("Angiven vårdrelation: Barnet är inskrivet på vår mottagning.")).ToBeVisibleAsync();
        await Expect(Page.GetByText("19811218-9876", new() { Exact = false })).ToBeVisibleAsync();
        await Journey.SeeAsync("hela-intyget");
    }

    private ILocator Verdict => Page.Locator(".verdict");

    private async Task IssueAsync(System.Text.Json.Nodes.JsonObject certificate, string token)
    {
        using var response = await App.ApiClient(token).PostAsJsonAsync("/api/certificates", certificate);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
    }

    private async Task VerifyAsync(string measure)
    {
        await Journey.VisitAsync("/skola", "skola");
        await Page.GetByLabel("Barnets personnummer").FillAsync("20150312-2382");
        await Page.GetByLabel("Åtgärd").SelectOptionAsync(new SelectOptionValue { Value = measure });
        await Page.GetByRole(AriaRole.Button, new() { Name = "Kontrollera" }).ClickAsync();
        await Journey.SeeAsync("kontrollerat");
    }
}
