using EgenvardRegistry.BrowserTests.Infrastructure;
using EgenvardRegistry.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace EgenvardRegistry.BrowserTests.Web;

/// <summary>The pages everyone sees, and the development sign-in for each role, in a real browser.</summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class SignInTests(Engine engine) : BrowserTest(engine)
{
    [Test]
    public async Task PublicPages_AreSwedishAndAccessible()
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

    [TestCase("clinician", "/vard")]
    [TestCase("school", "/skola")]
    [TestCase("guardian", "/vardnadshavare")]
    [TestCase("admin", "/admin")]
    public async Task SignIn_EachRole_LandsOnItsPage(string role, string home)
    {
        await Journey.SignInAsync(role);

        await Journey.ExpectPathAsync(home);
    }

    [Test]
    public async Task SignIn_WithUnit_LandsOnRolePage()
    {
        await Journey.SignInAsync("school", unit: "87654321");

        await Journey.ExpectPathAsync("/skola");
    }

    [Test]
    public async Task SignIn_ReturnUrl_ComesBackThere()
    {
        await Journey.VisitAsync("/logga-in?ReturnUrl=%2Fingen-behorighet", "logga-in-med-returadress");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Logga in" }).ClickAsync();

        await Journey.ExpectSignedInAsync();
        await Journey.ExpectPathAsync("/ingen-behorighet");
        await Journey.SeeAsync("tillbaka");
    }
}
