using System.Net;
using System.Text.RegularExpressions;
using EgenvardRegistry.Infrastructure.Auth;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;

namespace EgenvardRegistry.Tests.Infrastructure;

/// <summary>Signed-in clients for the web pages, and the few HTML look-ups the page tests need.</summary>
public static partial class Pages
{
    public const string TokenField = "__RequestVerificationToken";

    /// <summary>A client with a cookie jar, signed in through the development sign-in page as a demo identity of the role.</summary>
    public static async Task<HttpClient> SignInAsync(this RegistryApp app, string role, string? unit = null)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var form = await client.GetStringAsync("/logga-in");
        using var response = await client.PostForm("/logga-in", form, ("Role", role), ("Unit", unit ?? ""));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), "sign-in");
        return client;
    }

    /// <summary>
    /// A client of this host that keeps its cookies in <paramref name="jar"/>: give several hosts the same jar and they are
    /// one browser talking to several nodes behind a load balancer (all answer at http://localhost/).
    /// </summary>
    public static HttpClient Browser(this RegistryApp app, CookieContainer jar) =>
        app.CreateDefaultClient(new CookieContainerHandler(jar));

    /// <summary>A client with a cookie jar and no sign-in.</summary>
    public static HttpClient Anonymous(this RegistryApp app) =>
        app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    public static Task<HttpClient> SignInClinicianAsync(this RegistryApp app, string? careUnit = null) =>
        app.SignInAsync(Roles.Clinician, careUnit);

    /// <summary>Posts a form as the browser would after showing <paramref name="page"/>: with that page's anti-forgery token.</summary>
    public static Task<HttpResponseMessage> PostForm(this HttpClient client, string url, string page,
        params (string Name, string Value)[] fields) =>
        client.PostForm(url, page, (IEnumerable<(string, string)>)fields);

    public static Task<HttpResponseMessage> PostForm(this HttpClient client, string url, string page,
        IEnumerable<(string Name, string Value)> fields)
    {
        var values = fields.Select(field => new KeyValuePair<string, string>(field.Name, field.Value))
            .Where(field => field.Key != TokenField)
            .Append(new KeyValuePair<string, string>(TokenField, AntiforgeryToken(page)));
        return client.PostAsync(url, new FormUrlEncodedContent(values));
    }

    /// <summary>Opens <paramref name="pageUrl"/> and submits its form to <paramref name="action"/>, as a person would.</summary>
    public static async Task<HttpResponseMessage> SubmitForm(this HttpClient client, string pageUrl, string action,
        params (string Name, string Value)[] fields) =>
        await client.PostForm(action, await client.GetPage(pageUrl), fields);

    /// <summary>GET that must answer 200; the body HTML-decoded, so Swedish letters read as themselves.</summary>
    public static async Task<string> GetPage(this HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), url);
        return await response.ReadPage();
    }

    public static async Task<string> ReadPage(this HttpResponseMessage response) =>
        WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

    public static string AntiforgeryToken(string page)
    {
        var match = TokenInput().Match(page);
        Assert.That(match.Success, Is.True, "the page has no anti-forgery token");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    /// <summary>The block of one field (label, hint, error, input) as the shared field partial writes it.</summary>
    public static string FieldBlock(string page, string id)
    {
        var match = Regex.Match(page, $"""<div class="field[^"]*" id="{Regex.Escape(id)}-field">(.*?)</div>""", RegexOptions.Singleline);
        Assert.That(match.Success, Is.True, $"no field block {id}");
        return match.Groups[1].Value;
    }

    /// <summary>
    /// The field <paramref name="id"/> shows an error with <paramref name="message"/> inside its own block, tied to the
    /// input by <c>aria-describedby</c> and <c>aria-invalid</c>, and the error summary links to the input.
    /// </summary>
    public static void AssertFieldError(string page, string id, string message)
    {
        var block = FieldBlock(page, id);
        var error = Regex.Match(block, $"""<p class="field-error" id="{Regex.Escape(id)}-error">(.*?)</p>""", RegexOptions.Singleline);
        Assert.That(error.Success, Is.True, $"no error in the field block {id}");
        Assert.That(error.Groups[1].Value, Does.Contain(message));
        Assert.That(block, Does.Match($"""aria-describedby="([^"]* )?{Regex.Escape(id)}-error["| ]"""));
        Assert.That(block, Does.Contain("aria-invalid=\"true\""));
        Assert.That(page, Does.Match($"""(?s)<div class="error-summary".*<a href="#{Regex.Escape(id)}">"""),
            $"the error summary does not link to {id}");
    }

    /// <summary>Every named value a form on the page would send (inputs, text areas, selected options), in page order.</summary>
    public static List<(string Name, string Value)> FormValues(string page)
    {
        var values = new List<(int At, string Name, string Value)>();
        foreach (Match input in InputElement().Matches(page))
        {
            var name = Attribute(input.Value, "name");
            if (name is not null && name != TokenField)
            {
                values.Add((input.Index, name, Attribute(input.Value, "value") ?? ""));
            }
        }
        foreach (Match area in TextArea().Matches(page))
        {
            values.Add((area.Index, area.Groups[1].Value, area.Groups[2].Value));
        }
        foreach (Match select in SelectElement().Matches(page))
        {
            var selected = SelectedOption().Match(select.Groups[2].Value);
            values.Add((select.Index, select.Groups[1].Value, selected.Success ? selected.Groups[1].Value : ""));
        }
        return [.. values.OrderBy(value => value.At).Select(value => (value.Name, value.Value))];
    }

    private static string? Attribute(string element, string name)
    {
        var match = Regex.Match(element, "\\s" + name + "=\"([^\"]*)\"");
        return match.Success ? match.Groups[1].Value : null;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenInput();

    [GeneratedRegex("""<input\b[^>]*>""")]
    private static partial Regex InputElement();

    [GeneratedRegex("""<textarea\b[^>]*\sname="([^"]*)"[^>]*>(.*?)</textarea>""", RegexOptions.Singleline)]
    private static partial Regex TextArea();

    [GeneratedRegex("""<select\b[^>]*\sname="([^"]*)"[^>]*>(.*?)</select>""", RegexOptions.Singleline)]
    private static partial Regex SelectElement();

    [GeneratedRegex("""<option value="([^"]*)" selected="selected">""")]
    private static partial Regex SelectedOption();
}
