namespace EgenvardRegistry.Infrastructure.Mail;

/// <summary>
/// The one way mail leaves the service: SMTP through System.Net.Mail, or <c>.eml</c> files in a pickup folder when no
/// SMTP host is configured. A sender for another library (MailKit) implements this and nothing else changes.
/// </summary>
public interface IEmailSender
{
    /// <exception cref="EmailSendException">The message was not accepted; <see cref="EmailSendException.IsTransient"/> says whether to try again.</exception>
    Task SendAsync(EmailMessage message, CancellationToken cancellationToken);
}

/// <summary>A message with plain-text and HTML alternatives.</summary>
/// <param name="MessageId">The Message-ID without angle brackets, e.g. <c>notification-…@egenvard.example.se</c>; a resend carries the same.</param>
/// <param name="Headers">Extra headers, e.g. <c>List-Unsubscribe</c> and <c>List-Unsubscribe-Post</c>.</param>
public sealed record EmailMessage(
    string To,
    string Subject,
    string TextBody,
    string HtmlBody,
    string MessageId,
    IReadOnlyDictionary<string, string> Headers);

/// <summary>A message the mail server did not accept.</summary>
public sealed class EmailSendException : Exception
{
    public EmailSendException(string message, bool isTransient, Exception? innerException = null)
        : base(message, innerException) => IsTransient = isTransient;

    public EmailSendException()
    {
    }

    public EmailSendException(string message)
        : base(message)
    {
    }

    public EmailSendException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>True for a 4xx reply, a refused or dropped connection or a timeout: worth trying again later.</summary>
    public bool IsTransient { get; }
}
