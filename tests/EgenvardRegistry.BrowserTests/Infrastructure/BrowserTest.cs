using System.Text.RegularExpressions;
using EgenvardRegistry.Tests.Infrastructure;
using NUnit.Framework.Interfaces;

namespace EgenvardRegistry.BrowserTests.Infrastructure;

/// <summary>
/// Base of every browser fixture: a service of the fixture's own on <see cref="Engine"/>, emptied by Respawn (all but the
/// append-only audit table) and its clock put back to <see cref="TestClock.Reference"/> before each test, and a
/// fresh browser context (no cookies) per test. <see cref="StartJourneyAsync"/> opens another context, for a second
/// person in the same test; all of a test's screenshots share one folder and one numbering.
/// </summary>
public abstract partial class BrowserTest(Engine engine)
{
    private readonly List<Journey> _journeys = [];
    private ScreenshotFolder? _screenshots;

    protected Engine Engine { get; } = engine;

    protected BrowserApp App { get; private set; } = null!;

    /// <summary>The test's first person; most journeys need only this one.</summary>
    protected Journey Journey { get; private set; } = null!;

    protected IPage Page => Journey.Page;

    /// <summary>Settings on top of <see cref="BrowserApp"/>'s, for a fixture that needs, say, an SMTP server.</summary>
    protected virtual IReadOnlyDictionary<string, string?>? Settings => null;

    /// <summary>The service's environment: Development, where the demo sign-in page exists, unless a fixture needs another.</summary>
    protected virtual string HostEnvironment => "Development";

    /// <summary>Services added or replaced after the application's own.</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>Starts what the service needs to find running (an identity provider, say) before <see cref="Settings"/> is read.</summary>
    protected virtual Task BeforeServiceStartsAsync() => Task.CompletedTask;

    /// <summary>Stops what <see cref="BeforeServiceStartsAsync"/> started, after the service has stopped.</summary>
    protected virtual Task AfterServiceStopsAsync() => Task.CompletedTask;

    [OneTimeSetUp]
    public async Task StartService()
    {
        await BeforeServiceStartsAsync();
        App = await BrowserApp.StartAsync(Engine, Settings, HostEnvironment, ConfigureServices);
    }

    [OneTimeTearDown]
    public async Task StopService()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }
        await AfterServiceStopsAsync();
    }

    [SetUp]
    public async Task OpenBrowser()
    {
        await App.Database.ResetAsync();
        App.Clock.ReturnToReference();
        _screenshots = new ScreenshotFolder(FolderForTest());
        Journey = await StartJourneyAsync();
    }

    [TearDown]
    public async Task CloseBrowser()
    {
        var failed = TestContext.CurrentContext.Result.Outcome.Status == TestStatus.Failed;
        foreach (var journey in _journeys)
        {
            if (failed)
            {
                await journey.Page.ScreenshotAsync(new() { Path = _screenshots!.PathFor(journey.Person, "fel"), FullPage = true });
            }
            await journey.Page.Context.CloseAsync();
        }
        _journeys.Clear();
    }

    /// <summary>A person of their own (a fresh browser context, signed out), e.g. the school in a clinician's journey.</summary>
    protected async Task<Journey> StartJourneyAsync()
    {
        var context = await BrowserHosts.Browser.NewContextAsync(new()
        {
            Locale = "sv-SE",
            TimezoneId = "Europe/Stockholm",
            ViewportSize = new() { Width = 1280, Height = 900 },
        });
        context.SetDefaultTimeout(10_000);
        var journey = new Journey(await context.NewPageAsync(), App.BaseAddress, _screenshots!, person: _journeys.Count + 1);
        _journeys.Add(journey);
        return journey;
    }

    private string FolderForTest()
    {
        var test = TestContext.CurrentContext.Test;
        var name = NotFileName().Replace(string.Join('-', [test.MethodName, .. test.Arguments, Engine]), "-").Trim('-');
        var folder = Path.Combine(Screenshots.Root, name);
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

/// <summary>One test's screenshots: NN-page.png for the first person, NN-p2-page.png for the second, numbered in order.</summary>
public sealed class ScreenshotFolder(string path)
{
    private int _count;

    public string PathFor(int person, string slug)
    {
        var number = Interlocked.Increment(ref _count).ToString("00", System.Globalization.CultureInfo.InvariantCulture);
        return Path.Combine(path, person == 1 ? $"{number}-{slug}.png" : $"{number}-p{person}-{slug}.png");
    }
}
