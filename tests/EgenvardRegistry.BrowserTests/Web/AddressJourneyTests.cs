using System.Net;
using System.Net.Http.Json;
using EgenvardRegistry.BrowserTests.Infrastructure;
using EgenvardRegistry.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace EgenvardRegistry.BrowserTests.Web;

/// <summary>
/// The guardian owns their address: they set their own on the guardian page, a clinician then enters another on a new
/// certificate, and the guardian sees it as care's suggestion and takes it with one button.
/// </summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class AddressJourneyTests(Engine engine) : BrowserTest(engine)
{
    [Test]
    public async Task Guardian_SetsTheirOwnAddress_SeesTheAddressCareEntered_AndAcceptsIt()
    {
        await IssueAsync("sara.lind@example.se", "insulin");

        var guardian = Journey;
        await guardian.SignInAsync("guardian");
        var field = guardian.Page.GetByLabel("E-postadress", new() { Exact = true });
        await Expect(guardian.Page.GetByText("Vården angav adressen")).ToBeVisibleAsync();
        await field.FillAsync("sara.egen@example.se");
        await guardian.Page.GetByRole(AriaRole.Button, new() { Name = "Spara e-post och påminnelser" }).ClickAsync();
        await Expect(guardian.Page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Dina uppgifter är sparade." })).ToBeVisibleAsync();
        await Expect(guardian.Page.GetByText("Du angav adressen själv")).ToBeVisibleAsync();
        await guardian.SeeAsync("egen-adress");

        await IssueAsync("sara.jobb@example.se", "oxygen");
        await guardian.VisitAsync("/vardnadshavare", "forslag-fran-varden");
        var suggestion = guardian.Page.Locator(".suggestion");
        await Expect(suggestion).ToContainTextAsync("Vården har angett en annan e-postadress: sara.jobb@example.se. Vill du använda den?");
        await Expect(suggestion).ToContainTextAsync("Barndiabetesmottagningen Västerås angav adressen");
        await Expect(field).ToHaveValueAsync("sara.egen@example.se");

        await suggestion.GetByRole(AriaRole.Button, new() { Name = "Använd sara.jobb@example.se" }).ClickAsync();
        await Expect(guardian.Page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Du använder nu sara.jobb@example.se." }))
            .ToBeVisibleAsync();
        await Expect(field).ToHaveValueAsync("sara.jobb@example.se");
        await Expect(guardian.Page.Locator(".suggestion")).ToHaveCountAsync(0);
        await guardian.SeeAsync("forslaget-anvant");
    }

    private async Task IssueAsync(string email, string measure)
    {
        var certificate = Samples.Certificate(measures: measure);
        certificate["guardians"]![0]!["email"] = email;
        using var response = await App.ApiClient(Tokens.Clinician()).PostAsJsonAsync("/api/certificates", certificate);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
    }
}
