using EgenvardRegistry.Infrastructure.Mail;
using EgenvardRegistry.Reminders;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;

namespace EgenvardRegistry.Tests.Infrastructure;

/// <summary>
/// A reminder through a real SMTP server: Debian's aiosmtpd, which scripts/test.sh starts and which stores what it
/// receives in a Maildir. What lands there is what a guardian's mail server would get.
/// </summary>
public sealed class RealSmtpServerTests
{
    [Test]
    public async Task Send_ThroughARealSmtpServer_DeliversTheComposedReminder()
    {
        var smtp = RealSmtp.FromEnvironment();
        var message = ReminderEmail.Compose(MailSamples.Reminder(notificationId: MailSamples.UniqueNotificationId()));
        var sender = new SmtpEmailSender(Options.Create(new SmtpOptions
        {
            Host = "127.0.0.1",
            Port = smtp.Port,
            From = "Egenvårdsregistret <noreply@region.example.se>",
            Security = "none",
            TimeoutSeconds = 10,
        }), TimeProvider.System, NullLogger<SmtpEmailSender>.Instance);

        await sender.SendOneAsync(message);

        var delivered = smtp.Delivered(message.MessageId);
        Assert.That(delivered, Has.Count.EqualTo(1));
        var mail = delivered[0];
        Assert.That(mail.Headers["List-Unsubscribe"], Is.EqualTo("<https://egenvard.region.example.se/unsubscribe?token=sig.aBcD-eFgH_iJkL&v=1>"));
        Assert.That(mail.Headers["List-Unsubscribe-Post"], Is.EqualTo("List-Unsubscribe=One-Click"));
        Assert.That(mail.To.Mailboxes.Select(to => (to.Name, to.Address)), Is.EqualTo(new[] { ("Sara Lind", MailSamples.GuardianEmail) }));
        Assert.That(mail.Subject, Is.EqualTo("Egenvårdsintyget för Alva går ut om 14 dagar"));
        Assert.That(mail.BodyParts.Select(part => part.ContentType.MimeType), Is.EqualTo(new[] { "text/plain", "text/html" }));
        var text = mail.Part("plain");
        var html = mail.Part("html");
        Assert.That(text, Does.Contain("Egenvårdsintyget för Alva gäller till och med 14 augusti 2027. Det är 14 dagar kvar."));
        Assert.That(text, Does.Contain("hos Barndiabetesmottagningen Västerås, telefon 021-17 30 00."));
        Assert.That(html, Does.Contain("<title>Egenvårdsintyget för Alva går ut om 14 dagar</title>"));
        Assert.That(html, Does.Contain("<strong>Barndiabetesmottagningen Västerås</strong>"));
        Assert.That(text, Is.EqualTo(message.TextBody));
        Assert.That(html, Is.EqualTo(message.HtmlBody));
        Assert.That(MailSamples.PersonnummerLike(mail.Content()), Is.Empty);
    }
}
