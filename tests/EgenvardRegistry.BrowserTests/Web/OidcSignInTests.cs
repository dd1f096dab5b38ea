using System.Text.RegularExpressions;
using EgenvardRegistry.BrowserTests.Infrastructure;
using EgenvardRegistry.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace EgenvardRegistry.BrowserTests.Web;

/// <summary>
/// Signing in through a real OpenID Connect provider in Chromium, outside Development (no demo sign-in page): the
/// registry and the <see cref="TestIdentityProvider"/> each on Kestrel at a loopback port of their own, every redirect and
/// the provider's auto-submitted form_post the browser's own. The provider's test login page is not the registry's, so it
/// is used through <see cref="Page"/> directly, without the axe check every registry page gets. Pages without registry
/// data: SQLite only.
/// </summary>
[TestFixture(Engine.Sqlite)]
public sealed class OidcSignInTests(Engine engine) : BrowserTest(engine)
{
    private TestIdentityProvider _provider = null!;

    protected override string HostEnvironment => "Testing";

    protected override IReadOnlyDictionary<string, string?>? Settings => _provider.RegistrySettings(OidcPeople.ClaimMap);

    protected override void ConfigureServices(IServiceCollection services) => OidcFlow.OnTheMachinesClock(services);

    protected override async Task BeforeServiceStartsAsync() =>
        _provider = await TestIdentityProvider.StartAsync(OidcPeople.All);

    protected override async Task AfterServiceStopsAsync()
    {
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }
    }

    /// <summary>
    /// The first sign-in of a run makes the provider build its keys and the registry fetch the provider's metadata; done
    /// here, that is not counted against the first test's page timeouts.
    /// </summary>
    [OneTimeSetUp]
    public async Task WarmUp()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var challenge = await client.GetAsync(new Uri(App.BaseAddress, "/vard"));
        Assert.That(challenge.Headers.Location?.ToString(), Does.StartWith(_provider.Authority.ToString()));
        using var login = await client.GetAsync(challenge.Headers.Location);
        Assert.That(await login.Content.ReadAsStringAsync(), Does.Contain("Test-IdP: logga in"));
    }

    private ILocator ProviderLogin => Page.GetByRole(AriaRole.Heading, new() { Name = "Test-IdP: logga in" });

    /// <summary>On the provider's login page: chooses the person whose button reads <paramref name="label"/>.</summary>
    private async Task ChooseAtProviderAsync(string label)
    {
        await Expect(Page).ToHaveURLAsync(new Regex($"^{Regex.Escape(_provider.Authority.ToString())}connect/authorize"));
        await Expect(ProviderLogin).ToBeVisibleAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = label }).ClickAsync();
    }

    private async Task ExpectSignedInAsAsync(string name)
    {
        await Journey.ExpectSignedInAsync();
        await Expect(Page.Locator(".sign-out .who")).ToHaveTextAsync(name);
    }

    [Test]
    public async Task Clinician_AnonymousVisitToVard_SignsInAtTheProvider_AndIsBackOnVard()
    {
        await Page.GotoAsync(new Uri(App.BaseAddress, "/vard").ToString());

        await ChooseAtProviderAsync("Karin Berg, sjuksköterska (SITHS)");

        await Journey.ExpectPathAsync("/vard");
        await ExpectSignedInAsAsync("Karin Berg");
        var menu = Page.GetByRole(AriaRole.Navigation, new() { Name = "Huvudmeny" });
        await Expect(menu.GetByRole(AriaRole.Link, new() { Name = "Intyg att förnya" })).ToBeVisibleAsync();
        await Journey.SeeAsync("vard-inloggad-via-idp");
    }

    [Test]
    public async Task School_FromOtherClaimNames_SignsInFromTheStartPage_AndLandsOnSkola()
    {
        await Journey.VisitAsync("/", "start");
        await Page.GetByRole(AriaRole.Link, new() { Name = "Logga in" }).ClickAsync();

        await ChooseAtProviderAsync("Per Ek, skolsköterska (kommunens inloggning)");

        await Journey.ExpectPathAsync("/skola");
        await ExpectSignedInAsAsync("Per Ek");
        await Journey.SeeAsync("skola-inloggad-via-idp");
    }

    [Test]
    public async Task PersonWithoutARole_SeesIngenBehorighet()
    {
        await Page.GotoAsync(new Uri(App.BaseAddress, "/vard").ToString());

        await ChooseAtProviderAsync("Olle Utan Roll");

        await Journey.ExpectPathAsync("/ingen-behorighet");
        await Expect(Journey.Heading("Ingen behörighet")).ToBeVisibleAsync();
        await Expect(Page.GetByText("din inloggning ger ingen behörighet i Egenvårdsregistret")).ToBeVisibleAsync();
        await Journey.SeeAsync("ingen-behorighet-via-idp");
    }

    [Test]
    public async Task SignOut_EndsBothSessions_AndVardAsksWhoItIsAgain()
    {
        await Page.GotoAsync(new Uri(App.BaseAddress, "/vard").ToString());
        await ChooseAtProviderAsync("Karin Berg, sjuksköterska (SITHS)");
        await Journey.ExpectPathAsync("/vard");
        await Journey.SeeAsync("vard-inloggad-via-idp");

        await Journey.SignOutAsync(); // "Logga ut" → the provider's end-session endpoint → back to "Du är utloggad"

        await Journey.ExpectPathAsync("/logga-ut");
        Assert.That(_provider.EndSessions[^1].HintSubject, Is.EqualTo(OidcPeople.Clinician), "signed out with the ID token as hint");
        var cookies = await Page.Context.CookiesAsync();
        Assert.That(cookies.Select(cookie => cookie.Name), Does.Not.Contain(TestIdentityProvider.SessionCookie));
        await Page.GotoAsync(new Uri(App.BaseAddress, "/vard").ToString());
        await Expect(ProviderLogin).ToBeVisibleAsync();
    }
}
