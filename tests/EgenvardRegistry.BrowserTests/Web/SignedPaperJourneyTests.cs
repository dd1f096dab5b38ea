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
/// with the network off, and sees forgery, revocation and expiry — from pasted text, and from a photo of the paper, which
/// the page reads itself (Chromium on Linux has no BarcodeDetector). The page's "today" is the device's date: each test
/// sets the browser's clock to the service's test clock.
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

    [Test]
    public async Task PhotoOfThePrintedPaper_IsReadInThePage_OnlineAndOffline()
    {
        var paper = await PrintedPaperAsync();
        var photo = await PhotographPrintedCodeAsync(paper.Id);
        await Page.Clock.SetFixedTimeAsync(App.Clock.GetUtcNow().UtcDateTime);
        await OpenVerifierAsync();
        var verdict = Page.Locator(".verdict");

        var requests = new List<string>();
        Page.Context.Request += (_, request) => requests.Add(request.Url);
        await Page.GetByLabel("Foto av QR-koden").SetInputFilesAsync(new FilePayload { Name = "intyg.jpg", MimeType = "image/jpeg", Buffer = photo });
        await Expect(verdict.GetByRole(AriaRole.Heading)).ToHaveTextAsync("Giltigt för: insulin");
        await Expect(verdict).ToContainTextAsync("Alva Lind, född 12 mars 2015");
        await Journey.SeeAsync("foto-giltigt");
        Assert.That(requests, Is.Empty, "the photo is read in the page: nothing is fetched or sent while checking it");

        await Page.Context.SetOfflineAsync(true);
        await Page.ReloadAsync();
        await Expect(Page.Locator("body[data-ready=true]")).ToHaveCountAsync(1);
        await Page.GetByLabel("Foto av QR-koden").SetInputFilesAsync(new FilePayload { Name = "intyg.jpg", MimeType = "image/jpeg", Buffer = photo });
        await Expect(verdict.GetByRole(AriaRole.Heading)).ToHaveTextAsync("Giltigt för: insulin");
        await Expect(verdict).ToContainTextAsync("Kontrollerat utan anslutning");

        // A photo of the paper's text, without the code.
        await Page.GetByLabel("Foto av QR-koden").SetInputFilesAsync(new FilePayload
        {
            Name = "sidan.png", MimeType = "image/png", Buffer = await Page.ScreenshotAsync(),
        });
        await Expect(verdict.GetByRole(AriaRole.Heading)).ToHaveTextAsync("Ingen QR-kod hittades i bilden");
        await Journey.SeeAsync("foto-utan-kod");
    }

    /// <summary>
    /// A phone's photo of the printed QR code: the print page's own code (its SVG, as a clinician sees it) on a sheet of
    /// paper lying on a table, tilted away from the camera and turned, lit unevenly, a little out of focus, saved as a
    /// JPEG. Drawn and photographed by Chromium in a page of its own.
    /// </summary>
    private async Task<byte[]> PhotographPrintedCodeAsync(Guid id)
    {
        var clinician = await StartJourneyAsync();
        await clinician.SignInAsync("clinician");
        await clinician.VisitAsync($"/intyg/{id}/utskrift", "utskrift");
        var svg = await clinician.Page.Locator("figure.qr svg").EvaluateAsync<string>("svg => svg.outerHTML");
        var sized = svg.Replace("<svg ", "<svg style='width:100%; height:100%' ", StringComparison.Ordinal);
        var camera = await clinician.Page.Context.NewPageAsync();
        await camera.SetViewportSizeAsync(1200, 900);
        await camera.SetContentAsync($$"""
            <html><body style="margin:0; width:1200px; height:900px; overflow:hidden; background:#5b4a3a">
              <div style="position:absolute; left:260px; top:90px; width:620px; height:720px; background:#f3f0e8;
                          transform: perspective(1100px) rotateX(18deg) rotateY(-8deg) rotateZ(-11deg);
                          filter: blur(0.8px); box-shadow: 0 0 30px rgba(0,0,0,.5)">
                <p style="font: 22px serif; color:#222; margin:40px">Egenvårdsintyg — Alva Lind</p>
                <div style="position:absolute; left:150px; top:150px; width:320px; height:320px">{{sized}}</div>
                <p style="font: 16px serif; color:#444; position:absolute; top:520px; margin:40px">Koden är intyget, signerat av registret.</p>
                <div style="position:absolute; inset:0; background: linear-gradient(115deg, rgba(255,255,255,.15), rgba(0,0,0,.35))"></div>
              </div>
            </body></html>
            """);
        return await camera.ScreenshotAsync(new() { Type = ScreenshotType.Jpeg, Quality = 70 });
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
