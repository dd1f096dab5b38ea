using Deque.AxeCore.Playwright;

namespace EgenvardRegistry.BrowserTests.Infrastructure;

/// <summary>axe-core on the page as it is now; a serious or critical violation fails the test.</summary>
public static class Accessibility
{
    private static readonly string[] FailingImpacts = ["serious", "critical"];

    public static async Task AssertNoSeriousViolationsAsync(IPage page, string pageName)
    {
        var failing = await SeriousViolationsAsync(page);
        Assert.That(failing, Is.Empty, () =>
            $"axe found serious or critical violations on {pageName} ({page.Url}):\n  {string.Join("\n  ", failing)}\n");
    }

    /// <summary>Each serious or critical violation as "rule id (impact): help at target, target".</summary>
    public static async Task<IReadOnlyList<string>> SeriousViolationsAsync(IPage page)
    {
        // RunAxe() injects axe-core twice and opens a second page per check (for cross-origin frames, which these pages
        // lack); the one-injection legacy run is equivalent here and halves the suite's time.
#pragma warning disable CS0618
        var result = await page.RunAxeLegacy(options: new() { Iframes = false });
#pragma warning restore CS0618
        return [.. result.Violations
            .Where(violation => FailingImpacts.Contains(violation.Impact))
            .Select(violation => $"{violation.Id} ({violation.Impact}): {violation.Help} at " +
                string.Join(", ", violation.Nodes.Select(node => node.Target.ToString())))];
    }
}
