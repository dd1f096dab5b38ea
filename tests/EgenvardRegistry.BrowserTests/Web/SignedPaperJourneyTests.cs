using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using EgenvardRegistry.BrowserTests.Infrastructure;
using EgenvardRegistry.Signing;
using EgenvardRegistry.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace EgenvardRegistry.BrowserTests.Web;

/// <summary>
/// The offline verifier: a school checks a printed certificate's QR text on /verifiera without signing in, online and
/// with the network off, and sees forgery, revocation and expiry. Chromium here has no BarcodeDetector, so the text is
/// pasted. The page's "today" is the device's date: each test sets the browser's clock to the service's test clock.
/// </summary>
[TestFixture(Engine.Sqlite)]
public sealed class SignedPaperJourneyTests(Engine engine) : BrowserTest(engine)
{
    [Test]
    public async Task FreshlyPrintedPaper_IsValid_ThenAgainWithTheNetworkOff()
    {
        var paper = await PrintedPaperAsync();
        await Page.Clock.SetFixedTimeAsync(App.Clock.GetUtcNow().UtcDateTime);

        await OpenVerifierAsync();
        await Expect(Page.Locator("#sparrlista")).ToHaveTextAsync("Spärrlistan hämtades 23 nov 09:00.");
        await Expect(Page.Locator("#ingen-kamera")).ToBeVisibleAsync();
        await CheckAsync(paper.Text);
        var verdict = Page.Locator(".verdict");
        await Expect(verdict.GetByRole(AriaRole.Heading)).ToHaveTextAsync("Giltigt för: insulin");
        await Expect(verdict).ToContainTextAsync("Alva Lind, född 12 mars 2015");
        await Expect(verdict).ToContainTextAsync("Barndiabetesmottagningen Västerås, 021-17 30 00");
        await Journey.SeeAsync("giltigt");

        var requests = new List<string>();
        Page.Context.Request += (_, request) => requests.Add(request.Url);
        await Page.Context.SetOfflineAsync(true);
        await Page.ReloadAsync();
        await Expect(Page.Locator("body[data-ready=true]")).ToHaveCountAsync(1);
        await Expect(Page.Locator("#sparrlista")).ToContainTextAsync("Ingen anslutning");
        await CheckAsync(paper.Text);
        await Expect(verdict.GetByRole(AriaRole.Heading)).ToHaveTextAsync("Giltigt för: insulin");
        await Expect(verdict).ToContainTextAsync("Kontrollerat utan anslutning, mot spärrlistan från 23 nov 09:00.");
        await Journey.SeeAsync("giltigt-utan-natverk");
        Assert.That(requests.Where(url => url.Contains("verify", StringComparison.Ordinal) || url.Contains("EGV1", StringComparison.Ordinal)),
            Is.Empty, "nothing about the paper leaves the device");
    }

    [Test]
    public async Task ForgedRevokedAndExpiredPapers_AreNotValid()
    {
        var paper = await PrintedPaperAsync();
        await Page.Clock.SetFixedTimeAsync(App.Clock.GetUtcNow().UtcDateTime);
        await OpenVerifierAsync();
        var heading = Page.Locator(".verdict").GetByRole(AriaRole.Heading);

        await CheckAsync(OneByteChanged(paper));
        await Expect(heading).ToHaveTextAsync("Inte giltigt: förfalskat");
        await Journey.SeeAsync("forfalskat");

        var revoked = await PrintedPaperAsync(Samples.OtherChildPnr);
        await RevokeAsync(revoked.Id);
        await CheckAsync(revoked.Text);
        await Expect(heading).ToHaveTextAsync("Giltigt för: insulin", new() { Timeout = 5_000 });
        await Page.GetByRole(AriaRole.Button, new() { Name = "Uppdatera spärrlistan" }).ClickAsync();
        await Expect(Page.Locator("#sparrlista")).ToHaveTextAsync("Spärrlistan hämtades 23 nov 09:00.");
        await CheckAsync(revoked.Text);
        await Expect(heading).ToHaveTextAsync("Inte giltigt: återkallat");
        await Journey.SeeAsync("aterkallat");

        // The day after the certificate's last day, in Stockholm.
        await Page.Clock.SetFixedTimeAsync(new DateTime(2027, 8, 14, 22, 30, 0, DateTimeKind.Utc));
        await CheckAsync(paper.Text);
        await Expect(heading).ToHaveTextAsync("Inte giltigt: utgånget");
        await Expect(Page.Locator(".verdict")).ToContainTextAsync("Intyget gällde till och med 14 augusti 2027.");
        await Journey.SeeAsync("utganget");
    }

    private async Task OpenVerifierAsync()
    {
        await Page.GotoAsync(new Uri(App.BaseAddress, "/verifiera").ToString());
        await Expect(Page.Locator("body[data-ready=true]")).ToHaveCountAsync(1);
        // The service worker has kept the page, its script, the keys and the list once it controls the page.
        await Page.EvaluateAsync("() => navigator.serviceWorker.ready");
        await Page.WaitForFunctionAsync("() => navigator.serviceWorker.controller !== null");
        await Journey.SeeAsync("verifiera");
    }

    private async Task CheckAsync(string text)
    {
        await Page.GetByLabel("Text från QR-koden").FillAsync(text);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Kontrollera", Exact = true }).ClickAsync();
    }

    private sealed record Paper(Guid Id, string Text);

    /// <summary>Issues a certificate and reads the signed text its printed QR code carries (the print page's own source).</summary>
    private async Task<Paper> PrintedPaperAsync(string childPnr = Samples.ChildPnr)
    {
        var client = App.ApiClient(Tokens.Clinician());
        using var issued = await client.PostAsJsonAsync("/api/certificates", Samples.Certificate(childPnr: childPnr));
        Assert.That(issued.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var id = (await issued.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        var signed = await client.GetFromJsonAsync<JsonObject>($"/api/certificates/{id}/signed");
        return new Paper(id, signed!["payload"]!.GetValue<string>());
    }

    private async Task RevokeAsync(Guid id)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/certificates/{id}/revocation")
        {
            Content = JsonContent.Create(new { reason = "Fel barn" }),
            Headers = { { "If-Match", "\"1\"" } },
        };
        using var response = await App.ApiClient(Tokens.Clinician()).SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    /// <summary>The paper with one byte of its signed content changed (a letter of the name), wrapped again.</summary>
    private static string OneByteChanged(Paper paper)
    {
        var bytes = Egv1.TryUnwrap(paper.Text)!;
        bytes[Encoding.UTF8.GetString(bytes).IndexOf("Alva", StringComparison.Ordinal)] = (byte)'E';
        return Egv1.Wrap(bytes);
    }
}
