using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace EgenvardRegistry.Infrastructure.Mail;

/// <summary>
/// The frame every e-mail of the registry shares: the plain-text and HTML parts around a message's own paragraphs (the
/// sign-off, the automatic-message footer), the headers, and the Message-ID derived from the outbox row. The kinds of
/// e-mail (reminder, certificate request, withdrawn share) write only what they say.
/// </summary>
public static class MailLayout
{
    /// <summary>Every script allowed, so "Västerås" stays readable in the HTML source; markup characters are still encoded.</summary>
    public static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    public const string NoReply = "Det här är ett automatiskt meddelande som inte går att svara på.";

    /// <summary>
    /// The text/plain part: the message's lines, the sign-off, and after the signature separator the footer lines.
    /// CRLF: the canonical line break of a text/plain part, whatever the server's platform.
    /// </summary>
    public static string Text(IEnumerable<string> lines, params string[] footer) => string.Join("\r\n",
        [.. lines, "Med vänliga hälsningar", "Egenvårdsregistret", "", "-- ", .. footer, ""]);

    /// <summary>The text/html part: <paramref name="paragraphs"/> and <paramref name="footerHtml"/> are HTML already encoded.</summary>
    public static string HtmlBody(string subject, IEnumerable<string> paragraphs, string footerHtml) => string.Join("\r\n",
    [
        "<!DOCTYPE html>",
        "<html lang=\"sv\">",
        $"<head><meta charset=\"utf-8\"><title>{Html.Encode(subject)}</title></head>",
        "<body style=\"font-family: Arial, sans-serif; line-height: 1.5;\">",
        .. paragraphs,
        "<p>Med vänliga hälsningar<br>Egenvårdsregistret</p>",
        "<hr>",
        $"<p style=\"font-size: small; color: #555555;\">{footerHtml}</p>",
        "</body>",
        "</html>",
        "",
    ]);

    /// <summary>
    /// The message, its Message-ID from the outbox row (a resend carries the same id and can be deduplicated; the IDN
    /// host keeps it ASCII), and <c>Auto-Submitted</c> (RFC 3834: autoresponders leave it alone) beside any other headers.
    /// </summary>
    public static EmailMessage Message(string to, string toName, string subject, string text, string html, Guid notificationId,
        string host, IReadOnlyDictionary<string, string>? headers = null) =>
        new(to, toName, subject, text, html, $"notification-{notificationId:N}@{host}", new Dictionary<string, string>(
            headers ?? new Dictionary<string, string>()) { ["Auto-Submitted"] = "auto-generated" });
}
