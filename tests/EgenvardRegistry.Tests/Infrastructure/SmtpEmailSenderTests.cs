using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EgenvardRegistry.Infrastructure.Mail;
using EgenvardRegistry.Reminders;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;

namespace EgenvardRegistry.Tests.Infrastructure;

/// <summary>
/// The MailKit sender against servers that misbehave on demand: what it sends, what is transient and what permanent,
/// and how a batch uses its connection.
/// </summary>
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
        var mail = received.Parse();
        Assert.That(mail.MessageId, Is.EqualTo(message.MessageId));
        Assert.That(mail.Headers[HeaderId.MessageId], Is.EqualTo($"<{message.MessageId}>"));
        Assert.That(mail.Headers["List-Unsubscribe"], Is.EqualTo($"<{MailSamples.Reminder().UnsubscribeUrl.AbsoluteUri}>"));
        Assert.That(mail.Headers["List-Unsubscribe-Post"], Is.EqualTo("List-Unsubscribe=One-Click"));
        Assert.That(mail.Headers["Auto-Submitted"], Is.EqualTo("auto-generated"));
        Assert.That(mail.Date, Is.EqualTo(TestClock.Reference));
        Assert.That(mail.To.Mailboxes.Select(to => (to.Name, to.Address)), Is.EqualTo(new[] { ("Sara Lind", MailSamples.GuardianEmail) }));
        Assert.That(mail.From.Mailboxes.Select(from => (from.Name, from.Address)),
            Is.EqualTo(new[] { ("Egenvårdsregistret", "noreply@region.example.se") }));
        Assert.That(mail.Subject, Is.EqualTo("Egenvårdsintyget för Alva går ut om 14 dagar"));
        Assert.That(mail.Body, Is.InstanceOf<MultipartAlternative>());
        var parts = mail.BodyParts.OfType<TextPart>().ToList();
        Assert.That(parts.Select(part => (part.ContentType.MimeType, part.ContentType.Charset, part.ContentTransferEncoding)),
            Is.EqualTo(new[]
            {
                ("text/plain", "utf-8", ContentEncoding.QuotedPrintable),
                ("text/html", "utf-8", ContentEncoding.QuotedPrintable),
            }));
        Assert.That(mail.Part("plain"), Is.EqualTo(message.TextBody));
        Assert.That(mail.Part("html"), Is.EqualTo(message.HtmlBody));
    }

    [Test]
    public async Task Send_GuardianNameThatLooksLikeHeaders_IsOneToMailboxWithThatNameAndAddsNoHeader()
    {
        var message = ReminderEmail.Compose(MailSamples.Reminder()) with
        {
            ToName = "Lind, Sara \"Sassa\" <sara@evil.example> Åsa Öberg-Ärlig\r\nBcc: someone@evil.example\u0007",
        };

        await Send(message);

        var received = _server.Received.Single();
        var mail = received.Parse();
        Assert.That(received.RcptTo, Is.EqualTo(new[] { MailSamples.GuardianEmail }));
        Assert.That(mail.To.Select(to => to.GetType()), Is.EqualTo(new[] { typeof(MailboxAddress) }));
        Assert.That(mail.To.Mailboxes.Select(to => (to.Name, to.Address)), Is.EqualTo(new[]
        {
            ("Lind, Sara \"Sassa\" <sara@evil.example> Åsa Öberg-Ärlig Bcc: someone@evil.example", MailSamples.GuardianEmail),
        }));
        Assert.That(mail.Cc.Count + mail.Bcc.Count, Is.Zero);
        Assert.That(mail.Headers.Select(header => header.Field), Is.EquivalentTo(new[]
        {
            "From", "Date", "Subject", "Message-Id", "To", "List-Unsubscribe", "List-Unsubscribe-Post", "Auto-Submitted",
            "MIME-Version",
        }));
        Assert.That(mail.Body?.Headers.Select(header => header.Field), Is.EqualTo(new[] { "Content-Type" }));
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
        Assert.That(_server.Received.Single().Parse().MessageId, Is.EqualTo(message.MessageId));
    }

    [TestCase(SmtpFault.Reject421AtMail, "421")]
    [TestCase(SmtpFault.Reject451AtRcpt, "451")]
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
    public async Task Send_ServerGreetsWith421_IsTransient()
    {
        await using var server = new RawSmtpFaultServer(RawSmtpFault.Reject421AtConnect);

        var exception = Assert.ThrowsAsync<EmailSendException>(() => Send(Reminder(), port: server.Port));

        Assert.That(exception!.IsTransient, Is.True);
        Assert.That(exception.Message, Does.Contain("421"));
    }

    [TestCase(SmtpFault.Reject550AtRcpt, "550")]
    [TestCase(SmtpFault.Reject554AtEndOfData, "554")]
    public void Send_ServerAnswers5xx_IsPermanent(SmtpFault fault, string code)
    {
        _server.Next(fault);

        var exception = Assert.ThrowsAsync<EmailSendException>(() => Send(Reminder()));

        Assert.That(exception!.IsTransient, Is.False);
        Assert.That(exception.Message, Does.Contain(code));
        Assert.That(_server.Received, Is.Empty);
    }

    [Test]
    public void Send_ServerDropsTheConnectionAtMail_IsTransient()
    {
        _server.Next(SmtpFault.DropAtMail);

        var exception = Assert.ThrowsAsync<EmailSendException>(() => Send(Reminder()));

        Assert.That(exception!.IsTransient, Is.True);
        Assert.That(_server.Received, Is.Empty);
    }

    [Test]
    public async Task Send_ServerDropsTheConnectionDuringData_IsTransient()
    {
        await using var server = new RawSmtpFaultServer(RawSmtpFault.DropDuringData);

        var exception = Assert.ThrowsAsync<EmailSendException>(() => Send(Reminder(), port: server.Port));

        Assert.That(exception!.IsTransient, Is.True);
        Assert.That(server.Connections, Is.EqualTo(1));
    }

    [Test]
    public void Send_ServerIsDown_IsTransient()
    {
        var exception = Assert.ThrowsAsync<EmailSendException>(() => Send(Reminder(), port: FaultySmtpServer.ClosedPort()));

        Assert.That(exception!.IsTransient, Is.True);
        Assert.That(exception.Message, Does.Contain("ConnectionRefused"));
    }

    [Test]
    public async Task Send_ServerNeverAnswers_TimesOutAsTransient()
    {
        await using var server = new RawSmtpFaultServer(RawSmtpFault.Silent);

        var exception = Assert.ThrowsAsync<EmailSendException>(() => Send(Reminder(), port: server.Port, timeoutSeconds: 1));

        Assert.That(exception!.IsTransient, Is.True);
        Assert.That(exception.Message, Does.Contain("Smtp:TimeoutSeconds (1)"));
        Assert.That(server.Connections, Is.EqualTo(1));
    }

    [Test]
    public async Task Send_CallerCancels_ThrowsOperationCanceledRatherThanAFailure()
    {
        await using var server = new RawSmtpFaultServer(RawSmtpFault.Silent);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        Assert.That(() => Send(Reminder(), port: server.Port, cancellationToken: cancel.Token),
            Throws.InstanceOf<OperationCanceledException>());
    }

    [TestCase(SmtpFault.Reject550AtRcpt)]
    [TestCase(SmtpFault.Reject451AtRcpt)]
    [TestCase(SmtpFault.Reject554AtEndOfData)]
    [TestCase(SmtpFault.Reject421AtMail)]
    [TestCase(SmtpFault.DropAtMail)]
    public void Send_Failure_SaysNothingOfTheRecipientOrTheMessage(SmtpFault fault)
    {
        _server.Next(fault);

        var exception = Assert.ThrowsAsync<EmailSendException>(() => Send(Reminder()));

        AssertSaysNothingPersonal(exception!);
    }

    [TestCase(RawSmtpFault.Reject421AtConnect)]
    [TestCase(RawSmtpFault.DropDuringData)]
    public async Task Send_ConnectionFailure_SaysNothingOfTheRecipientOrTheMessage(RawSmtpFault fault)
    {
        await using var server = new RawSmtpFaultServer(fault);

        var exception = Assert.ThrowsAsync<EmailSendException>(() => Send(Reminder(), port: server.Port));

        AssertSaysNothingPersonal(exception!);
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

    [Test]
    public async Task Batch_OfSeveralMessages_UsesOneConnectionAndEndsWithQuit()
    {
        var sender = Sender(_server.Port);
        var messages = Enumerable.Range(0, 3)
            .Select(_ => ReminderEmail.Compose(MailSamples.Reminder(notificationId: MailSamples.UniqueNotificationId())))
            .ToList();

        await using (var batch = sender.StartBatch())
        {
            foreach (var message in messages)
            {
                await batch.SendAsync(message, CancellationToken.None).WaitAsync(Bound);
            }
        }

        Assert.That(_server.Connections, Is.EqualTo(1));
        Assert.That(_server.Received.Select(received => received.Parse().MessageId), Is.EqualTo(messages.Select(message => message.MessageId)));
        Assert.That(_server.Commands, Is.EqualTo(new[]
        {
            "EHLO", "MAIL", "RCPT", "DATA", "MAIL", "RCPT", "DATA", "MAIL", "RCPT", "DATA", "QUIT",
        }));
    }

    [Test]
    public async Task Batch_WithNothingToSend_NeverConnects()
    {
        await using (Sender(_server.Port).StartBatch())
        {
        }

        Assert.That(_server.Connections, Is.Zero);
    }

    [TestCase(SmtpFault.Reject421AtMail)]
    [TestCase(SmtpFault.DropAtMail)]
    public async Task Batch_ServerClosedTheConnection_ConnectsAgainForTheNextMessage(SmtpFault fault)
    {
        _server.Next(fault);
        var next = ReminderEmail.Compose(MailSamples.Reminder(notificationId: MailSamples.UniqueNotificationId()));

        await using var batch = Sender(_server.Port).StartBatch();
        var first = Assert.ThrowsAsync<EmailSendException>(() => batch.SendAsync(Reminder(), CancellationToken.None).WaitAsync(Bound));
        await batch.SendAsync(next, CancellationToken.None).WaitAsync(Bound);

        Assert.That(first!.IsTransient, Is.True);
        Assert.That(_server.Connections, Is.EqualTo(2));
        Assert.That(_server.Received.Single().Parse().MessageId, Is.EqualTo(next.MessageId));
    }

    [Test]
    public async Task Batch_RecipientRefused_KeepsTheConnectionForTheNextMessage()
    {
        _server.Next(SmtpFault.Reject550AtRcpt);
        var next = ReminderEmail.Compose(MailSamples.Reminder(notificationId: MailSamples.UniqueNotificationId()));

        await using var batch = Sender(_server.Port).StartBatch();
        var first = Assert.ThrowsAsync<EmailSendException>(() => batch.SendAsync(Reminder(), CancellationToken.None).WaitAsync(Bound));
        await batch.SendAsync(next, CancellationToken.None).WaitAsync(Bound);

        Assert.That(first!.IsTransient, Is.False);
        Assert.That(_server.Connections, Is.EqualTo(1));
        Assert.That(_server.Received.Single().Parse().MessageId, Is.EqualTo(next.MessageId));
    }

    [Test]
    public void Send_StartTlsButTheServerDoesNotOfferIt_FailsNamingSmtpSecurity()
    {
        var exception = Assert.ThrowsAsync<EmailSendException>(() => Send(Reminder(), security: "starttls"));

        Assert.That(exception!.Message, Does.Contain("STARTTLS").And.Contain("Smtp:Security"));
        Assert.That(exception.IsTransient, Is.True);
        Assert.That(_server.Commands, Is.EqualTo(new[] { "EHLO" }), "nothing is sent in the clear");
        Assert.That(_server.Received, Is.Empty);
    }

    [Test]
    public async Task Send_StartTls_IsAttemptedAndAnUntrustedCertificateIsRefused()
    {
        using var certificate = SelfSignedCertificate();
        await using var server = new FaultySmtpServer(certificate: certificate);

        var exception = Assert.ThrowsAsync<EmailSendException>(() => Send(Reminder(), port: server.Port, security: "starttls"));

        Assert.That(server.Commands, Is.EqualTo(new[] { "EHLO", "STARTTLS" }));
        Assert.That(exception!.Message, Does.Contain("TLS handshake").And.Contain("certificate"));
        Assert.That(server.Received, Is.Empty);
    }

    [Test]
    public async Task Send_ImplicitTls_StartsWithTheHandshakeAndRefusesAnUntrustedCertificate()
    {
        using var certificate = SelfSignedCertificate();
        await using var server = new FaultySmtpServer(certificate: certificate, implicitTls: true);

        var exception = Assert.ThrowsAsync<EmailSendException>(() => Send(Reminder(), port: server.Port, security: "tls"));

        Assert.That(exception!.Message, Does.Contain("TLS handshake"));
        Assert.That(server.Commands, Is.Empty);
        Assert.That(server.Connections, Is.EqualTo(1));
    }

    [Test]
    public async Task Send_WithCredentials_SignsInFirst()
    {
        await using var server = new FaultySmtpServer(password: "hunter2-secret");

        await Send(Reminder(), port: server.Port, password: "hunter2-secret");

        Assert.That(server.Commands, Is.EqualTo(new[] { "EHLO", "AUTH", "MAIL", "RCPT", "DATA", "QUIT" }));
        Assert.That(server.Received, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Send_WithAWrongPassword_IsTransientAndDoesNotQuoteIt()
    {
        await using var server = new FaultySmtpServer(password: "hunter2-secret");

        var exception = Assert.ThrowsAsync<EmailSendException>(() => Send(Reminder(), port: server.Port, password: "wrong-secret"));

        Assert.That(exception!.IsTransient, Is.True);
        Assert.That(exception.Message, Does.Contain("Smtp:UserName"));
        Assert.That(exception.ToString(), Does.Not.Contain("wrong-secret"));
        Assert.That(server.Received, Is.Empty);
    }

    [TestCase(SmtpStatusCode.ServiceNotAvailable, true)]
    [TestCase(SmtpStatusCode.MailboxBusy, true)]
    [TestCase(SmtpStatusCode.ErrorInProcessing, true)]
    [TestCase(SmtpStatusCode.InsufficientStorage, true)]
    [TestCase(SmtpStatusCode.MailboxUnavailable, false)]
    [TestCase(SmtpStatusCode.UserNotLocalTryAlternatePath, false)]
    [TestCase(SmtpStatusCode.ExceededStorageAllocation, false)]
    [TestCase(SmtpStatusCode.MailboxNameNotAllowed, false)]
    [TestCase(SmtpStatusCode.TransactionFailed, false)]
    public void Classify_ReplyCode_4xxIsTransient5xxPermanent_AndQuotesNeitherReplyNorMailbox(SmtpStatusCode code, bool transient)
    {
        var refused = new SmtpCommandException(SmtpErrorCode.RecipientNotAccepted, code,
            new MailboxAddress("Sara Lind", MailSamples.GuardianEmail), $"<{MailSamples.GuardianEmail}>: Recipient address rejected");

        var failure = SmtpEmailSender.Classify(refused)!;

        Assert.That(failure.IsTransient, Is.EqualTo(transient));
        Assert.That(failure.Message, Does.Contain(((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        AssertSaysNothingPersonal(failure);
    }

    [Test]
    public void Classify_FailuresWithoutAReply_AreTransient()
    {
        var refused = new SocketException((int)SocketError.ConnectionRefused);
        Exception[] failures =
        [
            refused,
            new IOException("Unable to read data from the transport connection.", new SocketException((int)SocketError.ConnectionReset)),
            new SmtpProtocolException("The SMTP server has unexpectedly disconnected."),
            new MailKit.ServiceNotConnectedException(),
            new TimeoutException(),
            new SslHandshakeException("An error occurred while attempting to establish an SSL or TLS connection."),
            new AuthenticationException("535: 5.7.8 Authentication credentials invalid"),
        ];

        Assert.That(failures.Select(failure => SmtpEmailSender.Classify(failure)?.IsTransient), Is.All.True);
        Assert.That(SmtpEmailSender.Classify(refused)!.Message, Does.Contain("ConnectionRefused"));
        Assert.That(SmtpEmailSender.Classify(new InvalidOperationException("a bug")), Is.Null, "a bug is not a mail failure");
    }

    private static void AssertSaysNothingPersonal(EmailSendException exception)
    {
        var everything = exception.ToString();
        Assert.That(everything, Does.Not.Contain(MailSamples.GuardianEmail).And.Not.Contain("sara.lind").And.Not.Contain("Sara Lind"));
        Assert.That(everything, Does.Not.Contain("Alva").And.Not.Contain("Västerås"));
        Assert.That(exception.InnerException, Is.Null);
    }

    private static EmailMessage Reminder() => ReminderEmail.Compose(MailSamples.Reminder());

    /// <summary>A certificate the client has no reason to trust, for a server that offers TLS.</summary>
    private static X509Certificate2 SelfSignedCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        // The TLS stack checks validity on the machine's clock, not the app's: valid from yesterday, whatever day it is.
        var now = TimeProvider.System.GetUtcNow();
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
        // Through PKCS#12, so the private key is one the TLS stack can use on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), password: null);
    }

    private static SmtpEmailSender Sender(int port, int timeoutSeconds = 10, string security = "none", string? password = null) => new(
        Options.Create(new SmtpOptions
        {
            Host = "127.0.0.1",
            Port = port,
            From = "Egenvårdsregistret <noreply@region.example.se>",
            Security = security,
            UserName = password is null ? null : FaultySmtpServer.UserName,
            Password = password,
            TimeoutSeconds = timeoutSeconds,
        }),
        TestClock.Create(),
        NullLogger<SmtpEmailSender>.Instance);

    private async Task Send(EmailMessage message, int? port = null, int timeoutSeconds = 10, string security = "none",
        string? password = null, CancellationToken cancellationToken = default) =>
        await Sender(port ?? _server.Port, timeoutSeconds, security, password).SendOneAsync(message, cancellationToken)
            .WaitAsync(Bound, CancellationToken.None);
}
