using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace EgenvardRegistry.Tests.Infrastructure;

/// <summary>What <see cref="FaultySmtpServer"/> does with one message.</summary>
public enum SmtpFault
{
    /// <summary>Accept and record the message.</summary>
    None,

    /// <summary>Greet with 421 and close, as a relay that is shutting down or overloaded.</summary>
    Reject421AtConnect,

    /// <summary>Answer MAIL FROM with 421 and close.</summary>
    Reject421AtMail,

    /// <summary>Answer RCPT TO with 550, quoting the address as Postfix does.</summary>
    Reject550AtRcpt,

    /// <summary>Take the whole message, then answer 451 instead of 250.</summary>
    Reject451AtEndOfData,

    /// <summary>Close the connection after the first line of the message.</summary>
    DropDuringData,

    /// <summary>Accept the connection and never say anything.</summary>
    Silent,
}

/// <summary>A message the server accepted: the envelope and the DATA exactly as received (dot-stuffing undone).</summary>
public sealed record RecordedMessage(string MailFrom, IReadOnlyList<string> RcptTo, string Data);

/// <summary>
/// A small SMTP server on 127.0.0.1 for tests of the mail sender's failure handling: it speaks enough SMTP for
/// System.Net.Mail and can be told what to do with each coming message. System.Net.Mail opens one connection per
/// message, and the server takes the next fault at each connection and after each message on it. Every session ends
/// when the server is disposed or after <see cref="Lifetime"/> at the latest.
/// </summary>
public sealed class FaultySmtpServer : IAsyncDisposable
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);

    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop;
    private readonly ConcurrentQueue<SmtpFault> _faults = new();
    private readonly ConcurrentQueue<RecordedMessage> _received = new();
    private readonly ConcurrentBag<Task> _sessions = [];
    private readonly Task _accepting;
    private int _connections;

    /// <param name="port">0 for any free port; a given port brings a "down" server up where clients expect it.</param>
    /// <param name="lifetime">How long the server may run at most (default <see cref="Lifetime"/>).</param>
    public FaultySmtpServer(int port = 0, TimeSpan? lifetime = null)
    {
        _listener = new TcpListener(IPAddress.Loopback, port);
        _stop = new CancellationTokenSource(lifetime ?? Lifetime);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>Connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    public IReadOnlyList<RecordedMessage> Received => [.. _received];

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
        _listener.Stop();
        await Task.WhenAll([_accepting, .. _sessions]);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
                _sessions.Add(ServeAsync(client));
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            await using var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.UTF8);
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\r\n", AutoFlush = true };
            await ConverseAsync(reader, writer, _stop.Token);
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // The client went away, or the server stopped.
        }
    }

    private async Task ConverseAsync(StreamReader reader, StreamWriter writer, CancellationToken stop)
    {
        var fault = NextFault();
        switch (fault)
        {
            case SmtpFault.Reject421AtConnect:
                await writer.WriteLineAsync("421 4.3.2 faulty.test Service not available, closing transmission channel");
                return;
            case SmtpFault.Silent:
                while (await reader.ReadLineAsync(stop) is not null)
                {
                }
                return;
        }

        await writer.WriteLineAsync("220 faulty.test ESMTP");
        string? mailFrom = null;
        var rcptTo = new List<string>();
        while (await reader.ReadLineAsync(stop) is { } line)
        {
            var verb = line.Length >= 4 ? line[..4].ToUpperInvariant() : line.ToUpperInvariant();
            switch (verb)
            {
                case "EHLO" or "HELO":
                    await writer.WriteLineAsync("250 faulty.test");
                    break;
                case "MAIL" when fault == SmtpFault.Reject421AtMail:
                    await writer.WriteLineAsync("421 4.7.0 faulty.test Try again later, closing connection");
                    return;
                case "MAIL":
                    mailFrom = Address(line);
                    rcptTo.Clear();
                    await writer.WriteLineAsync("250 2.1.0 Ok");
                    break;
                case "RCPT" when fault == SmtpFault.Reject550AtRcpt:
                    await writer.WriteLineAsync($"550 5.1.1 <{Address(line)}>: Recipient address rejected: User unknown");
                    break;
                case "RCPT":
                    rcptTo.Add(Address(line));
                    await writer.WriteLineAsync("250 2.1.5 Ok");
                    break;
                case "DATA" when rcptTo.Count == 0:
                    await writer.WriteLineAsync("554 5.5.1 Error: no valid recipients");
                    break;
                case "DATA":
                    await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                    var data = await ReadDataAsync(reader, dropAfterFirstLine: fault == SmtpFault.DropDuringData, stop);
                    if (data is null)
                    {
                        return;
                    }
                    if (fault == SmtpFault.Reject451AtEndOfData)
                    {
                        await writer.WriteLineAsync("451 4.3.0 Error: queue file write error");
                    }
                    else
                    {
                        _received.Enqueue(new RecordedMessage(mailFrom ?? "", [.. rcptTo], data));
                        await writer.WriteLineAsync("250 2.0.0 Ok: queued");
                    }
                    fault = NextFault();
                    break;
                case "RSET":
                    mailFrom = null;
                    rcptTo.Clear();
                    await writer.WriteLineAsync("250 2.0.0 Ok");
                    break;
                case "NOOP":
                    await writer.WriteLineAsync("250 2.0.0 Ok");
                    break;
                case "QUIT":
                    await writer.WriteLineAsync("221 2.0.0 Bye");
                    return;
                default:
                    await writer.WriteLineAsync("502 5.5.2 Error: command not recognized");
                    break;
            }
        }
    }

    /// <summary>The message up to the lone dot, or null when the connection is to be dropped.</summary>
    private static async Task<string?> ReadDataAsync(StreamReader reader, bool dropAfterFirstLine, CancellationToken stop)
    {
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(stop) is { } line)
        {
            if (dropAfterFirstLine)
            {
                return null;
            }
            if (line == ".")
            {
                return data.ToString();
            }
            data.Append(line.StartsWith("..", StringComparison.Ordinal) ? line[1..] : line).Append("\r\n");
        }
        return null;
    }

    private static string Address(string command)
    {
        var start = command.IndexOf('<', StringComparison.Ordinal);
        var end = command.IndexOf('>', StringComparison.Ordinal);
        return start >= 0 && end > start ? command[(start + 1)..end] : "";
    }

    private SmtpFault NextFault() => _faults.TryDequeue(out var fault) ? fault : SmtpFault.None;
}
