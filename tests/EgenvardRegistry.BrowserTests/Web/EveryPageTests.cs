using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EgenvardRegistry.BrowserTests.Infrastructure;
using EgenvardRegistry.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace EgenvardRegistry.BrowserTests.Web;

/// <summary>
/// Every role page with data on it, seen by its user: each visit takes a screenshot and runs axe, so no page escapes
/// the accessibility check because no journey happened to pass it.
/// </summary>
[TestFixture(Engine.Sqlite)]
public sealed class EveryPageTests(Engine engine) : BrowserTest(engine)
{
    private async Task<string> IssueAsync()
    {
        using var response = await App.ApiClient(Tokens.Clinician()).PostAsJsonAsync("/api/certificates", Samples.Certificate());
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
    }

    [Test]
    public async Task ClinicianPages_PassTheAccessibilityCheck()
    {
        var id = await IssueAsync();
        await Journey.SignInAsync("clinician");

        await Journey.VisitAsync("/vard", "vard-start");
        await Page.GetByLabel("Personnummer").First.FillAsync(Samples.ChildPnr);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sök" }).First.ClickAsync();
        await Expect(Page.GetByText("Alva Lind").First).ToBeVisibleAsync();
        await Journey.SeeAsync("sokresultat");
        await Journey.VisitAsync($"/vard/intyg/{id}", "intyg");
        await Journey.VisitAsync($"/vard/intyg/{id}/fornya", "fornya");
        await Journey.VisitAsync($"/vard/intyg/{id}/aterkalla", "aterkalla");
        await Journey.VisitAsync($"/intyg/{id}/utskrift", "utskrift");
        await Expect(Page.Locator("svg").First).ToBeVisibleAsync();
    }

    [Test]
    public async Task SchoolGuardianAndAdminPages_PassTheAccessibilityCheck()
    {
        var id = await IssueAsync();

        await Journey.SignInAsync("school");
        await Journey.VisitAsync($"/skola/intyg/{id}", "skola-intyg");
        await Expect(Page.Locator(".verdict")).ToContainTextAsync("Giltigt intyg");
        await Journey.VisitAsync("/skola/begaran", "skola-begaran");

        var guardian = await StartJourneyAsync();
        await guardian.SignInAsync("guardian");
        await guardian.VisitAsync($"/intyg/{id}/utskrift", "utskrift");

        var admin = await StartJourneyAsync();
        await admin.SignInAsync("admin");
        await admin.Page.GetByLabel("Barnets personnummer").FillAsync(Samples.ChildPnr);
        await admin.Page.GetByRole(AriaRole.Button, new() { Name = "Sök händelser för barnet" }).ClickAsync();
        await admin.SeeAsync("granskning");
        Assert.That(admin.Page.Url, Does.Not.Contain(Samples.ChildPnr));
    }

    [Test]
    public async Task OnAPhone_PagesFitTheScreenWithoutSidewaysScrolling()
    {
        var id = await IssueAsync();
        await Page.SetViewportSizeAsync(375, 740);
        await Journey.SignInAsync("school");

        var widths = new List<(string Page, int Scroll, int Viewport)>();
        foreach (var (path, name) in new[] { ("/skola", "skola-mobil"), ($"/skola/intyg/{id}", "intyg-mobil"), ($"/intyg/{id}/utskrift", "utskrift-mobil"),
            ("/skola/begaran", "begaran-mobil") })
        {
            await Journey.VisitAsync(path, name);
            var scroll = await Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
            widths.Add((name, scroll, 375));
        }

        Assert.That(widths.Where(w => w.Scroll > w.Viewport), Is.Empty);
    }
}
