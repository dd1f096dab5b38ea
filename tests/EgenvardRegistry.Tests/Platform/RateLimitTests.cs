using System.Net;
using System.Net.Http.Json;
using EgenvardRegistry.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace EgenvardRegistry.Tests.Platform;

[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class RateLimitTests(Engine engine)
{
    private TestDatabase _database = null!;
    private RegistryApp _app = null!;

    [OneTimeSetUp]
    public async Task StartTightlyLimitedHost()
    {
        _database = await TestDatabase.CreateAsync(engine);
        _app = new RegistryApp(_database, new Dictionary<string, string?>
        {
            ["RateLimiting:PermitsPerMinute"] = "3",
            ["RateLimiting:LookupPermitsPerMinute"] = "2",
        });
        _ = _app.Server;
    }

    [OneTimeTearDown]
    public async Task StopHost()
    {
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Test]
    public async Task Caller_OverTheLimit_Gets429WithRetryAfter_WhileOthersGoOn()
    {
        var guardian = _app.ClientFor(Tokens.Guardian());
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 4; i++)
        {
            last?.Dispose();
            last = await guardian.GetAsync("/api/guardians/me/certificates");
            statuses.Add(last.StatusCode);
        }
        using var other = await _app.ClientFor(Tokens.Guardian(Tokens.OtherGuardianPnr)).GetAsync("/api/guardians/me/certificates");

        Assert.That(statuses, Is.EqualTo(new[] { HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
        var retryAfter = int.Parse(last!.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(retryAfter, Is.InRange(1, 60));
        Assert.That(last.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That((await last.ReadJson())["status"]!.GetValue<int>(), Is.EqualTo(429));
        Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        last.Dispose();
    }

    [Test]
    public async Task RefusedRequests_CountAgainstTheBudgetToo()
    {
        // A guardian may not verify; repeated refusals still spend the budget, so they cannot flood the audit log.
        var guardian = _app.ClientFor(Tokens.Guardian("199001011239"));
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await guardian.PostAsJsonAsync("/api/verifications", new { personnummer = Samples.ChildPnr, measure = "insulin" });
            statuses.Add(response.StatusCode);
        }

        Assert.That(statuses, Is.EqualTo(new[] { HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.TooManyRequests }));
    }

    [Test]
    public async Task Verification_HasTheStricterLookupLimit()
    {
        var school = _app.ClientFor(Tokens.School("55555555"));
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await school.PostAsJsonAsync("/api/verifications", new { personnummer = Samples.ChildPnr, measure = "insulin" });
            statuses.Add(response.StatusCode);
        }
        using var list = await school.GetAsync("/api/schools/me/certificates");

        Assert.That(statuses, Is.EqualTo(new[] { HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
        Assert.That(list.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the general limit is counted apart");
    }

    [Test]
    public async Task UnsubscribeLink_ItsPostsHaveTheLookupLimit_OpeningItDoesNot()
    {
        var anonymous = _app.ClientFor(null);
        var opened = new List<HttpStatusCode>();
        var posted = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var get = await anonymous.GetAsync("/reminders/unsubscribe?token=not-a-token");
            opened.Add(get.StatusCode);
            using var post = await anonymous.PostAsync("/reminders/unsubscribe?token=not-a-token", null);
            posted.Add(post.StatusCode);
        }

        Assert.That(opened, Is.EqualTo(new[] { HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest }));
        Assert.That(posted, Is.EqualTo(new[] { HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.TooManyRequests }));
    }

    /// <summary>Every page that looks a child up by personnummer spends the same budget as the API's look-ups.</summary>
    [TestCase("school", "/skola", "/skola", "Personnummer", "Measure")]
    [TestCase("admin", "/admin", "/admin?handler=Search", "Personnummer", null)]
    public async Task PageLookUps_HaveTheLookupLimit_ShowingThePageDoesNot(string role, string page, string action, string field,
        string? measureField)
    {
        await using var pages = _app.WithWebHostBuilder(builder => builder.UseEnvironment("Development"));
        var client = pages.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        using (var signedIn = await client.PostForm("/logga-in", await client.GetStringAsync("/logga-in"), ("Role", role), ("Unit", "")))
        {
            Assert.That(signedIn.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        }
        var fields = new List<(string, string)> { (field, Samples.ChildPnr) };
        if (measureField is not null)
        {
            fields.Add((measureField, "insulin"));
        }

        var shown = await client.GetPage(page);
        var posted = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await client.PostForm(action, shown, fields);
            posted.Add(response.StatusCode);
        }
        using var again = await client.GetAsync(page);

        Assert.That(posted, Is.EqualTo(new[] { HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.OK), "showing the page is not a look-up");
    }

    [Test]
    public async Task Page_OverTheLimit_ShowsTheSwedishErrorPage_NotJson()
    {
        await using var pages = _app.WithWebHostBuilder(builder => builder.UseEnvironment("Development"));
        var client = pages.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        var signIn = await client.GetStringAsync("/logga-in");
        using (var signedIn = await client.PostForm("/logga-in", signIn, ("Role", "clinician"), ("Unit", "")))
        {
            Assert.That(signedIn.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        }

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 3; i++)
        {
            last?.Dispose();
            last = await client.GetAsync("/vard");
            statuses.Add(last.StatusCode);
        }

        Assert.That(statuses, Is.EqualTo(new[] { HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
        Assert.That(last!.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/html"));
        Assert.That(await last.ReadPage(), Does.Contain("För många förfrågningar"));
        Assert.That(last.Headers.Contains("Retry-After"), Is.True);
        last.Dispose();
    }
}
