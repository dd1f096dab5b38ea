using EgenvardRegistry.BrowserTests.Infrastructure;
using EgenvardRegistry.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace EgenvardRegistry.BrowserTests.Web;

/// <summary>
/// The development sign-in for each role, in a real browser. These pages hold no registry data, so they run on SQLite
/// only; the journeys through certificates run on both engines.
/// </summary>
[TestFixture(Engine.Sqlite)]
public sealed class SignInTests(Engine engine) : BrowserTest(engine)
{
    [TestCase("clinician", "/vard")]
    [TestCase("school", "/skola")]
    [TestCase("guardian", "/vardnadshavare")]
    [TestCase("admin", "/admin")]
    public async Task SignIn_EachRole_LandsOnItsPage(string role, string home)
    {
        await Journey.SignInAsync(role);

        await Journey.ExpectPathAsync(home);
    }

    /// <summary>On a shared school computer the next person must not be signed in as the last one.</summary>
    [TestCase("school", "/skola")]
    [TestCase("clinician", "/vard")]
    public async Task SignOut_FromTheMenu_EndsTheSession(string role, string home)
    {
        await Journey.SignInAsync(role);

        await Journey.SignOutAsync();

        await Page.GotoAsync(new Uri(App.BaseAddress, home).ToString());
        await Journey.ExpectPathAsync("/logga-in");
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "Logga ut" })).ToHaveCountAsync(0);
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
