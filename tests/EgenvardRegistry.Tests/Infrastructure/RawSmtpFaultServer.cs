using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace EgenvardRegistry.Tests.Infrastructure;

/// <summary>What <see cref="RawSmtpFaultServer"/> does with every connection.</summary>
public enum RawSmtpFault
{
    /// <summary>Greet with 421 and close, as a relay that is shutting down or overloaded.</summary>
    Reject421AtConnect,

    /// <summary>Go along until DATA, then close the connection after the first line of the message.</summary>
    DropDuringData,

    /// <summary>Accept the connection and never say anything.</summary>
    Silent,
}

/// <summary>
/// A raw-socket SMTP peer on 127.0.0.1 for the three faults <see cref="FaultySmtpServer"/> (the SmtpServer package)
/// cannot show: SmtpServer always greets with 220 (so no 421 at connect), always answers (so no silence), and reads
/// DATA whole before any hook of ours runs (so no connection cut in the middle of a message). Every connection gets
/// the same fault; sessions end when the server is disposed.
/// </summary>
public sealed class RawSmtpFaultServer : IAsyncDisposable
{
    private readonly RawSmtpFault _fault;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new(FaultySmtpServer.Lifetime);
    private readonly ConcurrentBag<Task> _sessions = [];
    private readonly Task _accepting;
    private int _connections;

    /// <param name="port">0 for any free port; a given port puts the fault where clients expect their server.</param>
    public RawSmtpFaultServer(RawSmtpFault fault, int port = 0)
    {
        _fault = fault;
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>Connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

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
            using var reader = new StreamReader(stream, Encoding.ASCII);
            await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
            await ConverseAsync(reader, writer, _stop.Token);
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // The client went away, or the server stopped.
        }
    }

    private async Task ConverseAsync(StreamReader reader, StreamWriter writer, CancellationToken stop)
    {
        switch (_fault)
        {
            case RawSmtpFault.Reject421AtConnect:
                await writer.WriteLineAsync("421 4.3.2 raw.test Service not available, closing transmission channel");
                return;
            case RawSmtpFault.Silent:
                while (await reader.ReadLineAsync(stop) is not null)
                {
                }
                return;
        }
        await writer.WriteLineAsync("220 raw.test ESMTP");
        while (await reader.ReadLineAsync(stop) is { } line)
        {
            var verb = line.Split(' ', 2)[0].ToUpperInvariant();
            switch (verb)
            {
                case "EHLO" or "HELO":
                    await writer.WriteLineAsync("250 raw.test");
                    break;
                case "MAIL" or "RCPT":
                    await writer.WriteLineAsync("250 2.1.0 Ok");
                    break;
                case "DATA":
                    await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                    await reader.ReadLineAsync(stop);
                    return;
                case "QUIT":
                    await writer.WriteLineAsync("221 2.0.0 Bye");
                    return;
                default:
                    await writer.WriteLineAsync("502 5.5.2 Error: command not recognized");
                    break;
            }
        }
    }
}
