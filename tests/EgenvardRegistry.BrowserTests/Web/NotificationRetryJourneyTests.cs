using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EgenvardRegistry.BrowserTests.Infrastructure;
using EgenvardRegistry.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace EgenvardRegistry.BrowserTests.Web;

/// <summary>An administrator puts a reminder that the mail server refused back in the queue.</summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class NotificationRetryJourneyTests(Engine engine) : BrowserTest(engine)
{
    private readonly FaultySmtpServer _smtp = new(lifetime: TimeSpan.FromMinutes(5));

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Smtp:Host"] = "127.0.0.1",
        ["Smtp:Port"] = _smtp.Port.ToString(CultureInfo.InvariantCulture),
        ["Smtp:From"] = "Egenvårdsregistret <noreply@egenvard.test>",
        ["Smtp:Security"] = "none",
        ["Smtp:TimeoutSeconds"] = "5",
    };

    [OneTimeTearDown]
    public async Task StopSmtp() => await _smtp.DisposeAsync();

    [Test]
    public async Task FailedNotification_AdminRetries_IsQueuedAgain()
    {
        await IssueExpiringInAsync(days: 10);
        _smtp.Next(SmtpFault.Reject550AtRcpt);
        using (var run = await App.ApiClient(Tokens.Admin()).PostAsync("/api/admin/reminders/run", null))
        {
            Assert.That((await run.Content.ReadFromJsonAsync<JsonObject>())!["failed"]!.GetValue<int>(), Is.EqualTo(1));
        }

        await Journey.SignInAsync("admin");
        await Journey.VisitAsync("/admin", "administration");
        var failed = Page.GetByRole(AriaRole.Table, new() { Name = "Misslyckade utskick" }).GetByRole(AriaRole.Row)
            .Filter(new() { HasText = "Sara Lind" });
        await Expect(failed).ToHaveCountAsync(1);
        await failed.GetByRole(AriaRole.Button, new() { Name = "Försök igen" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("ligger i kön igen");
        await Journey.SeeAsync("skickas-igen");

        using var pending = await App.ApiClient(Tokens.Admin()).GetAsync("/api/admin/notifications?status=pending");
        Assert.That(pending.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await pending.Content.ReadFromJsonAsync<JsonObject>())!["items"]!.AsArray(), Has.Count.EqualTo(1));
    }

    private async Task IssueExpiringInAsync(int days)
    {
        var until = App.Clock.Today.AddDays(days);
        var from = until.AddMonths(-12);
        var certificate = Samples.Certificate(validFrom: Iso(from), validUntil: Iso(until), followUpOn: Iso(from));
        using var response = await App.ApiClient(Tokens.Clinician()).PostAsJsonAsync("/api/certificates", certificate);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
