using System.Collections.Concurrent;
using EgenvardRegistry.BrowserTests.Infrastructure;
using EgenvardRegistry.Tests.Infrastructure;

// In the root namespace, so it runs around every fixture of the assembly.
namespace EgenvardRegistry.BrowserTests;

/// <summary>One Chromium and one running service per engine for the whole run; each test gets a fresh browser context.</summary>
[SetUpFixture]
public sealed class BrowserHosts
{
    private static readonly ConcurrentDictionary<Engine, Lazy<Task<BrowserApp>>> Apps = new();
    private static IPlaywright? _playwright;
    private static IBrowser? _browser;

    public static IBrowser Browser => _browser ?? throw new InvalidOperationException("Chromium did not start.");

    public static Task<BrowserApp> For(Engine engine) =>
        Apps.GetOrAdd(engine, e => new Lazy<Task<BrowserApp>>(() => BrowserApp.StartAsync(e))).Value;

    [OneTimeSetUp]
    public async Task LaunchChromium() => (_playwright, _browser) = await Chromium.LaunchAsync();

    [OneTimeTearDown]
    public async Task StopEverything()
    {
        foreach (var lazy in Apps.Values.Where(lazy => lazy.IsValueCreated))
        {
            try
            {
                await (await lazy.Value).DisposeAsync();
            }
            catch (InvalidOperationException)
            {
                // The host never started (e.g. no PostgreSQL); its tests have already failed with the reason.
            }
        }
        Apps.Clear();
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        _playwright?.Dispose();
    }
}
