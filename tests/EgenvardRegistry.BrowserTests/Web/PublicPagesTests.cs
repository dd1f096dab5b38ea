using EgenvardRegistry.BrowserTests.Infrastructure;
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
}
