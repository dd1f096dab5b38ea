using System.Net;
using System.Net.Mail;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace EgenvardRegistry.Infrastructure.Mail;

/// <summary>
/// Sends through the configured relay with System.Net.Mail, one client (and connection) per message. A 5xx reply is a
/// permanent failure; a 4xx reply, a refused, dropped or silent connection is transient.
/// </summary>
public sealed partial class SmtpEmailSender : IEmailSender
{
    private readonly SmtpOptions _options;
    private readonly MailAddress _from;
    private readonly ILogger<SmtpEmailSender> _logger;

    public SmtpEmailSender(IOptions<SmtpOptions> options, ILogger<SmtpEmailSender> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        if (!_options.UsesRelay)
        {
            throw new InvalidOperationException("SmtpEmailSender needs Smtp:Host.");
        }
        _from = _options.FromAddress();
        _logger = logger;
    }

    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var mail = MailMessages.Create(message, _from);
        using var client = CreateClient();
        // One bound for the whole send, connection included, that tells a timeout apart from a failure and from the
        // caller's cancellation.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(_options.TimeoutSeconds));
        try
        {
            await client.SendMailAsync(mail, timeout.Token);
        }
        catch (Exception exception) when (exception is SmtpException or IOException or SocketException or OperationCanceledException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw timeout.IsCancellationRequested
                ? new EmailSendException(
                    $"The SMTP server did not take the message within Smtp:TimeoutSeconds ({_options.TimeoutSeconds}).", isTransient: true)
                : Classify(exception);
        }
        LogSent(_logger, message.MessageId);
    }

    /// <summary>
    /// A 5xx reply anywhere in the chain is permanent, a 4xx reply transient. With no reply code (System.Net.Mail says
    /// <see cref="SmtpStatusCode.GeneralFailure"/>, -1, for a refused or dropped connection, often wrapping an
    /// <see cref="IOException"/> or <see cref="SocketException"/>) the server never said no, so it is transient too.
    /// </summary>
    /// <remarks>
    /// The result has no inner exception: System.Net.Mail puts the server's reply text in its messages, and a server
    /// may quote the recipient's address there, which must not reach a log.
    /// </remarks>
    internal static EmailSendException Classify(Exception exception)
    {
        var reply = Chain(exception)
            .SelectMany(e => e is SmtpFailedRecipientsException many ? [many, .. many.InnerExceptions] : new[] { e })
            .OfType<SmtpException>()
            .Select(e => e.StatusCode)
            .FirstOrDefault(code => (int)code is >= 400 and < 600, SmtpStatusCode.GeneralFailure);
        if ((int)reply >= 500)
        {
            return new EmailSendException($"The SMTP server refused the message: {(int)reply} {reply}.", isTransient: false);
        }
        if ((int)reply >= 400)
        {
            return new EmailSendException($"The SMTP server answered {(int)reply} {reply}; try again later.", isTransient: true);
        }
        var socket = Chain(exception).OfType<SocketException>().FirstOrDefault();
        var cause = socket is not null ? $"socket error {socket.SocketErrorCode}" : Chain(exception).Last().GetType().Name;
        return new EmailSendException(
            $"The connection to the SMTP server failed or was cut ({cause}); try again later.", isTransient: true);
    }

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            yield return current;
        }
    }

    private SmtpClient CreateClient() => new(_options.Host!.Trim(), _options.Port)
    {
        DeliveryMethod = SmtpDeliveryMethod.Network,
        EnableSsl = _options.EnableSsl,
        // The token above bounds the send; SmtpClient's own timer (which on .NET 10 covers SendMailAsync too) would race it.
        Timeout = int.MaxValue,
        UseDefaultCredentials = false,
        Credentials = string.IsNullOrEmpty(_options.UserName) ? null : new NetworkCredential(_options.UserName, _options.Password),
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "The SMTP server accepted message {MessageId}")]
    private static partial void LogSent(ILogger logger, string messageId);
}
