using System.Globalization;
using EgenvardRegistry.Infrastructure.Mail;
using EgenvardRegistry.Tests.Infrastructure;
using MimeKit;

namespace EgenvardRegistry.Tests.Reminders;

/// <summary>With no SMTP host (the embedded default) reminders become real .eml files in the pickup folder.</summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class PickupFolderTests(Engine engine) : IntegrationTest(engine)
{
    [Test]
    public async Task Run_WithoutSmtpHost_WritesTheReminderAsAnEmlFile()
    {
        var sender = (PickupDirectoryEmailSender)App.Services.GetRequiredService<IEmailSender>();
        var before = Directory.Exists(sender.Directory) ? Directory.GetFiles(sender.Directory, "*.eml").ToHashSet() : [];
        var until = Clock.Today.AddDays(7);
        await IssueOk(Samples.Certificate(validFrom: until.AddMonths(-12).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            validUntil: until.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            followUpOn: until.AddMonths(-6).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));

        using var run = await Client(Tokens.Admin()).PostAsync("/api/admin/reminders/run", null);

        var written = Directory.GetFiles(sender.Directory, "*.eml").Where(file => !before.Contains(file)).ToList();
        Assert.That((await run.ReadJson())["sent"]!.GetValue<int>(), Is.EqualTo(1));
        Assert.That(written, Has.Count.EqualTo(1));
        var mail = await MimeMessage.LoadAsync(written[0]);
        Assert.That(mail.To.Mailboxes.Select(to => to.Address), Is.EqualTo(new[] { "sara.lind@example.se" }));
        Assert.That(mail.Subject, Does.Contain("Alva").And.Contain("7 dagar"));
        Assert.That(mail.Part("plain"), Does.Contain("Barndiabetesmottagningen Västerås").And.Contain("021-17 30 00"));
        Assert.That(string.Join("\n", mail.Content()), Does.Not.Contain(Samples.ChildPnr).And.Not.Contain(Tokens.GuardianPnr));
    }
}
