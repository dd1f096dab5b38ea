using EgenvardRegistry.Infrastructure.Mail;
using EgenvardRegistry.Reminders;
using Microsoft.Extensions.Logging.Abstractions;

namespace EgenvardRegistry.Tests.Infrastructure;

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

        await _sender.SendAsync(message, CancellationToken.None);

        var path = Directory.GetFiles(_folder).Single();
        Assert.That(Path.GetFileName(path), Does.Match(@"^20261123T080000Z-notification-0a1b2c3d4e5f4a7b8c9daebfc0d1e2f3-[0-9a-f]{8}\.eml$"));
        var mail = RawEmail.Parse(await File.ReadAllTextAsync(path));
        Assert.That(mail.Header("Message-ID"), Is.EqualTo($"<{message.MessageId}>"));
        Assert.That(mail.Header("List-Unsubscribe"), Is.EqualTo(message.Headers["List-Unsubscribe"]));
        Assert.That(mail.Header("List-Unsubscribe-Post"), Is.EqualTo("List-Unsubscribe=One-Click"));
        Assert.That(RawEmail.DecodeWords(mail.Header("From")!), Is.EqualTo("Egenvårdsregistret <noreply@egenvard.local>"));
        Assert.That(mail.Header("To"), Is.EqualTo(MailSamples.GuardianEmail));
        Assert.That(mail.Subject, Is.EqualTo(message.Subject));
        Assert.That(mail.Part("text/plain").Body, Is.EqualTo(message.TextBody));
        Assert.That(mail.Part("text/html").Body, Is.EqualTo(message.HtmlBody));
        Assert.That(Directory.GetFileSystemEntries(_folder), Is.EqualTo(new[] { path }), "no staging folder is left behind");
    }

    [Test]
    public async Task Send_SameNotificationAgain_WritesANewFileAndKeepsTheFirst()
    {
        var first = ReminderEmail.Compose(MailSamples.Reminder(daysLeft: 14));
        var resend = ReminderEmail.Compose(MailSamples.Reminder(daysLeft: 13));
        await _sender.SendAsync(first, CancellationToken.None);
        var firstPath = Directory.GetFiles(_folder).Single();
        var firstContent = await File.ReadAllTextAsync(firstPath);

        await _sender.SendAsync(resend, CancellationToken.None);

        var paths = Directory.GetFiles(_folder);
        Assert.That(paths, Has.Length.EqualTo(2));
        Assert.That(await File.ReadAllTextAsync(firstPath), Is.EqualTo(firstContent));
        var second = RawEmail.Parse(await File.ReadAllTextAsync(paths.Single(path => path != firstPath)));
        Assert.That(second.Subject, Is.EqualTo("Egenvårdsintyget för Alva går ut om 13 dagar"));
        Assert.That(second.Header("Message-ID"), Is.EqualTo($"<{first.MessageId}>"));
    }

    [Test]
    public void Send_RecipientIsNotAnAddress_IsPermanentAndWritesNothing()
    {
        var message = ReminderEmail.Compose(MailSamples.Reminder()) with { To = "not an address" };

        var exception = Assert.ThrowsAsync<EmailSendException>(() => _sender.SendAsync(message, CancellationToken.None));

        Assert.That(exception!.IsTransient, Is.False);
        Assert.That(Directory.Exists(_folder) ? Directory.GetFileSystemEntries(_folder) : [], Is.Empty);
    }
}
