using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EgenvardRegistry.BrowserTests.Infrastructure;
using EgenvardRegistry.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace EgenvardRegistry.BrowserTests.Web;

/// <summary>
/// Samverkan när egenvården inte fungerar: the school reports from the certificate page, the care unit answers on its
/// worklist with the keyboard, and the school and the guardian read the answer, each in a browser of their own.
/// </summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class ConcernJourneyTests(Engine engine) : BrowserTest(engine)
{
    private const string WhatHappened = "Alva fick en känning före lunch och personalen var osäker på dosen.";
    private const string Answer = "Diabetessköterskan kommer till skolan och går igenom dosschemat med personalen.";

    [Test]
    public async Task Concern_ReportedAnsweredAndRead_ByTheSchoolTheCareUnitAndTheGuardian()
    {
        var certificateId = await IssueAsync();

        var school = Journey;
        await school.SignInAsync("school");
        await school.VisitAsync($"/skola/intyg/{certificateId}", "intyget");
        await school.Page.GetByRole(AriaRole.Button, new() { Name = "Skicka till vårdenheten" }).ClickAsync();
        await school.ExpectPathAsync($"/skola/intyg/{certificateId}/arende");
        await school.SeeAsync("fel-i-arendet");
        await school.ExpectFieldErrorAsync("Vad gäller det?", "Välj vad det gäller.");
        await school.ExpectFieldErrorAsync("Vad har hänt?", "Beskriv vad som har hänt");
        await school.ExpectFieldErrorAsync("Har vårdnadshavarna fått veta?", "Ange om vårdnadshavarna har fått veta.");

        await school.Page.GetByLabel("Vad gäller det?").SelectOptionAsync(new SelectOptionValue { Value = "incident" });
        await school.Page.GetByLabel("Vad har hänt?").FillAsync(WhatHappened);
        await school.Page.GetByLabel("Har vårdnadshavarna fått veta?").SelectOptionAsync(new SelectOptionValue { Value = "true" });
        await school.Page.GetByRole(AriaRole.Button, new() { Name = "Skicka till vårdenheten" }).ClickAsync();
        await school.ExpectPathAsync($"/skola/intyg/{certificateId}");
        await Expect(school.Page.GetByRole(AriaRole.Status)).ToContainTextAsync("Ärendet är skickat");
        var reported = school.Page.Locator(".concern");
        await Expect(reported).ToContainTextAsync("Väntar på svar");
        await Expect(reported).ToContainTextAsync("Brådskande");
        await school.SeeAsync("arendet-skickat");

        var clinician = await StartJourneyAsync();
        await clinician.SignInAsync("clinician");
        await clinician.Page.GetByRole(AriaRole.Link, new() { Name = "Ärenden från skolor" }).ClickAsync();
        await clinician.ExpectPathAsync("/vard/arenden");
        var item = clinician.Page.Locator(".worklist-item").First;
        await Expect(item).ToContainTextAsync("Alva Lind: Tillbud eller händelse");
        await Expect(item).ToContainTextAsync("Brådskande");
        await Expect(item).ToContainTextAsync("i dag");
        await Expect(item.GetByRole(AriaRole.Link, new() { Name = "Insulin för Alva Lind" })).ToBeVisibleAsync();
        await clinician.SeeAsync("arenden");

        // Answered from the keyboard: type, Tab to the date, Tab on to the button, Enter. The date itself is filled in by
        // Playwright: the order in which Chromium's date field takes typed digits follows the browser's own locale.
        await item.GetByLabel("Svar till skolan").FocusAsync();
        await clinician.Page.Keyboard.TypeAsync(Answer);
        await clinician.Page.Keyboard.PressAsync("Tab");
        var date = item.GetByLabel("Ny bedömning bokad (valfritt)");
        await Expect(date).ToBeFocusedAsync();
        await date.FillAsync("2026-12-10");
        var send = item.GetByRole(AriaRole.Button, new() { Name = "Skicka svaret" });
        await TabUntilFocusedAsync(clinician.Page, send); // Chromium stops on each part of a date (year, month, day)
        await clinician.SeeAsync("svar-ifyllt");
        await clinician.Page.Keyboard.PressAsync("Enter");
        await Expect(clinician.Page.GetByRole(AriaRole.Status)).ToContainTextAsync("Svaret är skickat");
        await Expect(clinician.Page.GetByText("Inga öppna ärenden.")).ToBeVisibleAsync();
        await clinician.SeeAsync("svar-skickat");
        await clinician.Page.GetByRole(AriaRole.Link, new() { Name = "Besvarade ärenden" }).ClickAsync();
        await Expect(clinician.Page.Locator(".concern")).ToContainTextAsync(Answer);
        await clinician.SeeAsync("besvarade");

        await school.VisitAsync($"/skola/intyg/{certificateId}", "intyget-besvarat");
        var answered = school.Page.Locator(".concern");
        await Expect(answered).ToContainTextAsync("Besvarat");
        await Expect(answered).ToContainTextAsync(Answer);
        await Expect(answered).ToContainTextAsync("Ny bedömning bokad");
        await Expect(answered).ToContainTextAsync("10 december 2026");

        var guardian = await StartJourneyAsync();
        await guardian.SignInAsync("guardian");
        var seen = guardian.Page.Locator(".concern");
        await Expect(seen).ToContainTextAsync("Alva Lind: Tillbud eller händelse");
        await Expect(seen).ToContainTextAsync(WhatHappened);
        await Expect(seen).ToContainTextAsync(Answer);
        await Expect(seen).ToContainTextAsync("av Barndiabetesmottagningen Västerås");
        await Expect(seen).Not.ToContainTextAsync("Karin Berg");
        await Expect(seen).Not.ToContainTextAsync("Per Ek");
        await guardian.SeeAsync("vardnadshavare-ser-svaret");
    }

    private static async Task TabUntilFocusedAsync(IPage page, ILocator target)
    {
        for (var presses = 0; presses < 5; presses++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await target.EvaluateAsync<bool>("element => element === document.activeElement"))
            {
                return;
            }
        }
        Assert.Fail("Five presses of Tab never reached the button.");
    }

    private async Task<string> IssueAsync()
    {
        using var response = await App.ApiClient(Tokens.Clinician()).PostAsJsonAsync("/api/certificates", Samples.Certificate());
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
    }
}
