namespace EgenvardRegistry.Infrastructure.Mail;

/// <summary>
/// The one way mail leaves the service: SMTP through MailKit, or <c>.eml</c> files in a pickup folder when no SMTP host
/// is configured. Both turn an <see cref="EmailMessage"/> into the same MimeKit message.
/// </summary>
public interface IEmailSender
{
    /// <summary>
    /// Starts a batch of messages. The SMTP sender connects on the batch's first message, reuses that connection for
    /// the rest (connecting again if the server closed it) and says QUIT when the batch is disposed.
    /// </summary>
    IEmailBatch StartBatch();
}

/// <summary>Messages sent one after another, over one connection where there is one; not for two threads at once.</summary>
public interface IEmailBatch : IAsyncDisposable
{
    /// <exception cref="EmailSendException">The message was not accepted; <see cref="EmailSendException.IsTransient"/> says whether to try again.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled: not a failure of the message.</exception>
    Task SendAsync(EmailMessage message, CancellationToken cancellationToken);
}

/// <summary>A message with plain-text and HTML alternatives.</summary>
/// <param name="To">The recipient's address alone, e.g. <c>sara.lind@example.se</c>.</param>
/// <param name="ToName">The recipient's name, shown as the display name of <paramref name="To"/>; may be empty.</param>
/// <param name="MessageId">The Message-ID without angle brackets, e.g. <c>notification-…@egenvard.example.se</c>; a resend carries the same.</param>
/// <param name="Headers">Extra headers, e.g. <c>List-Unsubscribe</c> and <c>List-Unsubscribe-Post</c>.</param>
public sealed record EmailMessage(
    string To,
    string ToName,
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
