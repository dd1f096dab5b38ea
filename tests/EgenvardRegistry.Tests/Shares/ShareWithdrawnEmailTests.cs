using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EgenvardRegistry.Tests.Infrastructure;
using MimeKit;

namespace EgenvardRegistry.Tests.Shares;

/// <summary>
/// A guardian's withdrawal tells the unit by e-mail when the unit directory has a contact address for it: through the
/// outbox and MailKit to a real SMTP server (aiosmtpd, which scripts/test.sh starts), in Swedish, with the child's first
/// name only and no personnummer, measure or care unit name; once per withdrawal, and not at all for a unit without an
/// address or for a withdrawal that changed nothing.
/// </summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class ShareWithdrawnEmailTests(Engine engine) : IntegrationTest(engine)
{
    private const string UnitEmail = "rektor.solbacka@example.se";

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

    [SetUp]
    public Task FillTheDirectory() => Client(Tokens.Admin()).ImportOk();

    private Task<HttpResponseMessage> Withdraw(Guid id, string unit) =>
        Client(Tokens.Guardian()).DeleteAsync($"/api/guardians/me/certificates/{id}/shares/{unit}");

    private async Task WithdrawOk(Guid id, string unit)
    {
        using var response = await Withdraw(id, unit);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await response.Content.ReadAsStringAsync());
    }

    private async Task<JsonObject> Run()
    {
        using var run = await Client(Tokens.Admin()).PostAsync("/api/admin/reminders/run", null);
        Assert.That(run.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return await run.ReadJson();
    }

    private async Task<JsonArray> Outbox()
    {
        using var response = await Client(Tokens.Admin()).GetAsync("/api/admin/notifications");
        return (await response.ReadJson())["items"]!.AsArray();
    }

    private List<MimeMessage> Delivered(string notificationId) => _host.Smtp.DeliveredFor(Guid.Parse(notificationId));

    /// <summary>What a reader sees, but the Message-ID: it is made from the outbox row's id, whose hex may hold a run of digits.</summary>
    private static IReadOnlyList<string> Readable(MimeMessage mail) =>
        [.. mail.Content().Where(value => value != mail.Headers[HeaderId.MessageId])];

    [Test]
    public async Task Withdrawal_FromAUnitWithAContactAddress_EmailsTheUnitOnce_InSwedish_WithoutPersonnummerOrDiagnosis()
    {
        var id = await IssueOk();
        await WithdrawOk(id, Tokens.SchoolUnit);
        var queued = (await Outbox()).Single()!;

        var counts = await Run();
        var again = await Run();

        Assert.That((Text(queued, "kind"), Text(queued, "guardianName"), Text(queued, "certificateId"), Text(queued, "status")),
            Is.EqualTo(("share-withdrawn", UnitSamples.SchoolName, id.ToString(), "pending")));
        Assert.That((counts["sent"]!.GetValue<int>(), again["sent"]!.GetValue<int>()), Is.EqualTo((1, 0)), counts.ToJsonString());
        var mail = Delivered(Text(queued, "id")).Single();
        Assert.That(mail.To.Mailboxes.Select(to => (to.Name, to.Address)), Is.EqualTo(new[] { (UnitSamples.SchoolName, UnitEmail) }));
        Assert.That(mail.Subject, Is.EqualTo("Vårdnadshavaren har slutat dela ett egenvårdsintyg med er"));
        Assert.That(mail.BodyParts.Select(part => part.ContentType.MimeType), Is.EqualTo(new[] { "text/plain", "text/html" }));
        var text = mail.Part("plain");
        Assert.That(text, Does.StartWith($"Till {UnitSamples.SchoolName}\r\n"));
        Assert.That(text, Does.Contain($"slutat dela egenvårdsintyget för Alva med {UnitSamples.SchoolName} i Egenvårdsregistret."));
        Assert.That(text, Does.Contain("Ni kan inte längre se intyget"));
        Assert.That(text, Does.Contain("Från och med nu får personalen inte förlita sig på intyget."));
        Assert.That(text, Does.Contain("kontakta barnets vårdnadshavare"));
        Assert.That(text, Does.Contain("Frågor om egenvården besvaras av vårdenheten som utfärdade intyget, telefon 021-17 30 00."));
        Assert.That(mail.Part("html"), Does.Contain("<strong>Ni kan inte längre se intyget"));
        Assert.That(mail.Headers["Auto-Submitted"], Is.EqualTo("auto-generated"));
        Assert.That(MailSamples.PersonnummerLike(Readable(mail)), Is.Empty);
        Assert.That(string.Join("\n", Readable(mail)), Does.Not.Contain("Alva Lind").And.Not.Contain("nsulin")
            .And.Not.Contain("iabetes").And.Not.Contain("Sara Lind"));
        Assert.That(await AuditCount("action = 'share.withdrawn-send' AND outcome = 'sent' AND actor_role = 'system' " +
            "AND child_id = @Child AND certificate_id = @Certificate",
            new { Child = Guid.Parse((await ChildId(Samples.ChildPnr))!), Certificate = id }), Is.EqualTo(1));
    }

    [Test]
    public async Task Withdrawal_FromAUnitWithoutAContactAddress_QueuesNothing()
    {
        var id = await IssueOk(Samples.Certificate(sharedWith: [Tokens.SchoolUnit, UnitSamples.Preschool]));

        await WithdrawOk(id, UnitSamples.Preschool);

        Assert.That(await Count("share_consents", "change = 'withdraw'"), Is.EqualTo(1));
        Assert.That(await Count("notifications"), Is.Zero);
        Assert.That((await Run())["sent"]!.GetValue<int>(), Is.Zero);
    }

    [Test]
    public async Task RepeatedWithdrawal_ChangesNothing_AndQueuesNothingMore()
    {
        var id = await IssueOk();
        await WithdrawOk(id, Tokens.SchoolUnit);

        await WithdrawOk(id, Tokens.SchoolUnit);
        await WithdrawOk(id, Tokens.SchoolUnit);

        Assert.That(await Count("share_consents", "change = 'withdraw'"), Is.EqualTo(1));
        Assert.That(await Count("notifications", "kind = 'share-withdrawn'"), Is.EqualTo(1));
        Assert.That(await Count("notifications"), Is.EqualTo(1));
    }

    [Test]
    public async Task Withdrawal_SharedAgainBeforeTheEmailWent_IsCancelled_AndASecondWithdrawalIsEmailedAnew()
    {
        var id = await IssueOk();
        await WithdrawOk(id, Tokens.SchoolUnit);
        using var added = await Client(Tokens.Guardian()).PostAsJsonAsync($"/api/guardians/me/certificates/{id}/shares",
            new { unit = Tokens.SchoolUnit });
        Assert.That(added.StatusCode, Is.EqualTo(HttpStatusCode.Created));

        var first = await Run();
        await WithdrawOk(id, Tokens.SchoolUnit);
        var second = await Run();

        Assert.That((first["sent"]!.GetValue<int>(), second["sent"]!.GetValue<int>()), Is.EqualTo((0, 1)));
        Assert.That(await Count("notifications", "status = 'cancelled'"), Is.EqualTo(1));
        Assert.That(await Count("notifications", "status = 'sent'"), Is.EqualTo(1));
    }

    private static string Text(JsonNode node, string name) => node[name]!.GetValue<string>();
}
