using EgenvardRegistry.BrowserTests.Infrastructure;
using EgenvardRegistry.Tests.Infrastructure;
using QRCoder;
using static Microsoft.Playwright.Assertions;

namespace EgenvardRegistry.BrowserTests.Web;

/// <summary>
/// The verifier's own QR reader (wwwroot/js/qr-decoder.js), in Chromium, on codes QRCoder makes — the library the print
/// page draws its code with: every version and error-correction level, each mode, and the damage a paper or a camera
/// does (turned, tilted, mirrored, light on dark, blurred, stained). Each picture is drawn on a canvas in the page and
/// read from its pixels, as a photo is.
/// </summary>
[TestFixture(Engine.Sqlite)]
public sealed class QrDecoderTests(Engine engine) : BrowserTest(engine)
{
    private const string Egv1Like = "EGV1:6BFOXN*TS0BI$ZD4N9:9S6RCVN5+O30K3/XIV0W23NTDEXWK G2EP4J0BGJLFX3R3VHXK.PJ:2DPF6R:5SVBDOJBMRCVN5+O30K3";

    private static readonly QRCodeGenerator.ECCLevel[] Levels =
        [QRCodeGenerator.ECCLevel.L, QRCodeGenerator.ECCLevel.M, QRCodeGenerator.ECCLevel.Q, QRCodeGenerator.ECCLevel.H];

    [Test]
    public async Task EveryVersionAndLevel_IsRead()
    {
        var cases = new List<Case>();
        for (var version = 1; version <= 40; version++)
        {
            foreach (var level in Levels)
            {
                // A short text in the mode each level is given here, padded by QRCoder to fill the version asked for.
                var text = level switch
                {
                    QRCodeGenerator.ECCLevel.L => $"Egenvård åäö {version}",
                    QRCodeGenerator.ECCLevel.M => $"{version}0123456789",
                    QRCodeGenerator.ECCLevel.Q => $"EGV1:{version}",
                    _ => $"ev-{version}",
                };
                cases.Add(new Case($"version {version} {level}", text, Png(text, level, version, pixelsPerModule: 3)));
            }
        }

        await ExpectReadAsync(cases);
    }

    [Test]
    public async Task ModesAndLongTexts_AreRead()
    {
        var digits = string.Concat(Enumerable.Range(0, 300).Select(i => (char)('0' + i * 7 % 10)));
        var letters = Egv1Like + Egv1Like.ToUpperInvariant();
        var bytes = "Ett intyg för Alva Lind — insulin före lunch; ring 021-17 30 00. ÅÄÖ åäö € ✓";
        await ExpectReadAsync(
        [
            new Case("numeric", digits, Png(digits, QRCodeGenerator.ECCLevel.M)),
            new Case("alphanumeric", letters, Png(letters, QRCodeGenerator.ECCLevel.Q)),
            new Case("byte, UTF-8", bytes, Png(bytes, QRCodeGenerator.ECCLevel.Q, forceUtf8: true)),
            new Case("byte, UTF-8 with ECI", bytes, Png(bytes, QRCodeGenerator.ECCLevel.L, forceUtf8: true, eci: QRCodeGenerator.EciMode.Utf8)),
        ]);
    }

    [Test]
    public async Task TurnedTiltedMirroredInvertedBlurredAndStainedCodes_AreRead()
    {
        var png = Png(Egv1Like + Egv1Like + Egv1Like, QRCodeGenerator.ECCLevel.Q, pixelsPerModule: 6);
        var text = Egv1Like + Egv1Like + Egv1Like;
        await ExpectReadAsync(
        [
            new Case("turned 90°", text, png, Turn: 90),
            new Case("turned 180°", text, png, Turn: 180),
            new Case("turned 33°", text, png, Turn: 33),
            new Case("turned 45°", text, png, Turn: 45),
            new Case("tilted back", text, png, Tilt: 0.3),
            new Case("tilted and turned", text, png, Tilt: 0.25, Turn: 20),
            new Case("mirrored", text, png, Mirror: true),
            new Case("light on dark", text, png, Invert: true),
            new Case("blurred", text, png, Blur: 1.5),
            new Case("small", text, png, Scale: 0.6),
            // A stain over an eighth of the code: level Q restores up to a quarter of its codewords.
            new Case("stained", text, png, Stain: 0.35),
        ]);
    }

    [Test]
    public async Task PictureWithoutACode_OrWithTooMuchOfItGone_ReadsAsNothing()
    {
        var text = Egv1Like + Egv1Like;
        var png = Png(text, QRCodeGenerator.ECCLevel.Q, pixelsPerModule: 5);
        await ExpectReadAsync(
        [
            new Case("half the code stained", "", png, Stain: 0.7),
            new Case("no code at all", "", Png(text, QRCodeGenerator.ECCLevel.Q, pixelsPerModule: 5), Stain: 1.2),
        ]);
    }

    private sealed record Case(string Name, string Expected, byte[] Png, double Turn = 0, double Tilt = 0, bool Mirror = false,
        bool Invert = false, double Blur = 0, double Scale = 1, double Stain = 0);

    private static byte[] Png(string text, QRCodeGenerator.ECCLevel level, int version = -1, int pixelsPerModule = 4,
        bool forceUtf8 = false, QRCodeGenerator.EciMode eci = QRCodeGenerator.EciMode.Default)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, level, forceUtf8, utf8BOM: false, eci, requestedVersion: version);
        return new PngByteQRCode(data).GetGraphic(pixelsPerModule);
    }

    /// <summary>
    /// Draws each case's code on a canvas in the page (white around it, then turned, tilted, mirrored, blurred, stained
    /// in its middle with a white square of `Stain` times the code's side, inverted), reads it with decodeQr and
    /// compares with what was encoded ("" for nothing read).
    /// </summary>
    private async Task ExpectReadAsync(IReadOnlyList<Case> cases)
    {
        await Page.GotoAsync(new Uri(App.BaseAddress, "/verifiera").ToString());
        await Expect(Page.Locator("body[data-ready=true]")).ToHaveCountAsync(1);
        var input = cases.Select(c => new
        {
            png = Convert.ToBase64String(c.Png), turn = c.Turn, tilt = c.Tilt, mirror = c.Mirror, invert = c.Invert,
            blur = c.Blur, scale = c.Scale, stain = c.Stain,
        }).ToArray();
        var read = await Page.EvaluateAsync<string[]>("""
            async (cases) => {
                const { decodeQr } = await import("/js/qr-decoder.js");
                const results = [];
                for (const c of cases) {
                    const bytes = Uint8Array.from(atob(c.png), (ch) => ch.charCodeAt(0));
                    const code = await createImageBitmap(new Blob([bytes], { type: "image/png" }));
                    const side = code.width * c.scale;
                    const canvas = document.createElement("canvas");
                    canvas.width = canvas.height = Math.ceil(side * 1.6);
                    const g = canvas.getContext("2d", { willReadFrequently: true });
                    g.fillStyle = "#fff";
                    g.fillRect(0, 0, canvas.width, canvas.height);
                    g.translate(canvas.width / 2, canvas.height / 2);
                    g.rotate(c.turn * Math.PI / 180);
                    if (c.mirror) g.scale(-1, 1);
                    if (c.blur) g.filter = `blur(${c.blur}px)`;
                    if (c.tilt) {
                        // Tilted away from the camera: code row v (−½ … ½ of the side) lands at v / (1 + tilt·v),
                        // as wide as 1 / (1 + tilt·v) — the far edge narrower than the near one, as in perspective.
                        const strips = 200;
                        for (let i = 0; i < strips; i++) {
                            const v0 = i / strips - 0.5, v1 = (i + 1) / strips - 0.5, k = 1 / (1 + c.tilt * (v0 + v1) / 2);
                            const y0 = v0 / (1 + c.tilt * v0) * side, y1 = v1 / (1 + c.tilt * v1) * side;
                            g.drawImage(code, 0, i / strips * code.height, code.width, code.height / strips,
                                -side / 2 * k, y0, side * k, y1 - y0 + 0.5);
                        }
                    } else {
                        g.drawImage(code, -side / 2, -side / 2, side, side);
                    }
                    g.filter = "none";
                    if (c.stain) {
                        g.fillStyle = "#fff";
                        g.fillRect(-side * c.stain / 2, -side * c.stain / 2, side * c.stain, side * c.stain);
                    }
                    g.setTransform(1, 0, 0, 1, 0, 0);
                    const pixels = g.getImageData(0, 0, canvas.width, canvas.height);
                    if (c.invert) for (let i = 0; i < pixels.data.length; i += 4) for (let j = 0; j < 3; j++) pixels.data[i + j] = 255 - pixels.data[i + j];
                    results.push(decodeQr(pixels) ?? "");
                }
                return results;
            }
            """, input);
        Assert.Multiple(() =>
        {
            for (var i = 0; i < cases.Count; i++)
            {
                Assert.That(read[i], Is.EqualTo(cases[i].Expected), cases[i].Name);
            }
        });
    }
}
