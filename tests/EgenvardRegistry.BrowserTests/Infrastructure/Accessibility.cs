using Deque.AxeCore.Playwright;

namespace EgenvardRegistry.BrowserTests.Infrastructure;

/// <summary>axe-core on the page as it is now; a serious or critical violation fails the test.</summary>
public static class Accessibility
{
    private static readonly string[] FailingImpacts = ["serious", "critical"];

    public static async Task AssertNoSeriousViolationsAsync(IPage page, string pageName)
    {
        var result = await page.RunAxe();
        var failing = result.Violations
            .Where(violation => FailingImpacts.Contains(violation.Impact))
            .Select(violation => $"{violation.Id} ({violation.Impact}): {violation.Help} at " +
                string.Join(", ", violation.Nodes.Select(node => node.Target.ToString())))
            .ToList();
        Assert.That(failing, Is.Empty, $"axe found serious or critical violations on {pageName} ({page.Url})");
    }
}
