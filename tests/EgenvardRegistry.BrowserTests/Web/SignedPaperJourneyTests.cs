using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using EgenvardRegistry.BrowserTests.Infrastructure;
using EgenvardRegistry.Signing;
using EgenvardRegistry.Tests.Infrastructure;
using EgenvardRegistry.Web.Pages.Intyg;
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
        var lists = new List<string>();
        Page.Response += (_, response) =>
        {
            if (response.Url.EndsWith("/api/revocations", StringComparison.Ordinal))
            {
                lists.Add(response.Headers.GetValueOrDefault("content-type", ""));
            }
        };

        await OpenVerifierAsync();
        await Expect(Page.Locator("#sparrlista")).ToHaveTextAsync("Spärrlistan hämtades 23 nov 09:00.");
        Assert.That(lists, Is.Not.Empty.And.All.StartsWith("application/cose"), "the page fetches the signed list alone");
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
        await Expect(verdict.Locator(".stale")).ToHaveCountAsync(0);
        await Journey.SeeAsync("giltigt-utan-natverk");

        // Two days on an excursion without network: still valid, but a revocation since the list would not show.
        await Page.Clock.SetFixedTimeAsync(App.Clock.GetUtcNow().UtcDateTime.AddDays(2));
        await CheckAsync(paper.Text);
        await Expect(verdict.GetByRole(AriaRole.Heading)).ToHaveTextAsync("Giltigt för: insulin");
        await Expect(verdict.Locator(".stale")).ToHaveTextAsync(
            "Spärrlistan är från 23 nov 09:00, mer än ett dygn gammal: ett intyg som har återkallats efter det visas ändå som " +
            "giltigt. Uppdatera spärrlistan när enheten har nätverk.");
        await Journey.SeeAsync("giltigt-gammal-sparrlista");
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
        var photo = await PhotographPrintedCodeAsync(paper);
        await Page.Clock.SetFixedTimeAsync(App.Clock.GetUtcNow().UtcDateTime);
        await OpenVerifierAsync();
        var verdict = Page.Locator(".verdict");

        var requests = new List<string>();
        Page.Context.Request += (_, request) => requests.Add(request.Url);
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "Stäng kameran" })).ToBeHiddenAsync();
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

    [Test]
    public async Task CameraPointedAtThePaper_IsReadWithoutBarcodeDetector()
    {
        var paper = await PrintedPaperAsync();
        // Chromium's fake camera plays a Motion JPEG file: here one frame, the photo of the printed code, over and over.
        var film = Path.Combine(Path.GetTempPath(), $"egv-kamera-{Guid.NewGuid():N}.mjpeg");
        await File.WriteAllBytesAsync(film, await PhotographPrintedCodeAsync(paper));
        var (playwright, browser) = await Chromium.LaunchAsync("--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream", $"--use-file-for-fake-video-capture={film}");
        try
        {
            var context = await browser.NewContextAsync(new() { Permissions = ["camera"], Locale = "sv-SE", TimezoneId = "Europe/Stockholm" });
            var page = await context.NewPageAsync();
            await page.Clock.SetFixedTimeAsync(App.Clock.GetUtcNow().UtcDateTime);
            await page.GotoAsync(new Uri(App.BaseAddress, "/verifiera").ToString());
            await Expect(page.Locator("body[data-ready=true]")).ToHaveCountAsync(1);
            Assert.That(await page.EvaluateAsync<bool>("() => 'BarcodeDetector' in window"), Is.False,
                "this Chromium has no BarcodeDetector, so the page's own reader is what is tested");

            await page.GetByRole(AriaRole.Button, new() { Name = "Skanna med kameran" }).ClickAsync();
            var verdict = page.Locator(".verdict");
            await Expect(verdict.GetByRole(AriaRole.Heading)).ToHaveTextAsync("Giltigt för: insulin", new() { Timeout = 15_000 });
            await Expect(verdict).ToContainTextAsync("Alva Lind, född 12 mars 2015");
            await Expect(page.Locator("#video")).ToBeHiddenAsync();
            Assert.That(await page.EvaluateAsync<bool>("() => document.getElementById('video').srcObject.getTracks().every(t => t.readyState === 'ended')"),
                Is.True, "the camera is turned off once the code is read");
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
            File.Delete(film);
        }
    }

    [Test]
    public async Task TwelvePapers_PhotographedEachFromItsOwnAngle_AreReadExactly()
    {
        await OpenVerifierAsync();
        var misread = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            var paper = await PrintedPaperAsync(i % 2 == 0 ? Samples.ChildPnr : Samples.OtherChildPnr);
            // Turned −40° … 37°, tilted 4° … 26° back and −15° … 12° sideways, 0.4 … 1.2 px out of focus, the code
            // 260 … 370 px wide (about 3 … 4.5 px a module).
            var pose = new Pose(TurnDegrees: -40 + i * 7, TiltDegrees: 4 + i * 2, SideDegrees: -15 + i * 27 % 28,
                Blur: 0.4 + i % 5 * 0.2, Size: 260 + i * 37 % 120);
            var photo = await PhotographPrintedCodeAsync(paper, pose);
            var read = await Page.EvaluateAsync<string?>("""
                async (jpeg) => {
                    const { decodeQr } = await import("/js/qr-decoder.js");
                    const bytes = Uint8Array.from(atob(jpeg), (ch) => ch.charCodeAt(0));
                    const bitmap = await createImageBitmap(new Blob([bytes], { type: "image/jpeg" }));
                    const canvas = document.createElement("canvas");
                    canvas.width = bitmap.width;
                    canvas.height = bitmap.height;
                    const g = canvas.getContext("2d");
                    g.drawImage(bitmap, 0, 0);
                    return decodeQr(g.getImageData(0, 0, canvas.width, canvas.height));
                }
                """, Convert.ToBase64String(photo));
            if (read != paper.Text)
            {
                misread.Add($"{pose}: {(read is null ? "nothing" : "another text")}");
            }
        }
        Assert.That(misread, Is.Empty);
    }

    private sealed record Pose(double TurnDegrees = -11, double TiltDegrees = 18, double SideDegrees = -8, double Blur = 0.8,
        int Size = 320);

    /// <summary>
    /// A phone's photo of the printed QR code: the print page's own code (the SVG <see cref="UtskriftModel.QrCode"/>
    /// draws of the paper's signed text) on a sheet of paper lying on a table, tilted away from the camera and turned,
    /// lit unevenly, a little out of focus (as <paramref name="pose"/> says), saved as a JPEG. Drawn and photographed by
    /// Chromium in a page of its own.
    /// </summary>
    private async Task<byte[]> PhotographPrintedCodeAsync(Paper paper, Pose? pose = null)
    {
        pose ??= new Pose();
        var sized = UtskriftModel.QrCode(paper.Text).Replace("<svg ", "<svg style='width:100%; height:100%' ", StringComparison.Ordinal);
        var camera = await Page.Context.NewPageAsync();
        await camera.SetViewportSizeAsync(1200, 900);
        await camera.SetContentAsync($$"""
            <html><body style="margin:0; width:1200px; height:900px; overflow:hidden; background:#5b4a3a">
              <div style="position:absolute; left:260px; top:90px; width:620px; height:720px; background:#f3f0e8;
                          transform: perspective(1100px) rotateX({{pose.TiltDegrees.ToString(CultureInfo.InvariantCulture)}}deg) rotateY({{pose.SideDegrees.ToString(CultureInfo.InvariantCulture)}}deg) rotateZ({{pose.TurnDegrees.ToString(CultureInfo.InvariantCulture)}}deg);
                          filter: blur({{pose.Blur.ToString(CultureInfo.InvariantCulture)}}px); box-shadow: 0 0 30px rgba(0,0,0,.5)">
                <p style="font: 22px serif; color:#222; margin:40px">Egenvårdsintyg — Alva Lind</p>
                <div style="position:absolute; left:150px; top:150px; width:{{pose.Size}}px; height:{{pose.Size}}px">{{sized}}</div>
                <p style="font: 16px serif; color:#444; position:absolute; top:520px; margin:40px">Koden är intyget, signerat av registret.</p>
                <div style="position:absolute; inset:0; background: linear-gradient(115deg, rgba(255,255,255,.15), rgba(0,0,0,.35))"></div>
              </div>
            </body></html>
            """);
        var photo = await camera.ScreenshotAsync(new() { Type = ScreenshotType.Jpeg, Quality = 70 });
        await camera.CloseAsync();
        return photo;
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
