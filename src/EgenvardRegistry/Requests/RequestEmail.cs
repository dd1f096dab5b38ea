using System.Text.Encodings.Web;
using EgenvardRegistry.Infrastructure.Mail;
using EgenvardRegistry.Web;

namespace EgenvardRegistry.Requests;

/// <summary>What one certificate request e-mail says; the outbox row's id gives the Message-ID, so a resend carries the same.</summary>
/// <param name="SchoolUnitName">The school unit's name from the sign-in; without one the e-mail names the unit by its code.</param>
/// <param name="Message">The school's own words to the guardians, if it wrote any.</param>
public sealed record RequestEmailContent(
    Guid NotificationId,
    string To,
    string GuardianName,
    string ChildFirstName,
    string SchoolUnit,
    string? SchoolUnitName,
    string Reference,
    string? Message,
    DateOnly OpenUntil,
    Uri GuardianPageUrl);

/// <summary>
/// The Swedish e-mail that tells a guardian the school asks for an egenvårdsintyg, plain text and HTML: the school unit,
/// the child's first name, what to do (book an assessment at the child's care unit and show the reference) and the
/// school's message. Never a personnummer, a diagnosis or the measures: the guardian and the care unit know them.
/// </summary>
public static class RequestEmail
{
    private static readonly HtmlEncoder Html = MailLayout.Html;

    public static EmailMessage Compose(RequestEmailContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (!content.GuardianPageUrl.IsAbsoluteUri
            || (content.GuardianPageUrl.Scheme != Uri.UriSchemeHttps && content.GuardianPageUrl.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException("The link to the guardian page must be an absolute http or https URL.", nameof(content));
        }

        var child = MailText.OneLine(content.ChildFirstName);
        var guardian = MailText.OneLine(content.GuardianName);
        var school = MailText.OneLine(content.SchoolUnitName) is { Length: > 0 } name ? name : $"Skolenhet {content.SchoolUnit}";
        var reference = MailText.OneLine(content.Reference);
        var openUntil = SwedishText.Date(content.OpenUntil);
        var guardianPage = content.GuardianPageUrl.AbsoluteUri;
        var messageLines = (content.Message ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n')
            .Select(line => new string([.. line.Where(character => character == '\t' || !char.IsControl(character))]).TrimEnd())
            .ToList();
        var hasMessage = messageLines.Any(line => line.Length > 0);

        var subject = $"{school} ber om ett egenvårdsintyg för {child}";
        var greeting = guardian.Length == 0 ? "Hej!" : $"Hej {guardian}!";
        var why = $"{school} ber om ett egenvårdsintyg för {child}. Utan ett intyg från vården får förskolan eller skolan "
            + "inte hjälpa till med egenvård, och enligt regionens rutin ber skolan om intyget via er som vårdnadshavare.";
        var what = $"Så här gör du: boka en bedömning hos den vårdenhet där {child} får vård och visa referensen {reference}. "
            + "Vårdenheten utfärdar intyget och delar det med skolan.";
        var until = $"Begäran gäller till och med {openUntil}.";
        const string NoReply = $"{MailLayout.NoReply} Har du frågor om begäran, kontakta skolan.";

var text = MailLayout.Text(
            [
                greeting,
                "",
                why,
                "",
                .. hasMessage ? (string[])["Meddelande från skolan:", .. messageLines.Select(line => "> " + line), ""] : [],
                what,
                "",
                until,
                $"Se begäran: {guardianPage}",
                "",
            ],
            NoReply);

        var html = MailLayout.HtmlBody(subject,
            [
                $"<p>{Html.Encode(greeting)}</p>",
                $"<p>{Html.Encode(why)}</p>",
                .. hasMessage
                    ? (string[])["<p>Meddelande från skolan:</p>",
                        "<blockquote style=\"border-left: 3px solid #999999; margin-left: 0; padding-left: 12px;\">"
                            + $"{string.Join("<br>", messageLines.Select(Html.Encode))}</blockquote>"]
                    : [],
                $"<p><strong>Så här gör du:</strong> boka en bedömning hos den vårdenhet där {Html.Encode(child)} får vård och visa "
                    + $"referensen <strong>{Html.Encode(reference)}</strong>. Vårdenheten utfärdar intyget och delar det med skolan.</p>",
                $"<p>{Html.Encode(until)} <a href=\"{Html.Encode(guardianPage)}\">Se begäran i Egenvårdsregistret</a></p>",
            ],
            Html.Encode(NoReply));

        return MailLayout.Message(content.To, guardian, subject, text, html, content.NotificationId, content.GuardianPageUrl.IdnHost);
    }
}
