using System.Net;
using System.Net.Http.Json;
using System.Text;
using Dapper;
using EgenvardRegistry.BrowserTests.Infrastructure;
using EgenvardRegistry.Reminders;
using EgenvardRegistry.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace EgenvardRegistry.BrowserTests.Web;

/// <summary>The pages everyone sees, signed in or not: Swedish, accessible, and an unknown address gets a real page.</summary>
[TestFixture(Engine.Sqlite)]
public sealed class PublicPagesTests(Engine engine) : BrowserTest(engine)
{
    [Test]
    public async Task PublicPages_AreSwedishAccessibleAndLinked()
    {
        await Journey.VisitAsync("/", "start");
        await Expect(Journey.Heading("Egenvårdsregistret")).ToBeVisibleAsync();
        await Expect(Page.Locator("html")).ToHaveAttributeAsync("lang", "sv");

        await Page.GetByRole(AriaRole.Link, new() { Name = "Logga in" }).ClickAsync();
        await Journey.ExpectPathAsync("/logga-in");
        await Expect(Journey.Heading("Logga in som demoanvändare")).ToBeVisibleAsync();
        await Journey.SeeAsync("logga-in");

        var missing = await Journey.VisitAsync("/finns-inte", "saknad-sida");
        Assert.That(missing?.Status, Is.EqualTo(404));
        await Expect(Journey.Heading("Sidan finns inte")).ToBeVisibleAsync();

        await Journey.VisitAsync("/fel/404", "fel-404");
        await Expect(Journey.Heading("Sidan finns inte")).ToBeVisibleAsync();

        await Journey.VisitAsync("/ingen-behorighet", "ingen-behorighet");
        await Expect(Journey.Heading("Ingen behörighet")).ToBeVisibleAsync();
        await Page.GetByRole(AriaRole.Link, new() { Name = "Till startsidan" }).ClickAsync();
        await Journey.ExpectPathAsync("/");
    }

    [Test]
    public async Task UnsubscribeLink_FromAReminder_ConfirmsThenTurnsRemindersOff()
    {
        using (var issued = await App.ApiClient(Tokens.Clinician()).PostAsJsonAsync("/api/certificates", Samples.Certificate()))
        {
            Assert.That(issued.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        }
        string guardian;
        await using (var connection = await App.Database.OpenAsync())
        {
            guardian = (await connection.ExecuteScalarAsync<string>("SELECT CAST(id AS TEXT) FROM guardians"))!;
        }
        var token = new UnsubscribeLinks(Encoding.UTF8.GetBytes(RegistryApp.LinkSigningKey)).Token(Guid.Parse(guardian));

        await Journey.VisitAsync($"/reminders/unsubscribe?token={token}", "stang-av-paminnelser");
        await Expect(Journey.Heading("Stäng av påminnelser")).ToBeVisibleAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Stäng av påminnelser" }).ClickAsync();
        await Expect(Journey.Heading("Påminnelser avstängda")).ToBeVisibleAsync();
        await Journey.SeeAsync("paminnelser-avstangda");

        var altered = await Journey.VisitAsync("/reminders/unsubscribe?token=ändrad", "ogiltig-lank");
        Assert.That(altered?.Status, Is.EqualTo(400));
        await Expect(Journey.Heading("Ogiltig länk")).ToBeVisibleAsync();
    }
}
