using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using EgenvardRegistry.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace EgenvardRegistry.Tests.Web;

/// <summary>
/// Browsers for the web pages: a second host over a test host's database, clock and settings, in the Development
/// environment (where the development sign-in page exists), and clients that sign in there and keep the cookie.
/// </summary>
public static partial class PageClients
{
    private static readonly ConcurrentDictionary<RegistryApp, WebApplicationFactory<Program>> DevelopmentHosts = new();

    /// <summary>The same service as <paramref name="app"/> in Development; disposed with it.</summary>
    public static WebApplicationFactory<Program> Development(RegistryApp app) =>
        DevelopmentHosts.GetOrAdd(app, a => a.WithWebHostBuilder(builder => builder.UseEnvironment("Development")));

    /// <summary>A client with no cookie yet; redirects are left to the test.</summary>
    public static HttpClient Anonymous(RegistryApp app) =>
        Development(app).CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>Signs in on <c>/logga-in</c> as the demo identity of <paramref name="role"/>, at <paramref name="unit"/> if given.</summary>
    public static async Task<HttpClient> SignedIn(RegistryApp app, string role, string? unit = null)
    {
        var client = Anonymous(app);
        using var response = await client.PostForm("/logga-in", "/logga-in", new() { ["Role"] = role, ["Unit"] = unit ?? "" });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), "signing in");
        return client;
    }

    /// <summary>GETs <paramref name="page"/> for its anti-forgery token, then POSTs the form fields to <paramref name="action"/>.</summary>
    public static async Task<HttpResponseMessage> PostForm(this HttpClient client, string page, string action, Dictionary<string, string> fields)
    {
        var form = await client.GetStringAsync(page);
        var token = AntiforgeryToken().Match(form);
        Assert.That(token.Success, Is.True, $"no anti-forgery token on {page}");
        var content = new FormUrlEncodedContent([.. fields, new("__RequestVerificationToken", token.Groups[1].Value)]);
        return await client.PostAsync(action, content);
    }

    /// <summary>The page's HTML with entities decoded, so assertions read as the text a person sees.</summary>
    public static async Task<string> Html(this HttpResponseMessage response) =>
        WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
