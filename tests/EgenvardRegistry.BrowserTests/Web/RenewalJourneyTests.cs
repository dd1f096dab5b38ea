using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EgenvardRegistry.BrowserTests.Infrastructure;
using EgenvardRegistry.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace EgenvardRegistry.BrowserTests.Web;

/// <summary>
/// The care unit's renewal worklist: a clinician opens "Intyg att förnya", sees a certificate that expires soon with the
/// reminder already sent to the guardian, records an overdue follow-up with the keyboard, and sees it leave the list.
/// </summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class RenewalJourneyTests(Engine engine) : BrowserTest(engine)
{
    private const string Note = "Uppföljning på mottagningen: egenvården fungerar i skolan.";

    [Test]
    public async Task Clinician_SeesAnExpiringCertificateWithItsReminder_AndRecordsAnOverdueFollowUpWithTheKeyboard()
    {
        var expiring = await IssueAsync(Samples.ChildPnr, validUntilInDays: 12, followUpInDays: 12);
        var overdue = await IssueAsync(Samples.OtherChildPnr, validUntilInDays: 200, followUpInDays: -3);
        using (var run = await App.ApiClient(Tokens.Admin()).PostAsync("/api/admin/reminders/run", null))
        {
            Assert.That((await run.Content.ReadFromJsonAsync<JsonObject>())!["sent"]!.GetValue<int>(), Is.EqualTo(1),
                "the guardian of the certificate that expires in 12 days is reminded (the 14-day threshold)");
        }

        await Journey.SignInAsync("clinician");
        await Page.GetByRole(AriaRole.Navigation, new() { Name = "Huvudmeny" }).GetByRole(AriaRole.Link, new() { Name = "Intyg att förnya" }).ClickAsync();
        await Journey.ExpectPathAsync("/vard/fornyelser");
        await Expect(Journey.Heading("Intyg att förnya")).ToBeVisibleAsync();
        var soon = Page.Locator($"[aria-labelledby='fornyelse-{expiring}']");
        await Expect(soon).ToContainTextAsync("Går ut om 12 dagar");
        await Expect(soon).ToContainTextAsync("Påminnelse skickad 14 dagar före, 23 nov");
        await Expect(soon.GetByRole(AriaRole.Link, new() { Name = "Förnya intyget för Alva Lind" })).ToBeVisibleAsync();
        var late = Page.Locator($"[aria-labelledby='fornyelse-{overdue}']");
        await Expect(late).ToContainTextAsync("Uppföljning försenad");
        await Expect(late).ToContainTextAsync("Går ut om 200 dagar");
        await Journey.SeeAsync("fornyelser");

        // From the keyboard: into the note, type, Tab to the button, Enter. The date is today's already.
        await Expect(late.GetByLabel("Datum för uppföljningen")).ToHaveValueAsync("2026-11-23");
        await late.GetByLabel("Anteckning (valfritt)").FocusAsync();
        await Page.Keyboard.TypeAsync(Note);
        await Page.Keyboard.PressAsync("Tab");
        await Expect(late.GetByRole(AriaRole.Button, new() { Name = "Registrera uppföljningen" })).ToBeFocusedAsync();
        await Journey.SeeAsync("uppfoljning-ifylld");
        await Page.Keyboard.PressAsync("Enter");

        await Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("Uppföljningen är registrerad");
        await Expect(Page.Locator($"[aria-labelledby='fornyelse-{overdue}']")).ToHaveCountAsync(0);
        await Expect(Page.GetByText("Uppföljning försenad")).ToHaveCountAsync(0);
        await Expect(soon).ToContainTextAsync("Går ut om 12 dagar");
        await Journey.SeeAsync("uppfoljning-registrerad");

        await soon.GetByRole(AriaRole.Link, new() { Name = "Förnya intyget för Alva Lind" }).ClickAsync();
        await Journey.ExpectPathAsync($"/vard/intyg/{expiring}/fornya");
        await Journey.SeeAsync("fornya");

        using var followUps = await App.ApiClient(Tokens.Clinician()).GetAsync($"/api/certificates/{overdue}/follow-ups");
        var recorded = (await followUps.Content.ReadFromJsonAsync<JsonObject>())!["items"]!.AsArray().Single()!;
        Assert.That((recorded["doneOn"]!.GetValue<string>(), recorded["note"]!.GetValue<string>()), Is.EqualTo(("2026-11-23", Note)));
    }

    [Test]
    public async Task Worklist_TheDaysChooser_WorksFromTheKeyboard()
    {
        await IssueAsync(Samples.ChildPnr, validUntilInDays: 45, followUpInDays: 45);
        await Journey.SignInAsync("clinician");
        await Journey.VisitAsync("/vard/fornyelser", "fornyelser-60");
        await Expect(Page.GetByText("Går ut om 45 dagar")).ToBeVisibleAsync();

        await Page.GetByRole(AriaRole.Link, new() { Name = "30 dagar" }).FocusAsync();
        await Page.Keyboard.PressAsync("Enter");

        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("withinDays=30$"));
        await Expect(Page.GetByText("Inga intyg går ut inom 30 dagar")).ToBeVisibleAsync();
        await Journey.SeeAsync("fornyelser-30");
    }

    private async Task<string> IssueAsync(string childPnr, int validUntilInDays, int followUpInDays)
    {
        var today = App.Clock.Today;
        var until = today.AddDays(validUntilInDays);
        var body = Samples.Certificate(childPnr: childPnr, validFrom: Samples.Iso(until.AddMonths(-12)), validUntil: Samples.Iso(until),
            followUpOn: Samples.Iso(today.AddDays(followUpInDays)));
        using var response = await App.ApiClient(Tokens.Clinician()).PostAsJsonAsync("/api/certificates", body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
    }
}
