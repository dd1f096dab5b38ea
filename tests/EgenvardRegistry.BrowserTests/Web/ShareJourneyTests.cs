using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EgenvardRegistry.BrowserTests.Infrastructure;
using EgenvardRegistry.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace EgenvardRegistry.BrowserTests.Web;

/// <summary>
/// The guardian decides which units see a certificate: sees them by name, withdraws the school (whose next check then
/// finds no certificate) and, with the keyboard only, shares with a preschool picked by name, which can then check it.
/// </summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class ShareJourneyTests(Engine engine) : BrowserTest(engine)
{
    [Test]
    public async Task Guardian_SeesTheUnitsByName_WithdrawsTheSchool_AndSharesWithAPreschoolByKeyboard()
    {
        using (var admin = App.ApiClient(Tokens.Admin()))
        {
            await admin.ImportOk();
        }
        var certificateId = await IssueAsync(Tokens.SchoolUnit, UnitSamples.OtherPreschool);

        var school = await StartJourneyAsync();
        await school.SignInAsync("school");
        await CheckAsync(school);
        await Expect(school.Page.Locator(".verdict")).ToContainTextAsync("Giltigt intyg");
        await school.SeeAsync("skolan-giltigt");

        var guardian = Journey;
        await guardian.SignInAsync("guardian");
        var row = guardian.Page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Alva Lind" });
        await Expect(row).ToContainTextAsync("Solbackaskolan, Västerås");
        await Expect(row).ToContainTextAsync("Örnens förskola, Västerås");
        await Expect(row).Not.ToContainTextAsync(Tokens.SchoolUnit);
        await guardian.SeeAsync("mina-barns-intyg");

        await row.GetByRole(AriaRole.Link, new() { Name = "Välj vilka som ser intyget för Alva Lind" }).ClickAsync();
        await guardian.ExpectPathAsync($"/vardnadshavare/intyg/{certificateId}");
        await Expect(guardian.Heading("Vilka ser intyget för Alva Lind?")).ToBeVisibleAsync();
        var units = guardian.Page.Locator(".unit-list");
        await Expect(units).ToContainTextAsync("Solbackaskolan, Västerås");
        await Expect(units).ToContainTextAsync("Örnens förskola, Västerås");
        await Expect(guardian.Page.Locator("table")).ToContainTextAsync("Karin Berg, vården, på vårdnadshavarens begäran");
        await guardian.SeeAsync("vilka-ser-intyget");

        await guardian.Page.GetByRole(AriaRole.Button, new() { Name = "Sluta dela med Solbackaskolan, Västerås" }).ClickAsync();
        await Expect(guardian.Page.GetByRole(AriaRole.Status)).ToContainTextAsync("Solbackaskolan, Västerås ser inte längre intyget.");
        await Expect(units).Not.ToContainTextAsync("Solbackaskolan");
        await guardian.SeeAsync("skolan-borttagen");

        await CheckAsync(school);
        await Expect(school.Page.Locator(".verdict")).ToContainTextAsync("Inget giltigt intyg");
        await Expect(school.Page.Locator(".verdict")).ToContainTextAsync("Intyg saknas");
        await school.SeeAsync("skolan-inget-intyg");

        // Keyboard only: type a part of the name, Enter; the page offers the matching units; Tab to the preschool, Enter.
        var field = guardian.Page.GetByLabel("Förskola eller skola", new() { Exact = true });
        await Expect(field).ToHaveAttributeAsync("list", "enhetsregister");
        await field.FocusAsync();
        await guardian.Page.Keyboard.TypeAsync("solros");
        await guardian.Page.Keyboard.PressAsync("Escape"); // closes the datalist's suggestions, if the browser shows them
        await guardian.Page.Keyboard.PressAsync("Enter");
        var choice = guardian.Page.GetByRole(AriaRole.Button, new() { Name = "Dela med Solrosens förskola, Västerås" });
        await Expect(choice).ToBeVisibleAsync();
        await guardian.SeeAsync("valj-forskola");
        await TabUntilFocusedAsync(guardian.Page, choice);
        await guardian.Page.Keyboard.PressAsync("Enter");
        await Expect(guardian.Page.GetByRole(AriaRole.Status)).ToContainTextAsync("Solrosens förskola, Västerås ser nu intyget.");
        await Expect(units).ToContainTextAsync("Solrosens förskola, Västerås");
        var history = guardian.Page.Locator("tbody tr");
        await Expect(history.First).ToContainTextAsync("Solrosens förskola, Västerås");
        await Expect(history.First).ToContainTextAsync("Sara Lind, vårdnadshavare");
        await Expect(history.Nth(1)).ToContainTextAsync("Slutade se intyget");
        await guardian.SeeAsync("forskolan-delad");

        var preschool = await StartJourneyAsync();
        await preschool.SignInAsync("school", UnitSamples.Preschool);
        await CheckAsync(preschool);
        await Expect(preschool.Page.Locator(".verdict")).ToContainTextAsync("Giltigt intyg");
        await preschool.SeeAsync("forskolan-giltigt");
    }

    private static async Task CheckAsync(Journey school)
    {
        await school.VisitAsync("/skola", "skola");
        await school.Page.GetByLabel("Barnets personnummer").FillAsync("20150312-2382");
        await school.Page.GetByLabel("Åtgärd").SelectOptionAsync(new SelectOptionValue { Value = "insulin" });
        await school.Page.GetByRole(AriaRole.Button, new() { Name = "Kontrollera" }).ClickAsync();
    }

    private static async Task TabUntilFocusedAsync(IPage page, ILocator target)
    {
        for (var presses = 0; presses < 8; presses++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await target.EvaluateAsync<bool>("element => element === document.activeElement"))
            {
                return;
            }
        }
        Assert.Fail("Eight presses of Tab never reached the button.");
    }

    private async Task<string> IssueAsync(params string[] units)
    {
        using var response = await App.ApiClient(Tokens.Clinician()).PostAsJsonAsync("/api/certificates", Samples.Certificate(sharedWith: units));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
    }
}
