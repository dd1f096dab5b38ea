using MimeKit;

namespace EgenvardRegistry.Tests.Infrastructure;

/// <summary>
/// The real SMTP server scripts/test.sh starts (Debian's aiosmtpd, Maildir handler): where it listens, a service host
/// that sends to it, and what it delivered. aiosmtpd has moved a message into new/ before it answers 250.
/// </summary>
public sealed record RealSmtp(int Port, string Maildir)
{
    public const string PortVariable = "EGENVARD_TEST_SMTP_PORT";
    public const string MaildirVariable = "EGENVARD_TEST_MAILDIR";

    /// <summary>The server from the environment; fails the test when the suite was not started by scripts/test.sh.</summary>
    public static RealSmtp FromEnvironment()
    {
        var port = Environment.GetEnvironmentVariable(PortVariable);
        var maildir = Environment.GetEnvironmentVariable(MaildirVariable);
        if (string.IsNullOrWhiteSpace(port) || string.IsNullOrWhiteSpace(maildir))
        {
            Assert.Fail($"{PortVariable} and {MaildirVariable} are not set. Run the suite with scripts/test.sh, which starts an SMTP server (aiosmtpd).");
        }
        return new RealSmtp(int.Parse(port!, System.Globalization.CultureInfo.InvariantCulture), maildir!);
    }

    /// <summary>A service host on <paramref name="database"/> whose mail goes to this server.</summary>
    public RegistryApp HostOn(TestDatabase database) => new(database, new Dictionary<string, string?>
    {
        ["Smtp:Host"] = "127.0.0.1",
        ["Smtp:Port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Smtp:Security"] = "none",
        ["Smtp:From"] = "Egenvårdsregistret <noreply@egenvard.test>",
        ["Smtp:TimeoutSeconds"] = "10",
    });

    /// <summary>The messages delivered with this Message-ID (a resend carries the same one).</summary>
    public List<MimeMessage> Delivered(string messageId) =>
        [.. Directory.GetFiles(Path.Combine(Maildir, "new")).Select(path => MimeMessage.Load(path)).Where(mail => mail.MessageId == messageId)];

    /// <summary>What the service sent for an outbox row, whose Message-ID it derives from the row's id.</summary>
    public List<MimeMessage> DeliveredFor(Guid notificationId) => Delivered($"notification-{notificationId:N}@egenvard.test");
}

/// <summary>
/// A fixture's host whose mail goes to the real SMTP server: its own database on the fixture's engine and a host on it,
/// started once per fixture and disposed with it.
/// </summary>
public sealed class RealSmtpHost : IAsyncDisposable
{
    private RealSmtpHost(RealSmtp smtp, TestDatabase database, RegistryApp app) => (Smtp, Database, App) = (smtp, database, app);

    public RealSmtp Smtp { get; }

    public TestDatabase Database { get; }

    public RegistryApp App { get; }

    public static async Task<RealSmtpHost> StartAsync(Engine engine)
    {
        var smtp = RealSmtp.FromEnvironment();
        var database = await TestDatabase.CreateAsync(engine);
        var app = smtp.HostOn(database);
        _ = app.Server;
        return new RealSmtpHost(smtp, database, app);
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Database.DisposeAsync();
    }
}
