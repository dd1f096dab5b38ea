using System.Net;
using System.Net.Http.Json;
using EgenvardRegistry.BrowserTests.Infrastructure;
using EgenvardRegistry.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace EgenvardRegistry.BrowserTests.Web;

/// <summary>A school keeps the list of its staff instructed in a child's egenvård, and the verdict says when it is empty.</summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class InstructedStaffJourneyTests(Engine engine) : BrowserTest(engine)
{
    [Test]
    public async Task School_RecordsTwoInstructedStaff_RemovesBoth_ThenTheVerdictWarns()
    {
        using (var issued = await App.ApiClient(Tokens.Clinician()).PostAsJsonAsync("/api/certificates", Samples.Certificate()))
        {
            Assert.That(issued.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        }
        var school = Journey;
        await school.SignInAsync("school");

        await VerifyAsync(school);
        await Expect(Verdict.Locator(".staff-warning")).ToContainTextAsync("Ingen instruerad personal registrerad");
        await school.Page.GetByRole(AriaRole.Link, new() { Name = "Registrera instruerad personal" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Instruerad personal", Level = 2 })).ToBeVisibleAsync();
        await school.SeeAsync("intyget-utan-personal");

        // The first with the keyboard alone: type, Tab to the next field, Enter submits.
        await Page.GetByLabel("Namn", new() { Exact = true }).FocusAsync();
        await Page.Keyboard.TypeAsync("Anna Svensson");
        await Page.Keyboard.PressAsync("Tab");
        await Expect(Page.GetByLabel("Roll")).ToBeFocusedAsync();
        await Page.Keyboard.TypeAsync("Elevassistent");
        await Page.Keyboard.PressAsync("Tab");
        await Expect(Page.GetByLabel("Instruerad av")).ToBeFocusedAsync();
        await Page.Keyboard.TypeAsync("Diabetessköterska Eva Holm");
        await Page.GetByLabel("Datum för instruktionen").FillAsync("2026-11-20");
        await Page.GetByLabel("Datum för instruktionen").PressAsync("Enter");
        await Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("Personen är registrerad som instruerad.");
        await school.SeeAsync("en-instruerad");

        await RecordAsync("Bo Ek", "Lärare");
        await Expect(StaffRows).ToHaveCountAsync(2);
        await school.SeeAsync("tva-instruerade");

        await VerifyAsync(school);
        await Expect(Verdict).ToContainTextAsync("Instruerad personal: 2 personer registrerade.");

        await school.VisitAsync(CertificatePath, "intyget");
        var removeAnna = Page.GetByRole(AriaRole.Button, new() { Name = "Ta bort Anna Svensson" });
        await removeAnna.FocusAsync();
        await Page.Keyboard.PressAsync("Enter");
        await Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("Personen är borttagen ur listan.");
        await Expect(StaffRows).ToHaveCountAsync(1);
        await school.SeeAsync("en-borttagen");

        await Page.GetByRole(AriaRole.Button, new() { Name = "Ta bort Bo Ek" }).ClickAsync();
        await Expect(StaffRows).ToHaveCountAsync(0);
        await Expect(Page.Locator(".notice.warning")).ToContainTextAsync("Ingen instruerad personal registrerad.");
        await school.SeeAsync("bada-borttagna");

        await VerifyAsync(school);
        await Expect(Verdict).ToContainTextAsync("Giltigt intyg");
        await Expect(Verdict.Locator(".staff-warning")).ToContainTextAsync("Ingen instruerad personal registrerad");
        await school.SeeAsync("kontroll-ingen-instruerad");
    }

    [Test]
    public async Task School_RecordsWithMissingFields_MessagesNextToTheirFields()
    {
        using var issued = await App.ApiClient(Tokens.Clinician()).PostAsJsonAsync("/api/certificates", Samples.Certificate());
        var id = (await issued.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!["id"]!.GetValue<string>();
        await Journey.SignInAsync("school");
        await Journey.VisitAsync($"/skola/intyg/{id}", "intyget");

        await Page.GetByLabel("Roll").FillAsync("Elevassistent");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Registrera" }).ClickAsync();

        await Journey.SeeAsync("fel-i-formularet");
        await Journey.ExpectFieldErrorAsync("Namn", "Ange namnet på den som har fått instruktion.");
        await Journey.ExpectFieldErrorAsync("Instruerad av", "Ange vem som gav instruktionen.");
        await Journey.ExpectFieldErrorAsync("Datum för instruktionen", "Ange datum för instruktionen.");
        await Expect(Page.GetByLabel("Roll")).ToHaveValueAsync("Elevassistent");
    }

    private ILocator Verdict => Page.Locator(".verdict");

    private ILocator StaffRows => Page.GetByRole(AriaRole.Table, new() { Name = "Instruerad personal" }).Locator("tbody tr");

    private string CertificatePath { get; set; } = "";

    private async Task RecordAsync(string name, string role)
    {
        await Page.GetByLabel("Namn", new() { Exact = true }).FillAsync(name);
        await Page.GetByLabel("Roll").FillAsync(role);
        await Page.GetByLabel("Instruerad av").FillAsync("Diabetessköterska Eva Holm");
        await Page.GetByLabel("Datum för instruktionen").FillAsync("2026-11-21");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Registrera" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("Personen är registrerad som instruerad.");
        CertificatePath = new Uri(Page.Url).AbsolutePath;
    }

    private static async Task VerifyAsync(Journey school)
    {
        await school.VisitAsync("/skola", "skola");
        await school.Page.GetByLabel("Barnets personnummer").FillAsync("20150312-2382");
        await school.Page.GetByLabel("Åtgärd").SelectOptionAsync(new SelectOptionValue { Value = "insulin" });
        await school.Page.GetByRole(AriaRole.Button, new() { Name = "Kontrollera" }).ClickAsync();
        await school.SeeAsync("kontrollerat");
    }
}
