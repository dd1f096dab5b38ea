using EgenvardRegistry.BrowserTests.Infrastructure;

// In the root namespace, so it runs around every fixture of the assembly.
namespace EgenvardRegistry.BrowserTests;

/// <summary>One Chromium for the whole run; each fixture starts its own service and each test its own browser context.</summary>
[SetUpFixture]
public sealed class BrowserHosts
{
    private static IPlaywright? _playwright;
    private static IBrowser? _browser;

    public static IBrowser Browser => _browser ?? throw new InvalidOperationException("Chromium did not start.");

    [OneTimeSetUp]
    public async Task LaunchChromium() => (_playwright, _browser) = await Chromium.LaunchAsync();

    [OneTimeTearDown]
    public async Task CloseChromium()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        _playwright?.Dispose();
    }
}
