using System.Text;
using MimeKit;
using MimeKit.Text;

namespace EgenvardRegistry.Infrastructure.Mail;

/// <summary>Turns an <see cref="EmailMessage"/> into the MimeKit message both senders write: one builder, so both send the same.</summary>
internal static class MimeMessages
{
    /// <exception cref="EmailSendException">The recipient is not a valid address (permanent).</exception>
    public static MimeMessage Create(EmailMessage message, MailboxAddress from, DateTimeOffset date)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(from);
        if (!MailAddresses.TryParseAddress(message.To, out var to))
        {
            // The address itself stays out of the message: it is personal data and exception text ends up in logs.
            throw new EmailSendException("The recipient is not a valid e-mail address.", isTransient: false);
        }
        var mime = new MimeMessage
        {
            Date = date,
            Subject = MailText.OneLine(message.Subject),
            // The dispatcher relies on it to make a resend recognisable as the same message.
            MessageId = message.MessageId,
            Body = new MultipartAlternative
            {
                Part(TextFormat.Plain, message.TextBody),
                Part(TextFormat.Html, message.HtmlBody),
            },
        };
        // A copy: an address list subscribes to the Changed event of each address added to it, so the sender's one
        // From address would hold every message ever built (measured: 16,000 reminders kept 320 MB alive).
        mime.From.Add(new MailboxAddress(from.Name, from.Address));
        // MimeKit quotes or encodes the display name as a whole, so no name can add a mailbox or a header.
        mime.To.Add(new MailboxAddress(MailText.OneLine(message.ToName), to.Address));
        foreach (var (name, value) in message.Headers)
        {
            mime.Headers.Add(name, MailText.OneLine(value));
        }
        return mime;
    }

    private static TextPart Part(TextFormat format, string body)
    {
        // Quoted-printable keeps mostly-ASCII Swedish text readable and 7-bit, where base64 text draws spam points.
        var part = new TextPart(format) { ContentTransferEncoding = ContentEncoding.QuotedPrintable };
        part.SetText(Encoding.UTF8, body);
        return part;
    }
}
