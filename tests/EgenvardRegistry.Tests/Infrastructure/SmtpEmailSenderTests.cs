using System.Net.Mail;
using System.Net.Sockets;
using EgenvardRegistry.Infrastructure.Mail;
using EgenvardRegistry.Reminders;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EgenvardRegistry.Tests.Infrastructure;

/// <summary>The SMTP sender against a server that misbehaves on demand: what is transient, what is permanent.</summary>
public sealed class SmtpEmailSenderTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private FaultySmtpServer _server = null!;

    [SetUp]
    public void StartServer() => _server = new FaultySmtpServer();

    [TearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    [Test]
    public async Task Send_ServerAccepts_DeliversBothAlternativesWithTheReminderHeaders()
    {
        var message = ReminderEmail.Compose(MailSamples.Reminder());

        await Send(message);

        var received = _server.Received.Single();
        Assert.That(received.MailFrom, Is.EqualTo("noreply@region.example.se"));
        Assert.That(received.RcptTo, Is.EqualTo(new[] { MailSamples.GuardianEmail }));
        var mail = RawEmail.Parse(received.Data);
        Assert.That(mail.Header("Message-ID"), Is.EqualTo($"<{message.MessageId}>"));
        Assert.That(mail.Header("List-Unsubscribe"), Is.EqualTo($"<{MailSamples.Reminder().UnsubscribeUrl.AbsoluteUri}>"));
        Assert.That(mail.Header("List-Unsubscribe-Post"), Is.EqualTo("List-Unsubscribe=One-Click"));
        Assert.That(mail.Header("Auto-Submitted"), Is.EqualTo("auto-generated"));
        Assert.That(mail.Header("To"), Is.EqualTo(MailSamples.GuardianEmail));
        Assert.That(RawEmail.DecodeWords(mail.Header("From")!), Is.EqualTo("Egenvårdsregistret <noreply@region.example.se>"));
        Assert.That(mail.Subject, Is.EqualTo("Egenvårdsintyget för Alva går ut om 14 dagar"));
        Assert.That(mail.Header("Content-Type"), Does.StartWith("multipart/alternative;"));
        Assert.That(mail.Parts.Select(part => (part.MediaType, part.Charset)),
            Is.EqualTo(new[] { ("text/plain", "utf-8"), ("text/html", "utf-8") }));
        Assert.That(mail.Parts.Select(part => part.TransferEncoding), Is.EqualTo(new[] { "base64", "base64" }));
        Assert.That(mail.Part("text/plain").Body, Does.Contain(message.TextBody.TrimEnd()));
        Assert.That(mail.Part("text/html").Body, Does.Contain(message.HtmlBody.TrimEnd()));
    }

    [Test]
    public async Task Send_SameNotificationAfterATransientFailure_IsAcceptedWithTheSameMessageId()
    {
        var message = ReminderEmail.Compose(MailSamples.Reminder());
        _server.Next(SmtpFault.Reject451AtEndOfData);

        var first = Assert.ThrowsAsync<EmailSendException>(() => Send(message));
        await Send(message);

        Assert.That(first!.IsTransient, Is.True);
        Assert.That(_server.Connections, Is.EqualTo(2));
        Assert.That(RawEmail.Parse(_server.Received.Single().Data).Header("Message-ID"), Is.EqualTo($"<{message.MessageId}>"));
    }

    [TestCase(SmtpFault.Reject421AtConnect, "421")]
    [TestCase(SmtpFault.Reject421AtMail, "421")]
    [TestCase(SmtpFault.Reject451AtEndOfData, "451")]
    public void Send_ServerAnswers4xx_IsTransient(SmtpFault fault, string code)
    {
        _server.Next(fault);

        var exception = Assert.ThrowsAsync<EmailSendException>(() => Send(Reminder()));

        Assert.That(exception!.IsTransient, Is.True);
        Assert.That(exception.Message, Does.Contain(code));
        Assert.That(_server.Received, Is.Empty);
    }

    [Test]
    public void Send_ServerAnswers550AtRcpt_IsPermanent()
    {
        _server.Next(SmtpFault.Reject550AtRcpt);

        var exception = Assert.ThrowsAsync<EmailSendException>(() => Send(Reminder()));

        Assert.That(exception!.IsTransient, Is.False);
        Assert.That(exception.Message, Does.Contain("550"));
        Assert.That(_server.Received, Is.Empty);
    }

    [Test]
    public void Send_ServerDropsTheConnectionDuringData_IsTransient()
    {
        _server.Next(SmtpFault.DropDuringData);

        var exception = Assert.ThrowsAsync<EmailSendException>(() => Send(Reminder()));

        Assert.That(exception!.IsTransient, Is.True);
        Assert.That(_server.Received, Is.Empty);
    }

    [Test]
    public void Send_ServerIsDown_IsTransient()
    {
        var exception = Assert.ThrowsAsync<EmailSendException>(() => Send(Reminder(), port: FaultySmtpServer.ClosedPort()));

        Assert.That(exception!.IsTransient, Is.True);
        Assert.That(exception.Message, Does.Contain("ConnectionRefused"));
    }

    [Test]
    public void Send_ServerNeverAnswers_TimesOutAsTransient()
    {
        _server.Next(SmtpFault.Silent);

        var exception = Assert.ThrowsAsync<EmailSendException>(() => Send(Reminder(), timeoutSeconds: 1));

        Assert.That(exception!.IsTransient, Is.True);
        Assert.That(exception.Message, Does.Contain("Smtp:TimeoutSeconds (1)"));
        Assert.That(_server.Connections, Is.EqualTo(1));
    }

    [Test]
    public void Send_CallerCancels_ThrowsOperationCanceledRatherThanAFailure()
    {
        _server.Next(SmtpFault.Silent);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        Assert.That(() => Send(Reminder(), cancellationToken: cancel.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    [TestCase(SmtpFault.Reject550AtRcpt)]
    [TestCase(SmtpFault.Reject451AtEndOfData)]
    [TestCase(SmtpFault.DropDuringData)]
    [TestCase(SmtpFault.Reject421AtConnect)]
    public void Send_Failure_SaysNothingOfTheRecipientOrTheMessage(SmtpFault fault)
    {
        _server.Next(fault);

        var exception = Assert.ThrowsAsync<EmailSendException>(() => Send(Reminder()));

        var everything = exception!.ToString();
        Assert.That(everything, Does.Not.Contain(MailSamples.GuardianEmail).And.Not.Contain("sara.lind"));
        Assert.That(everything, Does.Not.Contain("Alva").And.Not.Contain("Västerås"));
        Assert.That(exception.InnerException, Is.Null);
    }

    [Test]
    public void Send_RecipientIsNotAnAddress_IsPermanentAndDoesNotQuoteIt()
    {
        var message = Reminder() with { To = "sara.lind(at)example.se" };

        var exception = Assert.ThrowsAsync<EmailSendException>(() => Send(message));

        Assert.That(exception!.IsTransient, Is.False);
        Assert.That(exception.ToString(), Does.Not.Contain("sara.lind"));
        Assert.That(_server.Connections, Is.Zero);
    }

    [TestCase(SmtpStatusCode.ServiceNotAvailable, true)]
    [TestCase(SmtpStatusCode.MailboxBusy, true)]
    [TestCase(SmtpStatusCode.LocalErrorInProcessing, true)]
    [TestCase(SmtpStatusCode.InsufficientStorage, true)]
    [TestCase(SmtpStatusCode.GeneralFailure, true)]
    [TestCase(SmtpStatusCode.MailboxUnavailable, false)]
    [TestCase(SmtpStatusCode.UserNotLocalTryAlternatePath, false)]
    [TestCase(SmtpStatusCode.ExceededStorageAllocation, false)]
    [TestCase(SmtpStatusCode.MailboxNameNotAllowed, false)]
    [TestCase(SmtpStatusCode.TransactionFailed, false)]
    public void Classify_ReplyCode_4xxAndNoReplyAreTransient5xxPermanent(SmtpStatusCode code, bool transient)
    {
        Assert.That(SmtpEmailSender.Classify(new SmtpException(code, "The server response was: <sara.lind@example.se>")).IsTransient,
            Is.EqualTo(transient));
        Assert.That(SmtpEmailSender.Classify(new SmtpFailedRecipientException(code, "<sara.lind@example.se>")).IsTransient,
            Is.EqualTo(transient));
    }

    [Test]
    public void Classify_ReplyWrappedInAGeneralFailure_UsesTheReply()
    {
        var wrapped = new SmtpException("Failure sending mail.", new SmtpException(SmtpStatusCode.TransactionFailed, "554 no"));
        var many = new SmtpFailedRecipientsException("All recipients failed.",
            [new SmtpFailedRecipientException(SmtpStatusCode.MailboxUnavailable, "<sara.lind@example.se>")]);

        Assert.That(SmtpEmailSender.Classify(wrapped).IsTransient, Is.False);
        Assert.That(SmtpEmailSender.Classify(many).IsTransient, Is.False);
    }

    [Test]
    public void Classify_ConnectionFailures_AreTransient()
    {
        var refused = new SmtpException("Failure sending mail.", new SocketException((int)SocketError.ConnectionRefused));
        var cut = new SmtpException("Failure sending mail.", new IOException("Unable to read data from the transport connection."));

        Assert.That(SmtpEmailSender.Classify(refused).IsTransient, Is.True);
        Assert.That(SmtpEmailSender.Classify(refused).Message, Does.Contain("ConnectionRefused"));
        Assert.That(SmtpEmailSender.Classify(cut).IsTransient, Is.True);
        Assert.That(SmtpEmailSender.Classify(new IOException("reset")).IsTransient, Is.True);
    }

    private static EmailMessage Reminder() => ReminderEmail.Compose(MailSamples.Reminder());

    private async Task Send(EmailMessage message, int? port = null, int timeoutSeconds = 10,
        CancellationToken cancellationToken = default)
    {
        var sender = new SmtpEmailSender(Options.Create(new SmtpOptions
        {
            Host = "127.0.0.1",
            Port = port ?? _server.Port,
            From = "Egenvårdsregistret <noreply@region.example.se>",
            TimeoutSeconds = timeoutSeconds,
        }), NullLogger<SmtpEmailSender>.Instance);
        await sender.SendAsync(message, cancellationToken).WaitAsync(Bound, CancellationToken.None);
    }
}
