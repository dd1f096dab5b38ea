using System.Net;
using System.Net.Http.Json;
using EgenvardRegistry.BrowserTests.Infrastructure;
using EgenvardRegistry.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace EgenvardRegistry.BrowserTests.Web;

/// <summary>
/// The school's, the guardian's and the administrator's forms show a wrong value as the certificate form does: the
/// message next to its field, read with it, and a summary that links to the field.
/// </summary>
[TestFixture(Engine.Sqlite)]
public sealed class FormErrorTests(Engine engine) : BrowserTest(engine)
{
    [Test]
    public async Task SchoolGuardianAndAdminForms_WrongValues_MessagesNextToTheirFields()
    {
        using (var issued = await App.ApiClient(Tokens.Clinician()).PostAsJsonAsync("/api/certificates", Samples.Certificate()))
        {
            Assert.That(issued.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        }

        await Journey.SignInAsync("school");
        await Page.GetByLabel("Barnets personnummer").FillAsync("20150312-2381");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Kontrollera" }).ClickAsync();
        await Journey.SeeAsync("skola-fel");
        await Journey.ExpectFieldErrorAsync("Barnets personnummer", "giltigt personnummer");
        await Journey.ExpectFieldErrorAsync("Åtgärd", "Välj vilken åtgärd");
        await Page.Locator(".error-summary").GetByRole(AriaRole.Link, new() { Name = "Åtgärd: Välj vilken åtgärd det gäller." }).ClickAsync();
        await Expect(Page.GetByLabel("Åtgärd", new() { Exact = true })).ToBeFocusedAsync();

        var guardian = await StartJourneyAsync();
        await guardian.SignInAsync("guardian");
        await guardian.Page.GetByLabel("E-postadress", new() { Exact = true }).FillAsync("inte en adress");
        await guardian.Page.GetByRole(AriaRole.Button, new() { Name = "Spara e-post och påminnelser" }).ClickAsync();
        await guardian.SeeAsync("vardnadshavare-fel");
        await guardian.ExpectFieldErrorAsync("E-postadress", "giltig e-postadress");

        var admin = await StartJourneyAsync();
        await admin.SignInAsync("admin");
        await admin.Page.GetByLabel("Barnets personnummer").FillAsync("20150312-2381");
        await admin.Page.GetByRole(AriaRole.Button, new() { Name = "Sök händelser för barnet" }).ClickAsync();
        await admin.SeeAsync("granskning-fel");
        await admin.ExpectFieldErrorAsync("Barnets personnummer", "giltigt personnummer");
    }
}
