using System.Net;
using EgenvardRegistry.Infrastructure.Http;
using EgenvardRegistry.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace EgenvardRegistry.Tests.Platform;

/// <summary>
/// The headers on every response, HSTS behind TLS termination by a configured proxy, the Swagger UI only where it is
/// asked for, and the start refused with a local public address. Hosts of their own (environment and settings differ);
/// nothing here touches the tables, so SQLite only.
/// </summary>
[NonParallelizable]
public sealed class SecurityHeadersTests
{
    private TestDatabase _database = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase() => _database = await TestDatabase.CreateAsync(Engine.Sqlite);

    [OneTimeTearDown]
    public async Task DropDatabase() => await _database.DisposeAsync();

    private RegistryApp Host(string environment = "Production", Dictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null) => new(_database, settings, services, environment);

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values)
        : response.Content.Headers.TryGetValues(name, out var content) ? string.Join(",", content) : "";

    [TestCase("/", "text/html")]
    [TestCase("/logga-in-finns-inte", "text/html")]
    [TestCase("/api/certificates/00000000-0000-0000-0000-000000000001", "application/problem+json")]
    [TestCase("/health/live", null)]
    public async Task EveryResponse_CarriesTheSecurityHeaders(string path, string? mediaType)
    {
        await using var app = Host();

        using var response = await app.CreateClient().GetAsync(path);

        Assert.That(Header(response, "X-Content-Type-Options"), Is.EqualTo("nosniff"));
        Assert.That(Header(response, "Referrer-Policy"), Is.EqualTo("no-referrer"));
        Assert.That(Header(response, "X-Frame-Options"), Is.EqualTo("DENY"));
        Assert.That(Header(response, "Content-Security-Policy"), Does.Contain("frame-ancestors 'none'"));
        Assert.That(response.Headers.CacheControl?.NoStore, Is.True, "may show a child's data");
        Assert.That(Header(response, "Strict-Transport-Security"), Is.Empty, "plain HTTP gets no HSTS");
        if (mediaType is not null)
        {
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo(mediaType));
        }
    }

    [Test]
    public async Task Pages_AllowScriptsAndStylesFromTheSiteOnly_TheApiNothing()
    {
        await using var app = Host();
        var client = app.CreateClient();

        using var page = await client.GetAsync("/");
        using var api = await client.GetAsync("/api/schools/me/certificates");

        var pagePolicy = Header(page, "Content-Security-Policy");
        Assert.That(pagePolicy, Is.EqualTo(SecurityHeaders.PagePolicy));
        Assert.That(pagePolicy, Does.Contain("script-src 'self';").And.Not.Contain("unsafe-inline"));
        Assert.That(api.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(Header(api, "Content-Security-Policy"), Is.EqualTo("default-src 'none'; frame-ancestors 'none'"));
    }

    [Test]
    public async Task StaticFiles_MayBeCached_ButAreNotSniffed()
    {
        await using var app = Host();

        using var css = await app.CreateClient().GetAsync("/css/site.css");

        Assert.That(css.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(css.Headers.CacheControl?.NoStore ?? false, Is.False);
        Assert.That(Header(css, "X-Content-Type-Options"), Is.EqualTo("nosniff"));
    }

    [Test]
    public async Task ErrorReplacedByTheExceptionHandler_StillCarriesTheHeaders()
    {
        await using var app = Host();

        using var response = await app.CreateClient().PostAsync("/api/verifications",
            new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized).Or.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(Header(response, "X-Content-Type-Options"), Is.EqualTo("nosniff"));
        Assert.That(Header(response, "Content-Security-Policy"), Is.EqualTo(SecurityHeaders.ApiPolicy));
    }

    /// <summary>A load balancer ends TLS and forwards plain HTTP: from a configured proxy its word counts.</summary>
    [TestCase("10.1.2.3", "Strict-Transport-Security", true)]
    [TestCase("10.9.9.9", "Strict-Transport-Security", false)]
    public async Task BehindAConfiguredProxy_ForwardedHttpsGetsHsts_FromAnyoneElseNot(string from, string header, bool expected)
    {
        await using var app = Host(settings: new() { ["Http:KnownProxies:0"] = "10.1.2.3" },
            services: services => services.AddSingleton<IStartupFilter>(new RemoteAddress(IPAddress.Parse(from))));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-For", "192.0.2.10");
        request.Headers.Host = "egenvard.region.se"; // HSTS is never sent to localhost

        using var response = await app.CreateClient().SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(Header(response, header), expected ? Does.StartWith("max-age=31536000") : Is.Empty);
    }

    [Test]
    public async Task BehindAConfiguredProxy_TheSignInCookieIsSecure()
    {
        await using var app = Host(environment: "Development", settings: new() { ["Http:KnownProxies:0"] = "10.1.2.3" },
            services: services => services.AddSingleton<IStartupFilter>(new RemoteAddress(IPAddress.Parse("10.1.2.3"))));
        var client = app.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        using var form = await client.GetAsync("/logga-in");
        var page = await form.Content.ReadAsStringAsync();
        var antiforgery = form.Headers.GetValues("Set-Cookie").First().Split(';')[0];

        using var request = new HttpRequestMessage(HttpMethod.Post, "/logga-in")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Role"] = "school", ["Unit"] = "", ["__RequestVerificationToken"] = Pages.AntiforgeryToken(page),
            }),
        };
        request.Headers.Add("Cookie", antiforgery);
        using var signedIn = await client.SendAsync(request);

        Assert.That(signedIn.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        var cookie = signedIn.Headers.GetValues("Set-Cookie").Single(value => value.StartsWith("egenvard=", StringComparison.Ordinal));
        Assert.That(cookie.ToLowerInvariant(), Does.Contain("; secure").And.Contain("httponly"));
    }

    [TestCase("Development", null, HttpStatusCode.OK)]
    [TestCase("Production", null, HttpStatusCode.NotFound)]
    [TestCase("Production", "true", HttpStatusCode.OK)]
    [TestCase("Development", "false", HttpStatusCode.NotFound)]
    public async Task SwaggerUi_OnlyWhereShowExplorerSaysSo(string environment, string? showExplorer, HttpStatusCode expected)
    {
        await using var app = Host(environment, showExplorer is null ? null : new() { ["Api:ShowExplorer"] = showExplorer });

        using var response = await app.CreateClient().GetAsync("/swagger/index.html");
        using var document = await app.CreateClient().GetAsync("/openapi/v1.json");

        Assert.That(response.StatusCode, Is.EqualTo(expected));
        if (expected == HttpStatusCode.OK)
        {
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("swagger-ui"));
        }
        Assert.That(document.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the OpenAPI document stays for integrations");
    }

    [TestCase("Production", "http://localhost:5050/", true)]
    [TestCase("Production", "http://127.0.0.1/", true)]
    [TestCase("Production", "https://egenvard.region.se/", false)]
    [TestCase("Development", "http://localhost:5050/", false)]
    public async Task LocalPublicBaseUrl_OutsideDevelopment_StopsTheStart(string environment, string url, bool refused)
    {
        await using var app = Host(environment, new() { ["Reminders:PublicBaseUrl"] = url });

        var start = () => app.CreateClient();

        if (refused)
        {
            Assert.That(start, Throws.Exception.With.Message.Contain("Reminders:PublicBaseUrl").Or.InnerException.Message.Contain("Reminders:PublicBaseUrl"));
        }
        else
        {
            Assert.That(start, Throws.Nothing);
        }
    }

    /// <summary>The connection's source address as the network would give it: the edge these tests are about.</summary>
    private sealed class RemoteAddress(IPAddress address) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = address;
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
