using System.Net;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Tests.Infrastructure;
using EgenvardRegistry.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.WebUtilities;

namespace EgenvardRegistry.Tests.Web;

/// <summary>
/// Sign-in to the pages through a real OpenID Connect provider (<see cref="TestIdentityProvider"/>), outside Development:
/// the code flow with PKCE, the provider's claim names mapped to the registry's, "Ingen behörighet" for a token without a
/// usable role, and a sign-out that ends the provider's session too. Over HTTP with a cookie jar per side; the browser
/// tests walk the same way in Chromium. No registry data is involved, so SQLite only.
/// </summary>
[NonParallelizable]
public sealed class OidcSignInTests
{
    private TestIdentityProvider _provider = null!;
    private TestDatabase _database = null!;
    private RegistryApp _app = null!;
    private OidcFlow _flow = null!;

    [OneTimeSetUp]
    public async Task StartProviderAndService()
    {
        _provider = await TestIdentityProvider.StartAsync(OidcPeople.All);
        _database = await TestDatabase.CreateAsync(Engine.Sqlite);
        _app = new RegistryApp(_database, _provider.RegistrySettings(OidcPeople.ClaimMap), OidcFlow.OnTheMachinesClock);
        _ = _app.Server;
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _app.DisposeAsync();
        await _database.DisposeAsync();
        await _provider.DisposeAsync();
    }

    [SetUp]
    public void NewPerson()
    {
        _flow = new OidcFlow(_app, _provider);
        _app.Logs.Clear();
    }

    [TearDown]
    public void Forget() => _flow.Dispose();

    [Test]
    public async Task PageVisit_WithoutCookie_GoesToTheProvider_WithCodeFlowAndPkce()
    {
        var authorize = await _flow.ExpectChallengeAsync("/vard");

        var query = QueryHelpers.ParseQuery(authorize.Query);
        Assert.That(query["response_type"].ToString(), Is.EqualTo("code"));
        Assert.That(query["code_challenge_method"].ToString(), Is.EqualTo("S256"));
        Assert.That(query["code_challenge"].ToString(), Has.Length.GreaterThanOrEqualTo(43));
        Assert.That(query["client_id"].ToString(), Is.EqualTo(TestIdentityProvider.ClientId));
        Assert.That(query["redirect_uri"].ToString(), Is.EqualTo("http://localhost/signin-oidc"));
        Assert.That(query["scope"].ToString().Split(' '), Is.EquivalentTo(new[] { "openid", "profile", "egenvard" }));
        Assert.That(authorize.Query, Does.Not.Contain("client_secret"));
    }

    [Test]
    public async Task Clinician_SignsIn_WithTheProvidersClaimsMappedToTheRegistrys()
    {
        using var callback = await _flow.SignInAsync("/vard", OidcPeople.Clinician);

        Assert.That(callback.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(callback.Headers.Location!.OriginalString, Is.EqualTo("/vard"));
        var ticket = _flow.SignInTicket();
        Assert.That(ticket, Is.Not.Null, "no sign-in cookie");
        var claims = ticket!.Principal.Claims.ToDictionary(claim => claim.Type, claim => claim.Value);
        Assert.That(claims, Is.EquivalentTo(new Dictionary<string, string>
        {
            [ClaimNames.Subject] = OidcPeople.Clinician,
            [ClaimNames.Name] = "Karin Berg",
            [ClaimNames.Role] = Roles.Clinician,
            [ClaimNames.HsaId] = OidcPeople.ClinicianHsaId,
            [ClaimNames.CareUnit] = OidcPeople.CareUnit, // from the user-info endpoint only
            [ClaimNames.Profession] = "Sjuksköterska",
        }), "only the mapped claims, under the registry's names");
        Assert.That(ticket.Properties.GetTokenValue("id_token"), Is.Not.Empty, "kept for the sign-out's id_token_hint");
        Assert.That(ticket.Properties.GetTokenValue("access_token"), Is.Null);
        var page = await _flow.Registry.GetPage("/vard");
        Assert.That(page, Does.Contain("Karin Berg").And.Contain("Logga ut"));
    }

    [Test]
    public async Task School_FromOtherClaimNames_StartPageSignIn_LandsOnSkola()
    {
        var start = await _flow.Registry.GetPage("/");
        Assert.That(start, Does.Contain("href=\"/logga-in\""));

        using var callback = await _flow.SignInAsync("/logga-in", OidcPeople.School);
        var (page, address) = await _flow.FollowAsync(callback, new Uri("http://localhost/signin-oidc"));

        Assert.That(address.AbsolutePath, Is.EqualTo("/skola"));
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await page.ReadPage(), Does.Contain("Per Ek"), "the name from given_name and family_name");
        var claims = _flow.SignInTicket()!.Principal;
        Assert.That(claims.FindFirst(ClaimNames.SchoolUnit)?.Value, Is.EqualTo(OidcPeople.SchoolUnit));
        Assert.That(claims.FindFirst(ClaimNames.Role)?.Value, Is.EqualTo(Roles.School));
        page.Dispose();
    }

    [Test]
    public async Task Guardian_PersonnummerFromItsOwnClaimName_OpensTheGuardianPage()
    {
        using var callback = await _flow.SignInAsync("/vardnadshavare", OidcPeople.Guardian);
        var (page, address) = await _flow.FollowAsync(callback, new Uri("http://localhost/signin-oidc"));

        Assert.That(address.AbsolutePath, Is.EqualTo("/vardnadshavare"));
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(_flow.SignInTicket()!.Principal.FindFirst(ClaimNames.Personnummer)?.Value, Is.EqualTo("198204112380"));
        page.Dispose();
    }

    [TestCase(OidcPeople.NoRole, "role (from 'egenvard_roll')")]
    [TestCase(OidcPeople.UnknownRole, "role (from 'egenvard_roll')")]
    [TestCase(OidcPeople.ClinicianWithoutUnit, "care_unit (from 'healthCareUnitHsaId')")]
    public async Task TokenWithoutAUsableRole_GetsIngenBehorighet_NotALoop(string person, string named)
    {
        using var callback = await _flow.SignInAsync("/vard", person);
        var (page, address) = await _flow.FollowAsync(callback, new Uri("http://localhost/signin-oidc"));

        Assert.That(address.AbsolutePath, Is.EqualTo("/ingen-behorighet"));
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var text = await page.ReadPage();
        Assert.That(text, Does.Contain("Ingen behörighet").And.Contain("ingen behörighet i Egenvårdsregistret").And.Contain("Logga ut"));
        Assert.That(_app.Logs.Lines, Has.Some.Contains("has no access to the registry").And.Some.Contains(named),
            "tells the operator which claim to map");
        Assert.That(_app.Logs.Lines, Has.None.Contains("198204112380"));
        using var again = await _flow.Registry.GetAsync("/vard");
        Assert.That(new Uri(new Uri("http://localhost/"), again.Headers.Location!).AbsolutePath, Is.EqualTo("/ingen-behorighet"),
            "signed in already: refused, not sent to the provider again");
        page.Dispose();
    }

    [Test]
    public async Task SignOut_EndsTheRegistrysAndTheProvidersSessions_WithTheIdTokenHint()
    {
        using var callback = await _flow.SignInAsync("/vard", OidcPeople.Clinician);
        var page = await _flow.Registry.GetPage("/vard");

        using var signOut = await _flow.Registry.PostForm("/logga-ut", page);

        Assert.That(signOut.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        var endSession = signOut.Headers.Location!;
        Assert.That(endSession.GetLeftPart(UriPartial.Path), Is.EqualTo(new Uri(_provider.Authority, "connect/endsession").ToString()));
        var query = QueryHelpers.ParseQuery(endSession.Query);
        Assert.That(query["id_token_hint"].ToString(), Is.Not.Empty);
        Assert.That(query["post_logout_redirect_uri"].ToString(), Is.EqualTo("http://localhost/signout-callback-oidc"));
        Assert.That(_flow.SignInTicket(), Is.Null, "the registry's cookie is gone at once");

        var (done, address) = await _flow.FollowAsync(await _flow.ProviderClient.GetAsync(endSession), endSession);

        Assert.That(address.AbsolutePath, Is.EqualTo(OidcSignIn.SignedOutPage));
        Assert.That(await done.ReadPage(), Does.Contain("Du är utloggad"));
        Assert.That(_provider.EndSessions[^1].HintSubject, Is.EqualTo(OidcPeople.Clinician));
        done.Dispose();

        var authorize = await _flow.ExpectChallengeAsync("/vard");
        using var provider = await _flow.ProviderClient.GetAsync(authorize);
        Assert.That(OidcFlow.IsLoginForm(await provider.Content.ReadAsStringAsync()), Is.True, "the provider asks who it is again");
    }

    [Test]
    public async Task SecondSignIn_WhileTheProviderRemembersThePerson_IsSilent()
    {
        using (await _flow.SignInAsync("/vard", OidcPeople.Clinician))
        {
        }
        var forms = _provider.LoginFormsShown;
        using var registryOnly = new OidcFlow(_app, _provider);

        // A new registry cookie jar, the same provider session: this is why sign-out must end both.
        var authorize = await registryOnly.ExpectChallengeAsync("/vard");
        using var provider = await _flow.ProviderClient.GetAsync(authorize);
        var page = await provider.Content.ReadAsStringAsync();

        Assert.That(OidcFlow.IsLoginForm(page), Is.False);
        Assert.That(_provider.LoginFormsShown, Is.EqualTo(forms));
        using var callback = await registryOnly.SubmitFormPostAsync(page);
        Assert.That(callback.Headers.Location!.OriginalString, Is.EqualTo("/vard"));
    }

    [Test]
    public async Task PersonCancelsAtTheProvider_GetsASwedishPage_NotAnError()
    {
        using var callback = await _flow.SignInAsync("/vard", TestIdentityProvider.Cancel);
        var (page, address) = await _flow.FollowAsync(callback, new Uri("http://localhost/signin-oidc"));

        Assert.That(address.AbsolutePath, Is.EqualTo(OidcSignIn.FailedPage));
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await page.ReadPage(), Does.Contain("Inloggningen misslyckades"));
        Assert.That(_flow.SignInTicket(), Is.Null);
        page.Dispose();
    }

    [Test]
    public async Task Pages_LetTheirFormsLeadToTheProvider_TheApiStillTakesOnlyBearerTokens()
    {
        using var page = await _flow.Registry.GetAsync("/");
        using var api = await _flow.Registry.GetAsync("/api/schools/me/certificates");

        var origin = _provider.Authority.GetLeftPart(UriPartial.Authority);
        Assert.That(page.Headers.GetValues("Content-Security-Policy").Single(), Does.Contain($"form-action 'self' {origin};"));
        Assert.That(api.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the API never challenges the provider");
    }
}
