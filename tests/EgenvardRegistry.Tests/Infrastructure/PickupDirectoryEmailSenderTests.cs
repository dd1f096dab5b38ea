using EgenvardRegistry.Infrastructure.Mail;
using EgenvardRegistry.Reminders;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;

namespace EgenvardRegistry.Tests.Infrastructure;

/// <summary>The pickup folder: each message a whole, new <c>.eml</c> file, the same message the SMTP sender sends.</summary>
public sealed class PickupDirectoryEmailSenderTests
{
    private string _root = null!;
    private string _folder = null!;
    private PickupDirectoryEmailSender _sender = null!;

    [SetUp]
    public void CreateSender()
    {
        _root = Directory.CreateTempSubdirectory("egenvard-mail-").FullName;
        _folder = Path.Combine(_root, "data", "mail"); // not there yet: the sender creates it
        _sender = new PickupDirectoryEmailSender(
            _folder, new SmtpOptions().FromAddress(), TestClock.Create(), NullLogger<PickupDirectoryEmailSender>.Instance);
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_root, recursive: true);

    [Test]
    public async Task Send_WritesAParseableEmlWithTheHeadersAndBothParts()
    {
        var message = ReminderEmail.Compose(MailSamples.Reminder());

        await _sender.SendOneAsync(message);

        var path = Directory.GetFiles(_folder).Single();
        Assert.That(Path.GetFileName(path), Does.Match(@"^20261123T080000Z-notification-0a1b2c3d4e5f4a7b8c9daebfc0d1e2f3-[0-9a-f]{8}\.eml$"));
        var raw = await File.ReadAllTextAsync(path);
        Assert.That(raw.Replace("\r\n", "", StringComparison.Ordinal), Does.Not.Contain("\n"), "CRLF line breaks, as on the wire");
        var mail = await MimeMessage.LoadAsync(path);
        Assert.That(mail.MessageId, Is.EqualTo(message.MessageId));
        Assert.That(mail.Headers["List-Unsubscribe"], Is.EqualTo(message.Headers["List-Unsubscribe"]));
        Assert.That(mail.Headers["List-Unsubscribe-Post"], Is.EqualTo("List-Unsubscribe=One-Click"));
        Assert.That(mail.From.Mailboxes.Select(from => (from.Name, from.Address)),
            Is.EqualTo(new[] { ("Egenvårdsregistret", "noreply@egenvard.local") }));
        Assert.That(mail.To.Mailboxes.Select(to => (to.Name, to.Address)), Is.EqualTo(new[] { ("Sara Lind", MailSamples.GuardianEmail) }));
        Assert.That(mail.Subject, Is.EqualTo(message.Subject));
        Assert.That(mail.Part("plain"), Is.EqualTo(message.TextBody));
        Assert.That(mail.Part("html"), Is.EqualTo(message.HtmlBody));
        Assert.That(Directory.GetFileSystemEntries(_folder), Is.EqualTo(new[] { path }), "no temporary file is left behind");
    }

    [Test]
    public async Task Send_WritesTheSameMessageTheSmtpSenderSends()
    {
        var message = ReminderEmail.Compose(MailSamples.Reminder());
        await using var server = new FaultySmtpServer();
        var smtp = new SmtpEmailSender(Options.Create(new SmtpOptions
        {
            Host = "127.0.0.1",
            Port = server.Port,
            From = SmtpOptions.DefaultFrom,
            Security = "none",
        }), TestClock.Create(), NullLogger<SmtpEmailSender>.Instance);

        await _sender.SendOneAsync(message);
        await smtp.SendOneAsync(message);

        var written = await MimeMessage.LoadAsync(Directory.GetFiles(_folder).Single());
        var sent = server.Received.Single().Parse();
        Assert.That(written.Headers.Select(header => (header.Field, header.Value)),
            Is.EqualTo(sent.Headers.Select(header => (header.Field, header.Value))));
        Assert.That(written.Body?.ContentType.MimeType, Is.EqualTo(sent.Body?.ContentType.MimeType).And.EqualTo("multipart/alternative"));
        Assert.That(written.BodyParts.Select(part => part.ToString()), Is.EqualTo(sent.BodyParts.Select(part => part.ToString())));
    }

    [Test]
    public async Task Send_SameNotificationAgain_WritesANewFileAndKeepsTheFirst()
    {
        var first = ReminderEmail.Compose(MailSamples.Reminder(daysLeft: 14));
        var resend = ReminderEmail.Compose(MailSamples.Reminder(daysLeft: 13));
        await _sender.SendOneAsync(first);
        var firstPath = Directory.GetFiles(_folder).Single();
        var firstContent = await File.ReadAllTextAsync(firstPath);

        await _sender.SendOneAsync(resend);

        var paths = Directory.GetFiles(_folder);
        Assert.That(paths, Has.Length.EqualTo(2));
        Assert.That(await File.ReadAllTextAsync(firstPath), Is.EqualTo(firstContent));
        var second = await MimeMessage.LoadAsync(paths.Single(path => path != firstPath));
        Assert.That(second.Subject, Is.EqualTo("Egenvårdsintyget för Alva går ut om 13 dagar"));
        Assert.That(second.MessageId, Is.EqualTo(first.MessageId));
    }

    [Test]
    public void Send_RecipientIsNotAnAddress_IsPermanentAndWritesNothing()
    {
        var message = ReminderEmail.Compose(MailSamples.Reminder()) with { To = "not an address" };

        var exception = Assert.ThrowsAsync<EmailSendException>(() => _sender.SendOneAsync(message));

        Assert.That(exception!.IsTransient, Is.False);
        Assert.That(Directory.Exists(_folder) ? Directory.GetFileSystemEntries(_folder) : [], Is.Empty);
    }

    /// <summary>
    /// An internationalised address (RFC 6531) — a local part with å — is written like any other, readable back; it must
    /// never escape as an exception that stops the reminder run at that row (System.Net.Mail's pickup folder did).
    /// </summary>
    [TestCase("åsa.lind@example.se")]
    [TestCase("sara@exämple.se")]
    public async Task Send_NonAsciiAddress_IsWrittenAndReadsBack(string address)
    {
        Assert.That(CertificateRulesAccepts(address), Is.True, "the registry stores such addresses");
        var message = ReminderEmail.Compose(MailSamples.Reminder()) with { To = address };

        await _sender.SendOneAsync(message);

        var written = await MimeMessage.LoadAsync(Directory.GetFiles(_folder, "*.eml").Single());
        Assert.That(written.To.Mailboxes.Single().Address, Is.EqualTo(address));
    }

    private static bool CertificateRulesAccepts(string address) => MailAddresses.IsValidEmail(address);
}
