using EgenvardRegistry.Tests.Infrastructure;
using System.Text.RegularExpressions;
using NUnit.Framework.Interfaces;

namespace EgenvardRegistry.BrowserTests.Infrastructure;

/// <summary>
/// Base of every browser fixture: a service of the fixture's own on <see cref="Engine"/>, emptied before each test, and a
/// fresh browser context (no cookies) per test. <see cref="StartJourneyAsync"/> opens another context, for a second person in the same test.
/// </summary>
public abstract partial class BrowserTest(Engine engine)
{
    private readonly List<IBrowserContext> _contexts = [];
    private int _journeys;
    private string? _firstFolder;

    protected Engine Engine { get; } = engine;

    protected BrowserApp App { get; private set; } = null!;

    /// <summary>The test's first person; most journeys need only this one.</summary>
    protected Journey Journey { get; private set; } = null!;

    protected IPage Page => Journey.Page;

    /// <summary>Settings on top of <see cref="BrowserApp"/>'s, for a fixture that needs, say, an SMTP server.</summary>
    protected virtual IReadOnlyDictionary<string, string?>? Settings => null;

    [OneTimeSetUp]
    public async Task StartService() => App = await BrowserApp.StartAsync(Engine, Settings);

    [OneTimeTearDown]
    public async Task StopService()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }

    [SetUp]
    public async Task OpenBrowser()
    {
        await App.Database.ResetAsync();
        App.Clock.Set(FakeClock.Default);
        _journeys = 0;
        _firstFolder = null;
        Journey = await StartJourneyAsync();
    }

    [TearDown]
    public async Task CloseBrowser()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status == TestStatus.Failed && _firstFolder is not null)
        {
            await Page.ScreenshotAsync(new() { Path = Path.Combine(_firstFolder!, "failed.png"), FullPage = true });
        }
        foreach (var context in _contexts)
        {
            await context.CloseAsync();
        }
        _contexts.Clear();
    }

    protected async Task<Journey> StartJourneyAsync()
    {
        var context = await BrowserHosts.Browser.NewContextAsync(new()
        {
            Locale = "sv-SE",
            TimezoneId = "Europe/Stockholm",
            ViewportSize = new() { Width = 1280, Height = 900 },
        });
        context.SetDefaultTimeout(10_000);
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        var folder = ScreenshotFolder(_journeys++);
        _firstFolder ??= folder;
        return new Journey(page, App.BaseAddress, folder);
    }

    private string ScreenshotFolder(int journey)
    {
        var test = TestContext.CurrentContext.Test;
        var name = NotFileName().Replace(string.Join('-', [test.MethodName, .. test.Arguments, Engine]), "-").Trim('-');
        var folder = Path.Combine(Screenshots.Root, journey == 0 ? name : $"{name}-person{journey + 1}");
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true); // an earlier run's pictures would mix with this run's
        }
        Directory.CreateDirectory(folder);
        return folder;
    }

    [GeneratedRegex(@"[^\w.]+")]
    private static partial Regex NotFileName();
}

/// <summary>Screenshots go to TestResults/screenshots/ at the repository root (gitignored; scripts/test.sh empties it).</summary>
public static class Screenshots
{
    public static string Root { get; } = Path.Combine(RepositoryRoot(), "TestResults", "screenshots");

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "EgenvardRegistry.sln")))
            {
                return folder.FullName;
            }
        }
        return Path.Combine(AppContext.BaseDirectory, "test-output");
    }
}
