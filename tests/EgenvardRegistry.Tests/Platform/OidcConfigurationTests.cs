using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Tests.Infrastructure;
using EgenvardRegistry.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace EgenvardRegistry.Tests.Platform;

/// <summary>
/// <c>Auth:Oidc:*</c>: a wrong or incomplete setting stops the start naming the key; a valid one configures the code flow
/// with PKCE over https; without one, nothing about the pages' sign-in changes. Hosts of their own; SQLite only.
/// </summary>
[NonParallelizable]
public sealed class OidcConfigurationTests
{
    private const string Authority = "https://idp.region.example.se/realms/vard";

    private static Dictionary<string, string?> Valid(params (string Key, string? Value)[] changes)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Auth:Oidc:Authority"] = Authority,
            ["Auth:Oidc:ClientId"] = "egenvard-registry",
            ["Auth:Oidc:ClientSecret"] = "a-secret-from-the-identity-provider",
        };
        foreach (var (key, value) in changes)
        {
            settings[key] = value;
        }
        return settings;
    }

    private TestDatabase _database = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase() => _database = await TestDatabase.CreateAsync(Engine.Sqlite);

    [OneTimeTearDown]
    public async Task DropDatabase() => await _database.DisposeAsync();

    [TestCase("Auth:Oidc:Authority", null, "Auth:Oidc:Authority is required")]
    [TestCase("Auth:Oidc:Authority", "idp.region.example.se", "Auth:Oidc:Authority 'idp.region.example.se'")]
    [TestCase("Auth:Oidc:Authority", "http://idp.region.example.se", "must use https")]
    [TestCase("Auth:Oidc:ClientId", "", "Auth:Oidc:ClientId")]
    [TestCase("Auth:Oidc:ClientSecret", null, "Auth:Oidc:ClientSecret")]
    [TestCase("Auth:Oidc:Scopes", "openid \"profile\"", "Auth:Oidc:Scopes")]
    [TestCase("Auth:Oidc:Claims:hsaid", "employeeHsaId", "Auth:Oidc:Claims:hsaid is not a registry claim")]
    [TestCase("Auth:Oidc:Claims:care_unit", " ", "Auth:Oidc:Claims:care_unit is empty")]
    [TestCase("Auth:TrustedProxyHeader", "X-Forwarded-Access-Token", "not both")]
    public async Task Start_WithABadOidcSetting_FailsNamingIt(string key, string? value, string named)
    {
        await using var app = new RegistryApp(_database, Valid((key, value)), environment: "Production");

        Assert.That(() => app.Server, Throws.InstanceOf<OptionsValidationException>().With.Message.Contains(named));
    }

    [Test]
    public async Task Start_ClientIdWithoutAnAuthority_FailsNamingTheAuthority()
    {
        await using var app = new RegistryApp(_database, new Dictionary<string, string?> { ["Auth:Oidc:ClientId"] = "egenvard-registry" });

        Assert.That(() => app.Server, Throws.InstanceOf<OptionsValidationException>().With.Message.Contains("Auth:Oidc:Authority"));
    }

    [Test]
    public async Task AllowHttp_IsForTestsAndDevelopment_RefusedInProduction()
    {
        var settings = Valid(("Auth:Oidc:Authority", "http://127.0.0.1:5999/"), ("Auth:Oidc:AllowHttp", "true"));
        await using var production = new RegistryApp(_database, settings, environment: "Production");
        await using var testing = new RegistryApp(_database, settings, environment: "Testing");

        Assert.That(() => production.Server, Throws.InstanceOf<OptionsValidationException>().With.Message.Contains("Auth:Oidc:AllowHttp"));
        Assert.That(() => testing.Server, Throws.Nothing);
    }

    [Test]
    public async Task AProvider_ConfiguresTheCodeFlowWithPkce_OverHttps_AndItsOriginMayReceiveForms()
    {
        await using var app = new RegistryApp(_database,
            Valid(("Auth:Oidc:Scopes", "profile  egenvard openid"), ("Auth:Oidc:Claims:hsa_id", "employeeHsaId")),
            environment: "Production");

        var oidc = app.Services.GetRequiredService<IOptionsMonitor<OpenIdConnectOptions>>().Get(OidcSignIn.Scheme);
        using var page = await app.CreateClient().GetAsync("/");

        Assert.That(oidc.Authority, Is.EqualTo(Authority));
        Assert.That(oidc.ResponseType, Is.EqualTo("code"));
        Assert.That(oidc.UsePkce, Is.True);
        Assert.That(oidc.RequireHttpsMetadata, Is.True, "https unless a test setting says otherwise");
        Assert.That(oidc.CorrelationCookie.SecurePolicy, Is.EqualTo(CookieSecurePolicy.Always));
        Assert.That(oidc.Scope, Is.EqualTo(new[] { "openid", "profile", "egenvard" }));
        Assert.That(oidc.CallbackPath.Value, Is.EqualTo("/signin-oidc"));
        Assert.That(oidc.SignedOutCallbackPath.Value, Is.EqualTo("/signout-callback-oidc"));
        Assert.That(oidc.SignInScheme, Is.EqualTo(WebRegistration.CookieScheme));
        Assert.That(oidc.SaveTokens, Is.False, "only the ID token is kept, by the registry itself");
        Assert.That(page.Headers.GetValues("Content-Security-Policy").Single(),
            Does.Contain("form-action 'self' https://idp.region.example.se;"));
    }

    [Test]
    public async Task NoProvider_PagesSignInAsBefore()
    {
        await using var app = new RegistryApp(_database, environment: "Development");

        var schemes = app.Services.GetRequiredService<IAuthenticationSchemeProvider>();
        using var response = await app.ClientFor(null).GetAsync("/vard");

        Assert.That(await schemes.GetSchemeAsync(OidcSignIn.Scheme), Is.Null);
        Assert.That(response.Headers.Location!.PathAndQuery, Is.EqualTo("/logga-in?ReturnUrl=%2Fvard"));
    }
}
