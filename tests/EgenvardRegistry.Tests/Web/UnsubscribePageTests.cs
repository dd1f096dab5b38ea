using System.Net;
using System.Text;
using Dapper;
using EgenvardRegistry.Reminders;
using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.Tests.Web;

/// <summary>
/// The one-click unsubscribe link from a reminder, as a page on the shared layout: opening it changes nothing, its
/// button or a mail client's RFC 8058 POST turns reminders off without signing in, and an altered link is refused.
/// </summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class UnsubscribePageTests(Engine engine) : IntegrationTest(engine)
{
    private async Task<string> LinkAsync()
    {
        await IssueOk();
        await using var connection = await App.Database.OpenAsync();
        var guardian = await connection.ExecuteScalarAsync<string>(
            "SELECT CAST(id AS TEXT) FROM guardians WHERE personnummer = @Pnr", new { Pnr = Tokens.GuardianPnr });
        var token = new UnsubscribeLinks(Encoding.UTF8.GetBytes(RegistryApp.LinkSigningKey)).Token(Guid.Parse(guardian!));
        return $"/reminders/unsubscribe?token={token}";
    }

    private Task<long> RemindersOn() => Count("guardians", "reminders_enabled = @on", new { on = true });

    [Test]
    public async Task OpeningTheLink_AsksOnTheSharedLayout_AndChangesNothing()
    {
        var link = await LinkAsync();

        using var response = await App.Anonymous().GetAsync(link);
        var html = await response.ReadPage();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(html, Does.Contain("<h1>Stäng av påminnelser</h1>").And.Contain("class=\"site-header\"").And.Contain("lang=\"sv\""));
        Assert.That(html, Does.Contain($"<form method=\"post\" action=\"{link[link.IndexOf('?', StringComparison.Ordinal)..]}\">"));
        Assert.That(html, Does.Not.Contain(Pages.TokenField), "a mail client's one-click POST has no anti-forgery token either");
        Assert.That(await RemindersOn(), Is.EqualTo(1));
        Assert.That(await AuditCount("action <> 'certificate.issue'"), Is.EqualTo(0), "as before, the link writes no audit event");
    }

    [Test]
    public async Task TheButton_PostsWithoutSigningIn_AndTurnsRemindersOff()
    {
        var link = await LinkAsync();
        var client = App.Anonymous();
        var page = await client.GetPage(link);

        using var response = await client.PostAsync(link, new FormUrlEncodedContent(
            Pages.FormValues(page).Select(field => new KeyValuePair<string, string>(field.Name, field.Value))));
        var html = await response.ReadPage();

        Assert.That(Pages.FormValues(page), Is.EqualTo(new[] { ("List-Unsubscribe", "One-Click") }));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(html, Does.Contain("<h1>Påminnelser avstängda</h1>").And.Contain("class=\"site-header\""));
        Assert.That(await RemindersOn(), Is.EqualTo(0));
        Assert.That(await AuditCount("action <> 'certificate.issue'"), Is.EqualTo(0), "as before, the link writes no audit event");
    }

    [Test]
    public async Task OneClickPost_FromAMailClient_NeedsNoCookieAndNoAntiforgeryToken()
    {
        var link = await LinkAsync();

        using var response = await App.ClientFor(null).PostAsync(link,
            new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await RemindersOn(), Is.EqualTo(0));
    }

    [TestCase("GET")]
    [TestCase("POST")]
    public async Task AnAlteredLink_Is400_WithASwedishPageThatChangesNothing(string method)
    {
        var link = await LinkAsync();
        var altered = link[..^2] + (link[^2..] == "AA" ? "AB" : "AA");

        using var response = await App.Anonymous().SendAsync(new HttpRequestMessage(new HttpMethod(method), altered)
        {
            Content = method == "POST" ? new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]) : null,
        });
        var html = await response.ReadPage();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(html, Does.Contain("<h1>Ogiltig länk</h1>").And.Contain("class=\"site-header\""));
        Assert.That(html, Does.Not.Contain("<form method=\"post\" action"));
        Assert.That(await RemindersOn(), Is.EqualTo(1));
    }
}
