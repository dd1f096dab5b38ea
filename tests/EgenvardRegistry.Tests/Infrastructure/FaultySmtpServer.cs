using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using MimeKit;
using SmtpServer;
using SmtpServer.Authentication;
using ServiceProvider = SmtpServer.ComponentModel.ServiceProvider;
using SmtpServer.Mail;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace EgenvardRegistry.Tests.Infrastructure;

/// <summary>What <see cref="FaultySmtpServer"/> does with one message (one MAIL FROM … DATA transaction).</summary>
public enum SmtpFault
{
    /// <summary>Accept and record the message.</summary>
    None,

    /// <summary>Answer MAIL FROM with 421 and close the connection, as a relay that is shutting down or throttling.</summary>
    Reject421AtMail,

    /// <summary>Close the connection at MAIL FROM without a reply.</summary>
    DropAtMail,

    /// <summary>Answer RCPT TO with 451, as a greylisting relay does.</summary>
    Reject451AtRcpt,

    /// <summary>Answer RCPT TO with 550, quoting the address as Postfix does.</summary>
    Reject550AtRcpt,

    /// <summary>Take the whole message, then answer 451 instead of 250.</summary>
    Reject451AtEndOfData,

    /// <summary>Take the whole message, then answer 554, quoting the address.</summary>
    Reject554AtEndOfData,
}

/// <summary>A message the server accepted: the envelope and the DATA as received.</summary>
public sealed record RecordedMessage(string MailFrom, IReadOnlyList<string> RcptTo, byte[] Data)
{
    /// <summary>The message as MimeKit reads it: what a mail client would show.</summary>
    public MimeMessage Parse() => MimeMessage.Load(new MemoryStream(Data));
}

/// <summary>
/// An SMTP server on 127.0.0.1, built on the SmtpServer package, for tests of the mail sender: it records what it
/// accepts and fails on demand, each coming message taking the next <see cref="SmtpFault"/> from a queue. It counts
/// connections and the commands it receives, so a test sees a connection reused and closed with QUIT. With a
/// certificate it offers STARTTLS (or, with <c>implicitTls</c>, speaks TLS from the first byte); with a password it
/// takes mail only from a client that signs in with it. For the faults
/// SmtpServer cannot show see <see cref="RawSmtpFaultServer"/>. It stops when disposed or after its lifetime.
/// </summary>
public sealed class FaultySmtpServer : IAsyncDisposable
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);

    /// <summary>The one user a server with a password knows.</summary>
    public const string UserName = "egenvard";

    private const string FaultProperty = "faulty.test:fault";

    private readonly ConcurrentQueue<SmtpFault> _faults = new();
    private readonly ConcurrentQueue<RecordedMessage> _received = new();
    private readonly ConcurrentQueue<RecordedMessage> _refused = new();
    private readonly ConcurrentQueue<string> _commands = new();
    private readonly CancellationTokenSource _stop;
    private readonly Task _running;
    private int _connections;

    /// <param name="port">0 for any free port; a given port brings a "down" server up where clients expect it.</param>
    /// <param name="lifetime">How long the server may run at most (default <see cref="Lifetime"/>).</param>
    /// <param name="password">Required sign-in as user <see cref="UserName"/>, also without TLS; null for none.</param>
    public FaultySmtpServer(int port = 0, TimeSpan? lifetime = null, X509Certificate2? certificate = null, bool implicitTls = false,
        string? password = null)
    {
        var listeners = new EndpointListenerFactory();
        var bound = 0;
        listeners.EndpointStarted += (_, started) => bound = ((IPEndPoint)started.LocalEndPoint).Port;
        var services = new ServiceProvider();
        services.Add(listeners);
        var handler = new Handler(this);
        services.Add((IMailboxFilter)handler);
        services.Add((IMessageStore)handler);
        services.Add(new DelegatingUserAuthenticator((user, secret) => user == UserName && secret == password));
        var options = new SmtpServerOptionsBuilder()
            .ServerName("faulty.test")
            .Endpoint(endpoint =>
            {
                endpoint.Endpoint(new IPEndPoint(IPAddress.Loopback, port)).IsSecure(implicitTls)
                    .AuthenticationRequired(password is not null).AllowUnsecureAuthentication(password is not null);
                if (certificate is not null)
                {
                    endpoint.Certificate(certificate);
                }
            })
            .Build();
        var server = new SmtpServer.SmtpServer(options, services);
        server.SessionCreated += (_, session) =>
        {
            Interlocked.Increment(ref _connections);
            session.Context.CommandExecuting += (_, executing) => _commands.Enqueue(executing.Command.Name);
        };
        _stop = new CancellationTokenSource(lifetime ?? Lifetime);
        _running = server.StartAsync(_stop.Token);
        // SmtpServer binds its listeners before StartAsync first yields, so the port is known here.
        Port = bound != 0 ? bound : throw new InvalidOperationException("SmtpServer had not bound its port when StartAsync returned.");
    }

    public int Port { get; }

    /// <summary>Connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>The commands received, over all connections, in order: <c>EHLO</c>, <c>MAIL</c>, <c>RCPT</c>, <c>DATA</c>, <c>QUIT</c> ….</summary>
    public IReadOnlyList<string> Commands => [.. _commands];

    public IReadOnlyList<RecordedMessage> Received => [.. _received];

    /// <summary>
    /// Runs after a message is recorded as received and before the server answers 250 for it: a test's way to act at
    /// the moment the mail server has taken a message (move the clock, cancel the client, let another node claim rows).
    /// </summary>
    public Func<RecordedMessage, Task>? OnAccepted { get; set; }

    /// <summary>Messages taken whole and then refused at the end of DATA (451, 554), as the client sent them.</summary>
    public IReadOnlyList<RecordedMessage> Refused => [.. _refused];

    /// <summary>Faults for the next messages, in order; messages after them are accepted.</summary>
    public void Next(params SmtpFault[] faults)
    {
        foreach (var fault in faults)
        {
            _faults.Enqueue(fault);
        }
    }

    /// <summary>A port on 127.0.0.1 that nothing listens on: a server that is down.</summary>
    public static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
        _stop.Dispose();
    }

    private static SmtpResponseException Reply(SmtpReplyCode code, string text, bool close = false) =>
        new(new SmtpResponse(code, text), close);

    private sealed class Handler(FaultySmtpServer server) : IMailboxFilter, IMessageStore
    {
        public Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken)
        {
            // MAIL FROM starts a message, which takes the next fault; RCPT and DATA of the same message look it up.
            var fault = server._faults.TryDequeue(out var next) ? next : SmtpFault.None;
            context.Properties[FaultProperty] = fault;
            return fault switch
            {
                SmtpFault.Reject421AtMail => throw Reply(SmtpReplyCode.ServiceUnavailable, "4.7.0 Try again later, closing connection", close: true),
                // SmtpServer ends the session without a reply on any exception other than its response exception.
                SmtpFault.DropAtMail => throw new IOException("The connection is dropped on purpose."),
                _ => Task.FromResult(true),
            };
        }

        public Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken) =>
            Fault(context) switch
            {
                SmtpFault.Reject451AtRcpt => throw Reply(SmtpReplyCode.Aborted, "4.7.1 Greylisted, try again later"),
                SmtpFault.Reject550AtRcpt => throw Reply(SmtpReplyCode.MailboxUnavailable,
                    $"5.1.1 <{to.AsAddress()}>: Recipient address rejected: User unknown"),
                _ => Task.FromResult(true),
            };

        public async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer,
            CancellationToken cancellationToken)
        {
            var message = new RecordedMessage(
                transaction.From.AsAddress(), [.. transaction.To.Select(mailbox => mailbox.AsAddress())], buffer.ToArray());
            switch (Fault(context))
            {
                case SmtpFault.Reject451AtEndOfData:
                    server._refused.Enqueue(message);
                    return new SmtpResponse(SmtpReplyCode.Aborted, "4.3.0 Error: queue file write error");
                case SmtpFault.Reject554AtEndOfData:
                    server._refused.Enqueue(message);
                    var to = string.Join(", ", transaction.To.Select(mailbox => mailbox.AsAddress()));
                    return new SmtpResponse(SmtpReplyCode.TransactionFailed, $"5.7.1 Message to <{to}> rejected as spam");
                default:
                    server._received.Enqueue(message);
                    if (server.OnAccepted is { } accepted)
                    {
                        await accepted(message);
                    }
                    return SmtpResponse.Ok;
            }
        }

        private static SmtpFault Fault(ISessionContext context) =>
            context.Properties.TryGetValue(FaultProperty, out var fault) ? (SmtpFault)fault : SmtpFault.None;
    }
}
