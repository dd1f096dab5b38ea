using System.Runtime.CompilerServices;
using EgenvardRegistry.Infrastructure.Mail;
using EgenvardRegistry.Reminders;
using MimeKit;

namespace EgenvardRegistry.Tests.Infrastructure;

/// <summary>The messages both senders build from one sender address, which lives as long as the sender.</summary>
public sealed class MimeMessagesTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    [Test]
    public void MessagesBuilt_AreNotKeptAliveByTheSendersFromAddress()
    {
        var from = new MailboxAddress("Egenvårdsregistret", "noreply@egenvard.test");

        var built = BuildAndDrop(from, count: 50);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.That(built.Count(message => message.IsAlive), Is.Zero,
            "every message built and disposed is garbage once sent, however long the sender lives");
        GC.KeepAlive(from);
    }

    [Test]
    public void Message_IsFromTheSendersAddress_AndToTheRecipient()
    {
        var from = new MailboxAddress("Egenvårdsregistret", "noreply@egenvard.test");

        using var mime = MimeMessages.Create(ReminderEmail.Compose(MailSamples.Reminder()), from, At);

        Assert.That(mime.From.Mailboxes.Select(mailbox => (mailbox.Name, mailbox.Address)),
            Is.EqualTo(new[] { ("Egenvårdsregistret", "noreply@egenvard.test") }));
        Assert.That(mime.To.Mailboxes.Single().Address, Is.EqualTo(MailSamples.GuardianEmail));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static List<WeakReference> BuildAndDrop(MailboxAddress from, int count)
    {
        var built = new List<WeakReference>();
        for (var i = 0; i < count; i++)
        {
            using var mime = MimeMessages.Create(ReminderEmail.Compose(MailSamples.Reminder()), from, At);
            built.Add(new WeakReference(mime));
        }
        return built;
    }
}
