using System.Diagnostics;
using System.Net.Sockets;
using MimeKit;

namespace EgenvardRegistry.Tests.Infrastructure;

/// <summary>
/// A real SMTP server of a drill's own: Debian's aiosmtpd (as scripts/test.sh starts the suite's) on a fixed local port
/// with a Maildir in the drill's folder, which the drill can stop (SIGKILL: the server is simply gone) and start again on
/// the same port. aiosmtpd has moved a message into <c>new/</c> before it answers 250.
/// </summary>
public sealed class SmtpSinkProcess : IAsyncDisposable
{
    private const string Python = "/usr/bin/python3";
    private Process? _process;

    private SmtpSinkProcess(int port, string maildir)
    {
        Port = port;
        Maildir = maildir;
    }

    public int Port { get; }

    public string Maildir { get; }

    /// <summary>The service's settings for mail to this server.</summary>
    public Dictionary<string, string> Settings(int timeoutSeconds) => new()
    {
        ["Smtp:Host"] = "127.0.0.1",
        ["Smtp:Port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Smtp:Security"] = "none",
        ["Smtp:From"] = "Egenvårdsregistret <noreply@egenvard.test>",
        ["Smtp:TimeoutSeconds"] = timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>A server for <paramref name="folder"/>/maildir on a free port; running unless <paramref name="running"/> is false.</summary>
    public static async Task<SmtpSinkProcess> CreateAsync(string folder, bool running = true)
    {
        if (!File.Exists(Python))
        {
            Assert.Fail($"{Python} with aiosmtpd is needed (scripts/test.sh installs python3-aiosmtpd).");
        }
        var sink = new SmtpSinkProcess(RegistryProcess.FreePort(), Path.Combine(folder, "maildir"));
        if (running)
        {
            await sink.StartAsync();
        }
        return sink;
    }

    public async Task StartAsync()
    {
        if (_process is { HasExited: false })
        {
            return;
        }
        _process?.Dispose();
        _process = Process.Start(RegistryCommand.StartInfo(Python,
            ["-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{Port}", "-c", "aiosmtpd.handlers.Mailbox", Maildir],
            Path.GetDirectoryName(Maildir)!, new Dictionary<string, string?>()))!;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(15))
        {
            Assert.That(_process.HasExited, Is.False, "aiosmtpd exited as it started");
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        Assert.Fail($"aiosmtpd did not listen on {Port} within 15 s");
    }

    /// <summary>Kills the server: connections are refused until <see cref="StartAsync"/>.</summary>
    public void Stop()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            process.WaitForExit();
        }
    }

    /// <summary>How many messages the server has delivered.</summary>
    public int Count => Directory.Exists(New) ? Directory.GetFiles(New).Length : 0;

    /// <summary>The Message-ID of every delivered message, one entry per delivery (a resend appears twice).</summary>
    public List<string> MessageIds() => [.. Deliveries().Select(delivery => delivery.MessageId)];

    /// <summary>Every delivery: the message's Message-ID and when the server wrote it to the Maildir.</summary>
    public List<(string MessageId, DateTime WrittenAt)> Deliveries()
    {
        if (!Directory.Exists(New))
        {
            return [];
        }
        return [.. Directory.GetFiles(New).Select(path =>
        {
            using var stream = File.OpenRead(path);
            return ((HeaderList.Load(stream)[HeaderId.MessageId] ?? "").Trim().Trim('<', '>'), File.GetLastWriteTimeUtc(path));
        })];
    }

    private string New => Path.Combine(Maildir, "new");

    public ValueTask DisposeAsync()
    {
        Stop();
        _process?.Dispose();
        return ValueTask.CompletedTask;
    }
}
