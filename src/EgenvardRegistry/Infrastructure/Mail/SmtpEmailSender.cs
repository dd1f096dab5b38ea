using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace EgenvardRegistry.Infrastructure.Mail;

/// <summary>
/// Sends through the configured relay with MailKit. A batch connects on its first message, keeps the connection for
/// the rest and says QUIT when it is disposed. A 5xx reply is a permanent failure; a 4xx reply, a refused, dropped or
/// silent connection, or a relay that cannot be reached as <c>Smtp:Security</c> asks, is transient.
/// </summary>
public sealed partial class SmtpEmailSender : IEmailSender
{
    private readonly SmtpOptions _options;
    private readonly MailboxAddress _from;
    private readonly SecureSocketOptions _security;
    private readonly TimeProvider _time;
    private readonly ILogger<SmtpEmailSender> _logger;

    public SmtpEmailSender(IOptions<SmtpOptions> options, TimeProvider time, ILogger<SmtpEmailSender> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        if (!_options.UsesRelay)
        {
            throw new InvalidOperationException("SmtpEmailSender needs Smtp:Host.");
        }
        _from = _options.FromAddress();
        _security = _options.SocketOptions();
        _time = time;
        _logger = logger;
    }

    private TimeSpan Timeout => TimeSpan.FromSeconds(_options.TimeoutSeconds);

    public IEmailBatch StartBatch() => new Batch(this);

    /// <summary>
    /// The failure to report for an exception from MailKit or the network, or null when the exception says nothing
    /// about the mail server (a bug, which should surface as it is). A 5xx reply is permanent; a 4xx reply, and any
    /// failure without a reply (refused, dropped, protocol error, TLS or authentication trouble), is transient.
    /// </summary>
    /// <remarks>
    /// The result has no inner exception and quotes no reply text: a server may quote the recipient's address there,
    /// and <see cref="SmtpCommandException.Mailbox"/> is the address itself; neither may reach a log.
    /// </remarks>
    internal static EmailSendException? Classify(Exception exception)
    {
        switch (exception)
        {
            case SmtpCommandException { StatusCode: var status } command when (int)status is >= 400 and < 600:
                var code = (int)status;
                var refused = command.ErrorCode switch
                {
                    SmtpErrorCode.SenderNotAccepted => "the sender",
                    SmtpErrorCode.RecipientNotAccepted => "the recipient",
                    SmtpErrorCode.MessageNotAccepted => "the message",
                    _ => "the session",
                };
                return code >= 500
                    ? new EmailSendException($"The SMTP server refused {refused}: {code} {status}.", isTransient: false)
                    : new EmailSendException($"The SMTP server answered {code} {status} to {refused}; try again later.", isTransient: true);
            case AuthenticationException:
                return new EmailSendException(
                    "The SMTP server did not accept Smtp:UserName and Smtp:Password; try again once they are right.", isTransient: true);
            case SslHandshakeException:
                return new EmailSendException(
                    "The TLS handshake with the SMTP server failed: its certificate must be valid for Smtp:Host and trusted; try again later.",
                    isTransient: true);
        }
        if (!Chain(exception).Any(e => e is SmtpCommandException or SmtpProtocolException or ServiceNotConnectedException
                or IOException or SocketException or TimeoutException))
        {
            return null;
        }
        var socket = Chain(exception).OfType<SocketException>().FirstOrDefault();
        var cause = socket is not null ? $"socket error {socket.SocketErrorCode}" : exception.GetType().Name;
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

    /// <summary>One connection, opened on the first message and again only after the server closed it.</summary>
    private sealed class Batch(SmtpEmailSender owner) : IEmailBatch
    {
        private SmtpClient? _client;
        private bool _disposed;

        public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var mime = MimeMessages.Create(message, owner._from, owner._time.GetUtcNow());
            // One bound for the whole message, connecting included, that tells a timeout apart from a failure and
            // from the caller's cancellation.
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(owner.Timeout);
            try
            {
                var client = await ConnectedAsync(timeout.Token);
                await client.SendAsync(mime, timeout.Token);
            }
            catch (Exception exception)
            {
                // A refusal the server answered leaves the session usable (MailKit sends RSET); anything else leaves it
                // in an unknown state, and the next message starts on a new connection.
                if (exception is not SmtpCommandException || _client is not { IsConnected: true })
                {
                    Discard();
                }
                cancellationToken.ThrowIfCancellationRequested();
                if (timeout.IsCancellationRequested)
                {
                    throw new EmailSendException(
                        $"The SMTP server did not take the message within Smtp:TimeoutSeconds ({owner._options.TimeoutSeconds}).",
                        isTransient: true);
                }
                if (exception is EmailSendException || Classify(exception) is not { } failure)
                {
                    throw;
                }
                throw failure;
            }
            LogSent(owner._logger, message.MessageId);
        }

        public async ValueTask DisposeAsync()
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            if (_client is { IsConnected: true } client)
            {
                using var quit = new CancellationTokenSource(owner.Timeout);
                try
                {
                    await client.DisconnectAsync(quit: true, quit.Token);
                }
                catch (Exception exception) when (Classify(exception) is not null || exception is OperationCanceledException)
                {
                    // Every message already has its outcome; a QUIT the server does not answer changes none of them.
                    LogQuitFailed(owner._logger);
                }
            }
            Discard();
        }

        private async Task<SmtpClient> ConnectedAsync(CancellationToken cancellationToken)
        {
            if (_client is { IsConnected: true })
            {
                return _client;
            }
            Discard();
            // Kept only once it is connected and signed in, so a later message never reuses a half-opened session.
            var client = new SmtpClient();
            try
            {
                await OpenAsync(client, cancellationToken);
            }
            catch
            {
                client.Dispose();
                throw;
            }
            _client = client;
            return client;
        }

        private async Task OpenAsync(SmtpClient client, CancellationToken cancellationToken)
        {
            var options = owner._options;
            try
            {
                await client.ConnectAsync(options.Host!.Trim(), options.Port, owner._security, cancellationToken);
            }
            catch (NotSupportedException) when (owner._security == SecureSocketOptions.StartTls)
            {
                throw new EmailSendException(
                    "The SMTP server does not offer STARTTLS, which Smtp:Security=starttls requires; try again once it does.",
                    isTransient: true);
            }
            if (!string.IsNullOrEmpty(options.UserName))
            {
                if (!client.Capabilities.HasFlag(SmtpCapabilities.Authentication))
                {
                    throw new EmailSendException(
                        "The SMTP server offers no authentication, which Smtp:UserName asks for; try again once it does.",
                        isTransient: true);
                }
                await client.AuthenticateAsync(options.UserName, options.Password!, cancellationToken);
            }
            LogConnected(owner._logger, options.Host!, options.Port);
        }

        private void Discard()
        {
            _client?.Dispose();
            _client = null;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connected to the SMTP server {Host}:{Port}")]
    private static partial void LogConnected(ILogger logger, string host, int port);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The SMTP server accepted message {MessageId}")]
    private static partial void LogSent(ILogger logger, string messageId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The SMTP server did not answer QUIT; the connection is closed anyway")]
    private static partial void LogQuitFailed(ILogger logger);
}
