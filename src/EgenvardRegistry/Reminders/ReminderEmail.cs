using System.Globalization;
using System.Text.Encodings.Web;
using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure.Mail;

namespace EgenvardRegistry.Reminders;

/// <summary>
/// The Swedish reminder e-mail, plain text and HTML. It says only what a guardian needs to book the renewal in time:
/// the child's first name, the measures, the expiry date, the care unit's name and phone, and links to the guardian
/// page and the one-click unsubscribe (RFC 8058). Never a personnummer, a diagnosis or the instructions.
/// </summary>
public static class ReminderEmail
{
    private static readonly CultureInfo Swedish = CultureInfo.GetCultureInfo("sv-SE");

    private static readonly HtmlEncoder Html = MailLayout.Html;

    public static EmailMessage Compose(ReminderContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        RequireWebLink(content.GuardianPageUrl, nameof(content.GuardianPageUrl));
        RequireWebLink(content.UnsubscribeUrl, nameof(content.UnsubscribeUrl));

        var child = MailText.OneLine(content.ChildFirstName);
        var guardian = MailText.OneLine(content.GuardianName);
        var careUnit = MailText.OneLine(content.CareUnitName);
        var phone = MailText.OneLine(content.CareUnitPhone);
        var expiry = content.ValidUntil.ToString("d MMMM yyyy", Swedish);
        var measures = MeasuresInRunningText(content.MeasureCodes);
        var guardianPage = content.GuardianPageUrl.AbsoluteUri;
        var unsubscribe = content.UnsubscribeUrl.AbsoluteUri;

        var days = content.DaysLeft.ToString(CultureInfo.InvariantCulture);
        var status = content.DaysLeft switch
        {
            < 0 => $"gällde till och med {expiry} och har gått ut.",
            0 => $"gäller till och med {expiry}. I dag är sista dagen.",
            1 => $"gäller till och med {expiry}. Det är 1 dag kvar.",
            _ => $"gäller till och med {expiry}. Det är {days} dagar kvar.",
        };
        var subject = content.DaysLeft switch
        {
            < 0 => $"Egenvårdsintyget för {child} har gått ut",
            0 => $"Egenvårdsintyget för {child} går ut i dag",
            1 => $"Egenvårdsintyget för {child} går ut om 1 dag",
            _ => $"Egenvårdsintyget för {child} går ut om {days} dagar",
        };
        var when = content.DaysLeft > 0 ? "i god tid" : "så snart som möjligt";
        var greeting = guardian.Length == 0 ? "Hej!" : $"Hej {guardian}!";
        var covers = measures.Length == 0 ? "" : $" Intyget omfattar {measures}.";
        const string WhyRenew = "Utan ett giltigt intyg får förskolan eller skolan inte hjälpa till med egenvården.";

var text = MailLayout.Text(
            [
                greeting,
                "",
                $"Egenvårdsintyget för {child} {status}{covers}",
                "",
                $"Boka en ny bedömning {when} hos {careUnit}, telefon {phone}. {WhyRenew}",
                "",
                $"Se intyget: {guardianPage}",
                "",
            ],
            MailLayout.NoReply, $"Vill du inte få fler påminnelser? Avsluta dem här: {unsubscribe}");

        var html = MailLayout.HtmlBody(subject,
            [
                $"<p>{Html.Encode(greeting)}</p>",
                $"<p>Egenvårdsintyget för <strong>{Html.Encode(child)}</strong> {Html.Encode(status)}{Html.Encode(covers)}</p>",
                $"<p>Boka en ny bedömning {when} hos <strong>{Html.Encode(careUnit)}</strong>, "
                    + $"telefon <strong>{Html.Encode(phone)}</strong>. {WhyRenew}</p>",
                $"<p><a href=\"{Html.Encode(guardianPage)}\">Se intyget i Egenvårdsregistret</a></p>",
            ],
            $"{MailLayout.NoReply}<br>Vill du inte få fler påminnelser? <a href=\"{Html.Encode(unsubscribe)}\">Avsluta dem här</a>.");

        var headers = new Dictionary<string, string>
        {
            ["List-Unsubscribe"] = $"<{unsubscribe}>",
            ["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click",
        };
        return MailLayout.Message(content.To, guardian, subject, text, html, content.NotificationId, content.GuardianPageUrl.IdnHost, headers);
    }

    /// <summary>"insulin", "insulin och blodsockermätning", "insulin, inhalator och syrgas".</summary>
    private static string MeasuresInRunningText(IReadOnlyList<string> codes)
    {
        // A code the catalogue no longer knows is still a measure on the certificate; it is named generically.
        var names = codes
            .Select(code => MeasureCatalogue.Swedish.GetValueOrDefault(code, MeasureCatalogue.Swedish[MeasureCatalogue.Other]))
            .Select(name => name.ToLower(Swedish))
            .Distinct()
            .ToList();
        return names.Count <= 1
            ? string.Concat(names)
            : $"{string.Join(", ", names[..^1])} och {names[^1]}";
    }

    private static void RequireWebLink(Uri url, string name)
    {
        ArgumentNullException.ThrowIfNull(url, name);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException("A link in a reminder must be an absolute http or https URL.", name);
        }
    }
}
