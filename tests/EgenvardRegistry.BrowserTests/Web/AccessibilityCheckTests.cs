using EgenvardRegistry.BrowserTests.Infrastructure;
using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.BrowserTests.Web;

/// <summary>The accessibility check itself catches what it is there for, so a clean result means something.</summary>
[TestFixture(Engine.Sqlite)]
public sealed class AccessibilityCheckTests(Engine engine) : BrowserTest(engine)
{
    [Test]
    public async Task SeriousViolations_PageWithUnlabelledFieldAndFaintText_AreReported()
    {
        await Page.SetContentAsync("""
            <!DOCTYPE html><html lang="sv"><head><title>Prov</title></head><body><main>
            <h1>Prov</h1><p style="color:#ccc;background:#fff">Svag text</p><input type="text"><img src="x.png">
            </main></body></html>
            """);

        var violations = await Accessibility.SeriousViolationsAsync(Page);

        Assert.That(violations, Has.Some.StartsWith("color-contrast (serious)")
            .And.Some.StartsWith("label (critical)").And.Some.StartsWith("image-alt (critical)"));
    }
}
