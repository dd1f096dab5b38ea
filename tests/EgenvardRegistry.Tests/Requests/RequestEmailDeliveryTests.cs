using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EgenvardRegistry.Tests.Infrastructure;
using MimeKit;

namespace EgenvardRegistry.Tests.Requests;

/// <summary>
/// A certificate request's e-mail goes through the outbox and MailKit to a real SMTP server (Debian's aiosmtpd, which
/// scripts/test.sh starts), and what lands in its Maildir is what the guardian gets: Swedish, the school unit's name, the
/// child's first name, the reference, and no personnummer or measure.
/// </summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class RequestEmailDeliveryTests(Engine engine) : RequestTestBase(engine)
{
    private RealSmtpHost _host = null!;

    [OneTimeSetUp]
    public async Task StartHostWithTheRealSmtpServer() => _host = await RealSmtpHost.StartAsync(Engine);

    [OneTimeTearDown]
    public async Task StopHost()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    protected override Task<RegistryApp> HostAsync() => Task.FromResult(_host.App);

    private async Task<JsonObject> Run()
    {
        using var run = await Client(Tokens.Admin()).PostAsync("/api/admin/reminders/run", null);
        Assert.That(run.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return await run.ReadJson();
    }

    private async Task<IReadOnlyList<(Guid Id, string To)>> Outbox()
    {
        using var response = await Client(Tokens.Admin()).GetAsync("/api/admin/notifications");
        return [.. (await response.ReadJson())["items"]!.AsArray()
            .Select(item => (Guid.Parse(item!["id"]!.GetValue<string>()), item["guardianName"]!.GetValue<string>()))];
    }

    private List<MimeMessage> Delivered(Guid notificationId) => _host.Smtp.DeliveredFor(notificationId);

    /// <summary>What a reader sees, but the Message-ID: it is made from the outbox row's id, whose hex may hold a run of digits.</summary>
    private static IReadOnlyList<string> Readable(MimeMessage mail) =>
        [.. mail.Content().Where(value => value != mail.Headers[HeaderId.MessageId])];

    [Test]
    public async Task Request_IsEmailedToEachGuardian_ThroughTheOutbox_InSwedish_WithoutPersonnummerOrMeasures()
    {
        var request = await AskOk(Body(message: "Hör gärna av er till skolsköterskan om ni har frågor.\nVänliga hälsningar, Per"),
            Tokens.School(unitName: "Solbackeskolan"));
        var queued = await Outbox();

        var counts = await Run();

        Assert.That(counts["sent"]!.GetValue<int>(), Is.EqualTo(1), counts.ToJsonString());
        var mails = Delivered(queued.Single().Id);
        Assert.That(mails, Has.Count.EqualTo(1));
        var mail = mails[0];
        var reference = Text(request, "reference");
        Assert.That(mail.To.Mailboxes.Select(to => (to.Name, to.Address)), Is.EqualTo(new[] { (GuardianName, GuardianEmail) }));
        Assert.That(mail.Subject, Is.EqualTo("Solbackeskolan ber om ett egenvårdsintyg för Alva"));
        Assert.That(mail.BodyParts.Select(part => part.ContentType.MimeType), Is.EqualTo(new[] { "text/plain", "text/html" }));
        var text = mail.Part("plain");
        var html = mail.Part("html");
        Assert.That(text, Does.StartWith("Hej Sara Lind!\r\n"));
        Assert.That(text, Does.Contain($"boka en bedömning hos den vårdenhet där Alva får vård och visa referensen {reference}."));
        Assert.That(text, Does.Contain("> Hör gärna av er till skolsköterskan om ni har frågor.\r\n> Vänliga hälsningar, Per"));
        Assert.That(text, Does.Contain($"Begäran gäller till och med {EgenvardRegistry.Web.SwedishText.Date(Clock.Today.AddDays(60))}."));
        Assert.That(text, Does.Contain("https://egenvard.test/vardnadshavare"));
        Assert.That(html, Does.Contain($"<strong>{reference}</strong>"));
        Assert.That(html, Does.Contain("Hör gärna av er till skolsköterskan om ni har frågor.<br>Vänliga hälsningar, Per"));
        Assert.That(mail.Headers["Auto-Submitted"], Is.EqualTo("auto-generated"));
        Assert.That(MailSamples.PersonnummerLike(Readable(mail)), Is.Empty);
        Assert.That(string.Join("\n", Readable(mail)), Does.Not.Contain("nsulin").And.Not.Contain("lodsocker").And.Not.Contain("Alva Lind"));
        Assert.That(await AuditCount("action = 'request.send' AND outcome = 'sent' AND child_id = @Child AND actor_role = 'system'",
            new { Child = Guid.Parse((await ChildId(Samples.ChildPnr))!) }), Is.EqualTo(1));
    }

    [Test]
    public async Task Request_ToTheGuardiansTheRegistryKnows_WithoutAUnitName_NamesTheUnitByCode_AndIsSentOnce()
    {
        await IssueOk();
        await AskOk(Body(withoutGuardians: true));
        var queued = await Outbox();

        await Run();
        var again = await Run();

        Assert.That(again["sent"]!.GetValue<int>(), Is.EqualTo(0));
        var mail = Delivered(queued.Single().Id).Single();
        Assert.That(mail.To.Mailboxes.Single().Address, Is.EqualTo(GuardianEmail));
        Assert.That(mail.Subject, Is.EqualTo($"Skolenhet {Tokens.SchoolUnit} ber om ett egenvårdsintyg för Alva"));
        Assert.That(MailSamples.PersonnummerLike(Readable(mail)), Is.Empty);
    }

    [Test]
    public async Task AdminOutbox_ListsTheRequestEmail_ByReference_AndAFailedOneCanBeRetried()
    {
        var request = await AskOk();
        await Execute("UPDATE notifications SET status = 'failed', last_error = '550 mailbox unavailable'");

        using var list = await Client(Tokens.Admin()).GetAsync("/api/admin/notifications?status=failed");
        var item = (await list.ReadJson())["items"]![0]!;
        using var retry = await Client(Tokens.Admin()).PostAsync($"/api/admin/notifications/{item["id"]}/retry", null);
        var counts = await Run();

        Assert.That((Text(item, "kind"), Text(item, "reference"), Text(item, "requestId"), Text(item, "guardianName")),
            Is.EqualTo(("certificate-request", Text(request, "reference"), Id(request), GuardianName)));
        Assert.That((item["certificateId"], item["thresholdDays"]), Is.EqualTo(((JsonNode?)null, (JsonNode?)null)));
        Assert.That(retry.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(counts["sent"]!.GetValue<int>(), Is.EqualTo(1));
        Assert.That(await AuditCount("action = 'notification.retry' AND outcome = 'ok' AND child_id = @Child",
            new { Child = Guid.Parse((await ChildId(Samples.ChildPnr))!) }), Is.EqualTo(1));
    }
}
