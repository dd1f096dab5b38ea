using System.Net;
using System.Text.RegularExpressions;
using EgenvardRegistry.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.Extensions.Options;

namespace EgenvardRegistry.Tests.Infrastructure;

/// <summary>
/// One person's way through an OpenID Connect sign-in over HTTP, as a browser would go: the registry (in its test server)
/// and the <see cref="TestIdentityProvider"/> (on Kestrel) each with a cookie jar of their own, every redirect followed by
/// hand and the provider's auto-submitting form_post answer submitted as the browser's script would.
/// </summary>
public sealed partial class OidcFlow : IDisposable
{
    private readonly RegistryApp _app;
    private readonly CookieContainer _registryCookies = new();

    public OidcFlow(RegistryApp app, TestIdentityProvider provider)
    {
        _app = app;
        Provider = provider;
        Registry = app.CreateDefaultClient(new Uri("http://localhost/"), new CookieContainerHandler(_registryCookies));
        ProviderClient = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() })
        {
            BaseAddress = provider.Authority,
        };
    }

    /// <summary>
    /// For a registry host that signs in through a provider: the sign-in's correlation cookies expire on the machine's
    /// clock, as the browser's cookie jar sees it, not on the registry's <see cref="Microsoft.Extensions.Time.Testing.FakeTimeProvider"/>.
    /// </summary>
    public static void OnTheMachinesClock(IServiceCollection services) =>
        services.PostConfigure<OpenIdConnectOptions>(OidcSignIn.Scheme, oidc => oidc.TimeProvider = TimeProvider.System);

    public TestIdentityProvider Provider { get; }

    /// <summary>The registry, without following redirects, keeping its cookies.</summary>
    public HttpClient Registry { get; }

    /// <summary>The provider, without following redirects, keeping its own (session) cookie.</summary>
    public HttpClient ProviderClient { get; }

    /// <summary>
    /// Opens <paramref name="path"/>, is sent to the provider, chooses <paramref name="userId"/> on its login form (or is
    /// signed in silently, when the provider still has a session) and returns the registry's answer to the callback: a
    /// redirect to where the person was going.
    /// </summary>
    public async Task<HttpResponseMessage> SignInAsync(string path, string userId)
    {
        var authorize = await ExpectChallengeAsync(path);
        using var first = await ProviderClient.GetAsync(authorize);
        var page = await first.Content.ReadAsStringAsync();
        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK), page);
        if (IsLoginForm(page))
        {
            using var chosen = await ProviderClient.PostAsync("/connect/authorize",
                new FormUrlEncodedContent([.. HiddenFields(page), new(TestIdentityProvider.UserField, userId)]));
            page = await chosen.Content.ReadAsStringAsync();
            Assert.That(chosen.StatusCode, Is.EqualTo(HttpStatusCode.OK), page);
        }
        return await SubmitFormPostAsync(page);
    }

    /// <summary>GET <paramref name="path"/> answers with a redirect to the provider's authorization endpoint; returns where.</summary>
    public async Task<Uri> ExpectChallengeAsync(string path)
    {
        using var response = await Registry.GetAsync(path);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), path);
        var location = response.Headers.Location!;
        Assert.That(location.GetLeftPart(UriPartial.Path), Is.EqualTo(new Uri(Provider.Authority, "connect/authorize").ToString()));
        return location;
    }

    /// <summary>The provider's own login page (not a silent sign-on).</summary>
    public static bool IsLoginForm(string page) => page.Contains("Test-IdP: logga in", StringComparison.Ordinal);

    /// <summary>Submits the provider's form_post answer to the registry, as the page's script does.</summary>
    public async Task<HttpResponseMessage> SubmitFormPostAsync(string page)
    {
        var action = FormAction().Match(page);
        Assert.That(action.Success, Is.True, $"no form_post answer: {page}");
        var target = new Uri(WebUtility.HtmlDecode(action.Groups[1].Value));
        Assert.That(target.AbsolutePath, Is.EqualTo(OidcSignIn.CallbackPath));
        return await Registry.PostAsync(target.PathAndQuery, new FormUrlEncodedContent(HiddenFields(page)));
    }

    /// <summary>Follows redirects between the registry and the provider until a page answers; returns it and where it is.</summary>
    public async Task<(HttpResponseMessage Response, Uri Address)> FollowAsync(HttpResponseMessage response, Uri from)
    {
        var address = from;
        for (var hop = 0; hop < 10 && response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found; hop++)
        {
            address = new Uri(address, response.Headers.Location!);
            var client = address.Authority == Provider.Authority.Authority ? ProviderClient : Registry;
            response.Dispose();
            response = await client.GetAsync(address);
        }
        return (response, address);
    }

    /// <summary>The registry's sign-in cookie, opened with the registry's own key ring: what the pages believe about the person.</summary>
    public AuthenticationTicket? SignInTicket()
    {
        var cookies = _registryCookies.GetCookies(new Uri("http://localhost/")).Cast<Cookie>().ToDictionary(cookie => cookie.Name, cookie => cookie.Value);
        if (!cookies.TryGetValue(WebRegistration.CookieName, out var value))
        {
            return null;
        }
        if (value.StartsWith("chunks-", StringComparison.Ordinal))
        {
            var count = int.Parse(value["chunks-".Length..], System.Globalization.CultureInfo.InvariantCulture);
            value = string.Concat(Enumerable.Range(1, count).Select(chunk => cookies[$"{WebRegistration.CookieName}C{chunk}"]));
        }
        var cookie = _app.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(WebRegistration.CookieScheme);
        return cookie.TicketDataFormat.Unprotect(value);
    }

    public static List<KeyValuePair<string, string>> HiddenFields(string page) =>
        [.. HiddenField().Matches(page).Select(match =>
            new KeyValuePair<string, string>(WebUtility.HtmlDecode(match.Groups[1].Value), WebUtility.HtmlDecode(match.Groups[2].Value)))];

    public void Dispose()
    {
        Registry.Dispose();
        ProviderClient.Dispose();
    }

    [GeneratedRegex("""<input type="hidden" name="([^"]*)" value="([^"]*)"\s*/?>""")]
    private static partial Regex HiddenField();

    [GeneratedRegex("""<form[^>]*action="([^"]*)""")]
    private static partial Regex FormAction();
}
