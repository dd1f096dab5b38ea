namespace EgenvardRegistry.BrowserTests.Infrastructure;

/// <summary>
/// Debian's Chromium, which scripts/test.sh installs: Playwright drives it through its bundled Node driver and never
/// downloads a browser of its own. A missing browser fails the run; it never skips.
/// </summary>
public static class Chromium
{
    public const string PathVariable = "EGENVARD_TEST_CHROMIUM";
    public const string DefaultPath = "/usr/bin/chromium";

    private static readonly string[] Arguments =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic",
    ];

    public static string ExecutablePath
    {
        get
        {
            var path = Environment.GetEnvironmentVariable(PathVariable);
            path = string.IsNullOrWhiteSpace(path) ? DefaultPath : path;
            if (!File.Exists(path))
            {
                throw new InvalidOperationException(
                    $"No Chromium at {path} (set {PathVariable}; default {DefaultPath}). Run the suite with scripts/test.sh, " +
                    "which installs Debian's chromium package; the browser tests never download a browser.");
            }
            return path;
        }
    }

    /// <summary>Starts Chromium with the suite's arguments and <paramref name="extraArguments"/> (a fake camera, say).</summary>
    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync(params string[] extraArguments)
    {
        var executable = ExecutablePath;
        // The driver inherits this; Playwright .NET only downloads on `playwright install`, which nothing here runs.
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = executable,
                Headless = true,
                Args = [.. Arguments, .. extraArguments],
            });
            return (playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }
}
