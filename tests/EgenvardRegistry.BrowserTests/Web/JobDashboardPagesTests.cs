using EgenvardRegistry.BrowserTests.Infrastructure;
using EgenvardRegistry.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace EgenvardRegistry.BrowserTests.Web;

/// <summary>
/// The Hangfire Dashboard as the administrator reaches it from /admin: each of its pages is screenshotted and checked
/// with axe like every page of the registry's own.
/// </summary>
[TestFixture(Engine.Sqlite)]
public sealed class JobDashboardPagesTests(Engine engine) : BrowserTest(engine)
{
    // The jobs exist but never fire by themselves (no 31 February), so the pages show the same whatever the time.
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Reminders:SchedulerEnabled"] = "true",
        ["Reminders:Cron"] = "0 0 31 2 *",
        ["Reminders:DispatchCron"] = "0 0 31 2 *",
    };

    [Test]
    public async Task Admin_FollowsTheLinkFromAdmin_AndTheDashboardPassesTheAccessibilityCheck()
    {
        await Journey.SignInAsync("admin");

        await Page.GetByRole(AriaRole.Link, new() { Name = "Se de schemalagda jobben" }).ClickAsync();
        await Journey.ExpectPathAsync("/admin/jobb");
        await Journey.SeeAsync("jobb-oversikt");
        await Journey.VisitAsync("/admin/jobb/recurring", "jobb-aterkommande");
        await Expect(Page.GetByText("reminders.scan")).ToBeVisibleAsync();
        await Expect(Page.GetByText("reminders.dispatch")).ToBeVisibleAsync();
        await Journey.VisitAsync("/admin/jobb/jobs/succeeded", "jobb-klara");
        await Page.Locator("a.job-method").First.ClickAsync(); // the start-up scan
        await Expect(Page.GetByText("ScanAsync").First).ToBeVisibleAsync();
        await Journey.SeeAsync("jobb-detaljer");
        await Journey.VisitAsync("/admin/jobb/servers", "jobb-servrar");
    }

    [Test]
    public async Task School_IsRefused()
    {
        await Journey.SignInAsync("school");

        await Journey.VisitAsync("/admin/jobb", "jobb-nekad");

        await Journey.ExpectPathAsync("/ingen-behorighet");
    }
}
