using System.Net.Mail;
using System.Net.Mime;
using System.Text;

namespace EgenvardRegistry.Infrastructure.Mail;

/// <summary>Turns an <see cref="EmailMessage"/> into the System.Net.Mail form both senders hand to <see cref="SmtpClient"/>.</summary>
internal static class MailMessages
{
    public static MailMessage Create(EmailMessage message, MailAddress from)
    {
        if (!MailAddress.TryCreate(message.To, out var to))
        {
            // The address itself stays out of the message: it is personal data and exception text ends up in logs.
            throw new EmailSendException("The recipient is not a valid e-mail address.", isTransient: false);
        }
        var mail = new MailMessage(from, to)
        {
            Subject = message.Subject,
            SubjectEncoding = Encoding.UTF8,
            HeadersEncoding = Encoding.UTF8,
            BodyEncoding = Encoding.UTF8,
        };
        // System.Net.Mail writes no Message-ID of its own and keeps one set here (checked against a real server in the
        // tests); the dispatcher relies on it to make a resend recognisable as the same message.
        mail.Headers["Message-ID"] = $"<{message.MessageId}>";
        foreach (var (name, value) in message.Headers)
        {
            mail.Headers[name] = value;
        }
        mail.AlternateViews.Add(View(message.TextBody, MediaTypeNames.Text.Plain));
        mail.AlternateViews.Add(View(message.HtmlBody, MediaTypeNames.Text.Html));
        return mail;
    }

    private static AlternateView View(string body, string mediaType)
    {
        var view = AlternateView.CreateAlternateViewFromString(body, Encoding.UTF8, mediaType);
        // Not quoted-printable: System.Net.Mail encodes line breaks there as =0D=0A, which RFC 2045 does not allow.
        view.TransferEncoding = TransferEncoding.Base64;
        return view;
    }
}
