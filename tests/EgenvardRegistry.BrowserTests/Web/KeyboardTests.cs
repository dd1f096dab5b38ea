using EgenvardRegistry.BrowserTests.Infrastructure;
using EgenvardRegistry.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace EgenvardRegistry.BrowserTests.Web;

/// <summary>The sign-in page with the keyboard alone, and a visible focus on everything the keyboard reaches.</summary>
[TestFixture(Engine.Sqlite)]
public sealed class KeyboardTests(Engine engine) : BrowserTest(engine)
{
    [Test]
    public async Task SignIn_KeyboardOnly_WorksWithVisibleFocus()
    {
        await Journey.VisitAsync("/logga-in", "logga-in");

        // The skip link comes first, then the brand link, then the role group (Tab stops on its checked radio).
        await TabUntilFocusedAsync("input[type=radio]");
        await ExpectVisibleFocusAsync();
        await Expect(Page.Locator("#roll-school")).ToBeFocusedAsync();

        await Page.Keyboard.PressAsync("ArrowDown");
        await Expect(Page.Locator("#roll-guardian")).ToBeFocusedAsync();
        await Page.Keyboard.PressAsync("Space");
        await Expect(Page.Locator("#roll-guardian")).ToBeCheckedAsync();
        await ExpectVisibleFocusAsync();
        await Journey.SeeAsync("vald-roll");

        await Page.Keyboard.PressAsync("Tab");
        await Expect(Page.GetByLabel("Enhet (valfritt)")).ToBeFocusedAsync();
        await ExpectVisibleFocusAsync();

        await Page.Keyboard.PressAsync("Tab");
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "Logga in" })).ToBeFocusedAsync();
        await ExpectVisibleFocusAsync();
        await Journey.SeeAsync("fokus-logga-in");

        await Page.Keyboard.PressAsync("Enter");
        await Journey.ExpectSignedInAsync();
        await Journey.ExpectPathAsync("/vardnadshavare");
        await Journey.SeeAsync("inloggad");
    }

    [Test]
    public async Task SkipLink_FirstTab_ShowsAndMovesToContent()
    {
        await Journey.VisitAsync("/logga-in", "logga-in");

        await Page.Keyboard.PressAsync("Tab");
        var skip = Page.GetByRole(AriaRole.Link, new() { Name = "Hoppa till innehållet" });
        await Expect(skip).ToBeFocusedAsync();
        await Expect(skip).ToBeInViewportAsync();
        await ExpectVisibleFocusAsync();
        await Journey.SeeAsync("hoppa-till-innehallet");

        await Page.Keyboard.PressAsync("Enter");
        await Expect(Page.Locator("main#innehall")).ToBeFocusedAsync();
    }

    private async Task TabUntilFocusedAsync(string selector)
    {
        for (var presses = 0; presses < 10; presses++)
        {
            await Page.Keyboard.PressAsync("Tab");
            if (await Page.EvaluateAsync<bool>("selector => document.activeElement?.matches(selector) ?? false", selector))
            {
                return;
            }
        }
        Assert.Fail($"Ten presses of Tab never reached {selector}.");
    }

    /// <summary>The focused element draws an outline (the stylesheet's :focus-visible ring) of at least 2px.</summary>
    private async Task ExpectVisibleFocusAsync()
    {
        var outline = await Page.EvaluateAsync<string[]>("""
            () => {
                const style = getComputedStyle(document.activeElement);
                return [document.activeElement.tagName + '#' + document.activeElement.id, style.outlineStyle, style.outlineWidth];
            }
            """);
        var (element, style, width) = (outline[0], outline[1], outline[2]);
        Assert.That(style, Is.Not.EqualTo("none"), $"{element} has no focus outline");
        Assert.That(double.Parse(width.Replace("px", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture),
            Is.GreaterThanOrEqualTo(2), $"{element}'s focus outline is {width}");
    }
}
