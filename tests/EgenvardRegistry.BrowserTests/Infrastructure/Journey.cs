using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace EgenvardRegistry.BrowserTests.Infrastructure;

/// <summary>
/// One person's way through the pages in one browser context. <see cref="SeeAsync"/> is the step every visited page
/// goes through: a numbered screenshot under TestResults/screenshots/&lt;test&gt;/ and an axe check.
/// </summary>
public sealed partial class Journey
{
    public const string SignInCookie = "egenvard";

    private readonly Uri baseAddress;
    private readonly ScreenshotFolder screenshots;
    private readonly List<string> _policyViolations = [];

    public Journey(IPage page, Uri baseAddress, ScreenshotFolder screenshots, int person = 1)
    {
        (Page, this.baseAddress, this.screenshots, Person) = (page, baseAddress, screenshots, person);
        // Chromium reports what the Content-Security-Policy blocked on the console: every step fails on one, which is how
        // the browser tests prove the policy does not break the pages.
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                lock (_policyViolations)
                {
                    _policyViolations.Add(message.Text);
                }
            }
        };
    }

    public IPage Page { get; }

    /// <summary>1 for the test's first person, 2 for the next browser context it opens, and so on.</summary>
    public int Person { get; }

    /// <summary>Opens <paramref name="path"/> and checks the page.</summary>
    public async Task<IResponse?> VisitAsync(string path, string pageName)
    {
        var response = await Page.GotoAsync(new Uri(baseAddress, path).ToString());
        await SeeAsync(pageName);
        return response;
    }

    /// <summary>Screenshots the page as it is now and fails on any serious or critical axe violation.</summary>
    public async Task SeeAsync(string pageName)
    {
        await Page.ScreenshotAsync(new() { Path = screenshots.PathFor(Person, Slug(pageName)), FullPage = true });
        await Accessibility.AssertNoSeriousViolationsAsync(Page, pageName);
        lock (_policyViolations)
        {
            Assert.That(_policyViolations, Is.Empty, $"the Content-Security-Policy blocked something on '{pageName}'");
        }
    }

    /// <summary>
    /// Signs in on the development page as a demo identity of <paramref name="role"/> (optionally at another unit) and
    /// checks both the sign-in page and the page it lands on.
    /// </summary>
    public async Task SignInAsync(string role, string? unit = null)
    {
        await VisitAsync("/logga-in", "logga-in");
        await Page.Locator($"#roll-{role}").CheckAsync();
        if (unit is not null)
        {
            await Page.GetByLabel("Enhet (valfritt)").FillAsync(unit);
        }
        await Page.GetByRole(AriaRole.Button, new() { Name = "Logga in" }).ClickAsync();
        await ExpectSignedInAsync();
        await SeeAsync($"inloggad-{role}");
    }

    /// <summary>The sign-in page has redirected away and the browser holds the sign-in cookie.</summary>
    public async Task ExpectSignedInAsync()
    {
        await Expect(Page).Not.ToHaveURLAsync(new Regex("/logga-in"));
        var cookies = await Page.Context.CookiesAsync();
        Assert.That(cookies.Select(cookie => cookie.Name), Does.Contain(SignInCookie), "no sign-in cookie after signing in");
    }

    public async Task SignOutAsync()
    {
        await Page.GetByRole(AriaRole.Button, new() { Name = "Logga ut" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Du är utloggad" })).ToBeVisibleAsync();
        await SeeAsync("utloggad");
        var cookies = await Page.Context.CookiesAsync();
        Assert.That(cookies.Select(cookie => cookie.Name), Does.Not.Contain(SignInCookie), "the sign-in cookie outlived the sign-out");
    }

    /// <summary>Asserts the page's path (query ignored), e.g. <c>/skola</c>.</summary>
    public Task ExpectPathAsync(string path) =>
        Expect(Page).ToHaveURLAsync(new Regex($"^{Regex.Escape(baseAddress.GetLeftPart(UriPartial.Authority))}{Regex.Escape(path)}(\\?.*)?$"));

    /// <summary>
    /// The field labelled <paramref name="label"/> is marked invalid and described by a message containing
    /// <paramref name="message"/> that sits in the same <c>.field</c> as the input, so it is seen and read with it.
    /// </summary>
    public Task ExpectFieldErrorAsync(string label, string message) =>
        ExpectFieldErrorAsync(Page.GetByLabel(label, new() { Exact = true }), message, label);

    /// <summary>The input is marked invalid and described by a message with this text, inside the input's own field.</summary>
    public async Task ExpectFieldErrorAsync(ILocator input, string message, string label)
    {
        await Expect(input).ToHaveAttributeAsync("aria-invalid", "true");
        var ids = (await input.GetAttributeAsync("aria-describedby"))?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        Assert.That(ids, Is.Not.Empty, $"'{label}' is described by nothing");
        var error = Page.Locator(string.Join(", ", ids.Select(id => $"[id='{id}']"))).Filter(new() { HasText = message });
        await Expect(error).ToHaveCountAsync(1);
        var sameField = await input.EvaluateAsync<bool>(
            "(input, id) => { const field = input.closest('.field, fieldset'); return !!field && !!field.querySelector(`[id='${id}']`); }",
            await error.GetAttributeAsync("id"));
        Assert.That(sameField, Is.True, $"the message for '{label}' is not next to its field");
    }

    public ILocator Heading(string name) => Page.GetByRole(AriaRole.Heading, new() { Name = name, Level = 1 });

    private static string Slug(string name) => NotSlug().Replace(name.ToLowerInvariant(), "-").Trim('-');

    [GeneratedRegex("[^a-z0-9åäö]+")]
    private static partial Regex NotSlug();
}
