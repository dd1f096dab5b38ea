using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using EgenvardRegistry.Tests.Infrastructure;
using MimeKit;

namespace EgenvardRegistry.Tests.Guardians;

/// <summary>
/// The guardian owns their address: a clinician's entry on a certificate does not replace an address the guardian set but
/// becomes a suggestion they accept or dismiss; one that came from care is replaced as before; every change queues a
/// notice to the old address in the outbox, delivered over real SMTP (aiosmtpd, which scripts/test.sh starts) in Swedish
/// with the new address masked, reminders on or off.
/// </summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class GuardianAddressTests(Engine engine) : IntegrationTest(engine)
{
    private const string CareEmail = "sara.lind@example.se";
    private const string OwnEmail = "sara.egen@example.se";
    private const string SuggestedEmail = "sara.jobb@example.se";
    private const string CareUnitName = "Barndiabetesmottagningen Västerås";

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

    private HttpClient Guardian => Client(Tokens.Guardian());

    /// <summary>A certificate for the child whose guardian the clinician enters with <paramref name="email"/> (null: none).</summary>
    private async Task<Guid> IssueWithEmail(string? email, JsonObject? body = null)
    {
        var certificate = body ?? Samples.Certificate(measures: "oxygen");
        certificate["guardians"]![0]!["email"] = email;
        return await IssueOk(certificate);
    }

    private async Task<JsonObject> PutContactOk(string? email, bool remindersEnabled = true)
    {
        using var response = await Guardian.PutAsJsonAsync("/api/guardians/me/contact", new { email, remindersEnabled });
        var json = await response.ReadJson();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), json.ToJsonString());
        return json;
    }

    private async Task<JsonObject> ContactOk()
    {
        using var response = await Guardian.GetAsync("/api/guardians/me/contact");
        var json = await response.ReadJson();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), json.ToJsonString());
        return json;
    }

    private Task<HttpResponseMessage> Answer(string answer, object body) =>
        Guardian.PostAsJsonAsync($"/api/guardians/me/contact/suggestion/{answer}", body);

    private async Task<JsonObject> Run()
    {
        using var run = await Client(Tokens.Admin()).PostAsync("/api/admin/reminders/run", null);
        var json = await run.ReadJson();
        Assert.That(run.StatusCode, Is.EqualTo(HttpStatusCode.OK), json.ToJsonString());
        return json;
    }

    /// <summary>The address-change notices in the outbox, oldest first.</summary>
    private async Task<List<Notice>> Notices()
    {
        await using var connection = await App.Database.OpenAsync();
        return [.. await connection.QueryAsync<Notice>("""
            SELECT CAST(id AS TEXT) AS Id, recipient_email AS RecipientEmail, changed_by AS ChangedBy,
                   new_email_masked AS NewEmailMasked, status AS Status
            FROM notifications WHERE kind = 'email-changed' ORDER BY created_at, id
            """)];
    }

    public sealed record Notice
    {
        public string Id { get; init; } = "";
        public string RecipientEmail { get; init; } = "";
        public string ChangedBy { get; init; } = "";
        public string? NewEmailMasked { get; init; }
        public string Status { get; init; } = "";
    }

    /// <summary>The guardian's row: address, its source, the reminder setting and any suggestion.</summary>
    private async Task<(string? Email, string? Source, long Reminders, string? Suggested, string? SuggestedBy)> Stored()
    {
        await using var connection = await App.Database.OpenAsync();
        return await connection.QuerySingleAsync<(string?, string?, long, string?, string?)>("""
            SELECT email, email_source, CAST(reminders_enabled AS INTEGER), suggested_email, suggested_by_care_unit
            FROM guardians WHERE personnummer = @Pnr
            """, new { Pnr = Tokens.GuardianPnr });
    }

    private static string? Text(JsonNode? node, string name) => node?[name]?.GetValue<string>();

    private MimeMessage DeliveredOnce(string notificationId) => _host.Smtp.DeliveredFor(Guid.Parse(notificationId)).Single();

    /// <summary>What a reader sees, but the Message-ID: it is made from the outbox row's id, whose hex may hold a run of digits.</summary>
    private static IReadOnlyList<string> Readable(MimeMessage mail) =>
        [.. mail.Content().Where(value => value != mail.Headers[HeaderId.MessageId])];

    [Test]
    public async Task ClinicianEntry_ForAnAddressTheGuardianSet_ReplacesNothing_AndBecomesASuggestion()
    {
        await IssueOk();
        await PutContactOk(OwnEmail);
        Clock.Advance(TimeSpan.FromHours(2));

        var certificate = await IssueWithEmail(SuggestedEmail);

        var contact = await ContactOk();
        Assert.That((Text(contact, "email"), Text(contact, "emailSource")), Is.EqualTo((OwnEmail, "guardian")));
        var suggestion = contact["suggestion"]!;
        Assert.That((Text(suggestion, "email"), Text(suggestion, "careUnitHsaId"), Text(suggestion, "careUnitName")),
            Is.EqualTo((SuggestedEmail, Tokens.CareUnit, CareUnitName)));
        Assert.That(suggestion["suggestedAt"]!.GetValue<DateTimeOffset>(), Is.EqualTo(Clock.GetUtcNow()));
        Assert.That(suggestion.AsObject().Select(field => field.Key), Is.EquivalentTo(new[] { "email", "suggestedAt", "careUnitHsaId", "careUnitName" }),
            "which unit suggested it, not which clinician");
        using var read = await Client(Tokens.Clinician()).GetAsync($"/api/certificates/{certificate}");
        Assert.That(Text((await read.ReadJson())["guardians"]![0], "email"), Is.EqualTo(OwnEmail), "the certificate shows the address in use");
        Assert.That((await Notices()).Select(notice => notice.RecipientEmail), Is.EqualTo(new[] { CareEmail }),
            "only the guardian's own change was told; a suggestion changes no address");
        Assert.That(await AuditCount("action = 'guardian.email-by-care' AND outcome = 'suggested' AND actor_role = 'clinician' " +
            "AND certificate_id = @Certificate AND child_id = @Child",
            new { Certificate = certificate, Child = Guid.Parse((await ChildId(Samples.ChildPnr))!) }), Is.EqualTo(1));
    }

    [Test]
    public async Task ClinicianEntry_EqualToTheCurrentAddress_OrNone_ChangesNothing()
    {
        await IssueOk();
        await PutContactOk(OwnEmail);
        var before = await Stored();

        await IssueWithEmail(OwnEmail.ToUpperInvariant());
        await IssueWithEmail(null, Samples.Certificate(measures: "inhaler"));
        // A clinician-set address entered again is no change either.
        await IssueOk(Samples.Certificate(childPnr: Samples.OtherChildPnr, guardianPnr: Tokens.OtherGuardianPnr));
        await IssueOk(Samples.Certificate(childPnr: Samples.OtherChildPnr, guardianPnr: Tokens.OtherGuardianPnr, measures: "inhaler"));

        Assert.That(await Stored(), Is.EqualTo(before));
        Assert.That(before, Is.EqualTo((OwnEmail, "guardian", 1L, (string?)null, (string?)null)));
        Assert.That(await Notices(), Has.Count.EqualTo(1), "the guardian's own change only");
        Assert.That(await AuditCount("action = 'guardian.email-by-care'"), Is.Zero);
    }

    [Test]
    public async Task ClinicianEntry_ForAnAddressCareSet_ReplacesIt_AndTheOldAddressIsToldOverRealSmtp()
    {
        await IssueOk();
        Clock.Advance(TimeSpan.FromDays(1));
        await IssueWithEmail(SuggestedEmail);

        Assert.That(await Stored(), Is.EqualTo((SuggestedEmail, "clinician", 1L, (string?)null, (string?)null)));
        var notice = (await Notices()).Single();
        Assert.That((notice.RecipientEmail, notice.ChangedBy, notice.NewEmailMasked), Is.EqualTo((CareEmail, "care", "s***@example.se")));
        Assert.That(await AuditCount("action = 'guardian.email-by-care' AND outcome = 'replaced'"), Is.EqualTo(1));

        Assert.That((await Run())["sent"]!.GetValue<int>(), Is.EqualTo(1));

        var mail = DeliveredOnce(notice.Id);
        Assert.That(mail.To.Mailboxes.Single().Address, Is.EqualTo(CareEmail));
        var text = mail.Part("plain");
        Assert.That(text, Does.Contain("ändrades den 24 november 2026 kl. 09:00 till s***@example.se."));
        Assert.That(text, Does.Contain("Ändringen gjordes av vården, när ett egenvårdsintyg där du står som vårdnadshavare utfärdades eller förnyades."));
        Assert.That(string.Join("\n", Readable(mail)), Does.Not.Contain(SuggestedEmail));
    }

    [Test]
    public async Task ClinicianEntry_WhenThereIsNoAddress_SetsIt_AndTellsNoOne()
    {
        await IssueWithEmail(null);

        await IssueWithEmail(SuggestedEmail, Samples.Certificate(measures: "inhaler"));

        Assert.That(await Stored(), Is.EqualTo((SuggestedEmail, "clinician", 1L, (string?)null, (string?)null)));
        Assert.That(await Notices(), Is.Empty, "there was no old address to tell");
    }

    [Test]
    public async Task Renewal_WithAnotherAddress_ForAnAddressTheGuardianSet_IsASuggestion()
    {
        var id = await IssueOk();
        await PutContactOk(OwnEmail);
        var renewal = NewDates();
        renewal["guardians"] = new JsonArray(new JsonObject
        {
            ["personnummer"] = Tokens.GuardianPnr, ["name"] = "Sara Lind", ["email"] = SuggestedEmail,
        });

        using var renewed = await Renew(id, renewal);

        var json = await renewed.ReadJson();
        Assert.That(renewed.StatusCode, Is.EqualTo(HttpStatusCode.Created), json.ToJsonString());
        Assert.That(Text(json["guardians"]![0], "email"), Is.EqualTo(OwnEmail));
        Assert.That(await Stored(), Is.EqualTo((OwnEmail, "guardian", 1L, SuggestedEmail, Tokens.CareUnit)));
        Assert.That(await AuditCount("action = 'guardian.email-by-care' AND outcome = 'suggested' AND certificate_id = @Renewal",
            new { Renewal = Guid.Parse(json["id"]!.GetValue<string>()) }), Is.EqualTo(1));
    }

    /// <remarks>Accepting makes the address the guardian's own choice (source guardian): care can only suggest another afterwards.</remarks>
    [Test]
    public async Task AcceptingTheSuggestion_MakesItTheGuardiansOwnAddress_AndQueuesANoticeToTheOldOne()
    {
        await IssueOk();
        await PutContactOk(OwnEmail);
        Clock.Advance(TimeSpan.FromMinutes(1));
        await IssueWithEmail(SuggestedEmail);

        using var accepted = await Answer("acceptance", new { email = SuggestedEmail });
        var json = await accepted.ReadJson();
        await IssueWithEmail("sara.tredje@example.se", Samples.Certificate(measures: "inhaler"));

        Assert.That(accepted.StatusCode, Is.EqualTo(HttpStatusCode.OK), json.ToJsonString());
        Assert.That((Text(json, "email"), Text(json, "emailSource"), json["suggestion"]), Is.EqualTo((SuggestedEmail, "guardian", (JsonNode?)null)));
        var notices = await Notices();
        Assert.That(notices.Select(notice => (notice.RecipientEmail, notice.ChangedBy, notice.NewEmailMasked)), Is.EqualTo(new[]
        {
            (CareEmail, "guardian", "s***@example.se"),
            (OwnEmail, "guardian", "s***@example.se"),
        }));
        Assert.That(await Stored(), Is.EqualTo((SuggestedEmail, "guardian", 1L, "sara.tredje@example.se", Tokens.CareUnit)),
            "the accepted address is the guardian's own: the next clinician's entry is only a suggestion");
        Assert.That(await AuditCount("action = 'guardian.email-suggestion-accept' AND outcome = 'ok' AND actor_role = 'guardian'"),
            Is.EqualTo(1));
    }

    [Test]
    public async Task DismissingTheSuggestion_KeepsTheAddress_AndTellsNoOne()
    {
        await IssueOk();
        await PutContactOk(OwnEmail);
        await IssueWithEmail(SuggestedEmail);

        using var dismissed = await Answer("dismissal", new { email = SuggestedEmail });
        var json = await dismissed.ReadJson();

        Assert.That(dismissed.StatusCode, Is.EqualTo(HttpStatusCode.OK), json.ToJsonString());
        Assert.That((Text(json, "email"), json["suggestion"]), Is.EqualTo((OwnEmail, (JsonNode?)null)));
        Assert.That(await Stored(), Is.EqualTo((OwnEmail, "guardian", 1L, (string?)null, (string?)null)));
        Assert.That(await Notices(), Has.Count.EqualTo(1), "the guardian's own change only");
        Assert.That(await AuditCount("action = 'guardian.email-suggestion-dismiss' AND outcome = 'ok'"), Is.EqualTo(1));
    }

    [Test]
    public async Task AnsweringASuggestionThatIsAnotherOrGone_Is409_AndChangesNothing()
    {
        await IssueOk();
        await PutContactOk(OwnEmail);
        await IssueWithEmail(SuggestedEmail);
        var before = await Stored();

        using var other = await Answer("acceptance", new { email = "sara.annan@example.se" });
        using var otherDismissal = await Answer("dismissal", new { email = "sara.annan@example.se" });
        var afterOther = await Stored();
        using (var dismissed = await Answer("dismissal", new { email = SuggestedEmail }))
        {
            Assert.That(dismissed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
        using var gone = await Answer("acceptance", new { email = SuggestedEmail });
        using var stranger = await Client(Tokens.Guardian(Tokens.OtherGuardianPnr)).PostAsJsonAsync(
            "/api/guardians/me/contact/suggestion/acceptance", new { email = SuggestedEmail });

        Assert.That((other.StatusCode, otherDismissal.StatusCode, gone.StatusCode),
            Is.EqualTo((HttpStatusCode.Conflict, HttpStatusCode.Conflict, HttpStatusCode.Conflict)));
        Assert.That(other.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(stranger.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(afterOther, Is.EqualTo(before));
        Assert.That(await Stored(), Is.EqualTo((OwnEmail, "guardian", 1L, (string?)null, (string?)null)));
        Assert.That(await Notices(), Has.Count.EqualTo(1));
        Assert.That(await AuditCount("action IN ('guardian.email-suggestion-accept', 'guardian.email-suggestion-dismiss') " +
            "AND outcome = 'conflict'"), Is.EqualTo(3));
    }

    [Test]
    public async Task BadInput_Is400WithFieldErrors_AndChangesNothing()
    {
        await IssueOk();
        await PutContactOk(OwnEmail);
        await IssueWithEmail(SuggestedEmail);
        var before = await Stored();

        using var badAddress = await Guardian.PutAsJsonAsync("/api/guardians/me/contact", new { email = "inte en adress", remindersEnabled = false });
        using var noSetting = await Guardian.PutAsJsonAsync("/api/guardians/me/contact", new { email = "sara.ny@example.se" });
        using var noSuggestion = await Answer("acceptance", new { });
        using var notAnAddress = await Answer("acceptance", new { email = "sara.jobb@" });
        using var notJson = await Guardian.PostAsync("/api/guardians/me/contact/suggestion/dismissal",
            new StringContent("{ email", System.Text.Encoding.UTF8, "application/json"));

        Assert.That((await badAddress.ReadJson()).ErrorFields(), Is.EqualTo(new[] { "email" }));
        Assert.That((await noSetting.ReadJson()).ErrorFields(), Is.EqualTo(new[] { "remindersEnabled" }));
        var required = await noSuggestion.ReadJson();
        Assert.That(required.ErrorFields(), Is.EqualTo(new[] { "email" }));
        Assert.That(required["errors"]!["email"]![0]!.GetValue<string>(), Does.StartWith("Required: the suggested address"));
        Assert.That((await notAnAddress.ReadJson()).ErrorFields(), Is.EqualTo(new[] { "email" }));
        Assert.That(new[] { badAddress.StatusCode, noSetting.StatusCode, noSuggestion.StatusCode, notAnAddress.StatusCode, notJson.StatusCode },
            Is.All.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await Stored(), Is.EqualTo(before));
        Assert.That(before, Is.EqualTo((OwnEmail, "guardian", 1L, SuggestedEmail, Tokens.CareUnit)));
        Assert.That(await Notices(), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task GuardiansChange_IsToldToTheOldAddress_InSwedish_AndTheReminderAfterwardsGoesToTheNewOne()
    {
        await IssueOk(Samples.CertificateExpiringIn(Clock.Today, 14));

        var put = await PutContactOk(OwnEmail);
        var notice = (await Notices()).Single();
        var counts = await Run();

        Assert.That((Text(put, "email"), Text(put, "emailSource")), Is.EqualTo((OwnEmail, "guardian")));
        Assert.That((notice.RecipientEmail, notice.ChangedBy, notice.NewEmailMasked), Is.EqualTo((CareEmail, "guardian", "s***@example.se")));
        Assert.That(counts["sent"]!.GetValue<int>(), Is.EqualTo(2), counts.ToJsonString());
        await using (var connection = await App.Database.OpenAsync())
        {
            var reminder = await connection.ExecuteScalarAsync<string>("SELECT CAST(id AS TEXT) FROM notifications WHERE kind = 'reminder'");
            Assert.That(DeliveredOnce(reminder!).To.Mailboxes.Single().Address, Is.EqualTo(OwnEmail));
        }
        var mail = DeliveredOnce(notice.Id);
        Assert.That(mail.To.Mailboxes.Select(to => (to.Name, to.Address)), Is.EqualTo(new[] { ("Sara Lind", CareEmail) }));
        Assert.That(mail.Subject, Is.EqualTo("Din e-postadress i Egenvårdsregistret har ändrats"));
        Assert.That(mail.BodyParts.Select(part => part.ContentType.MimeType), Is.EqualTo(new[] { "text/plain", "text/html" }));
        var text = mail.Part("plain");
        Assert.That(text, Does.StartWith("Hej Sara Lind!\r\n"));
        Assert.That(text, Does.Contain("E-postadressen som Egenvårdsregistret skickar dina påminnelser och meddelanden till " +
            "ändrades den 23 november 2026 kl. 09:00 till s***@example.se."));
        Assert.That(text, Does.Contain("Ändringen gjordes av dig själv, inloggad på sidan för vårdnadshavare."));
        Assert.That(text, Does.Contain("Var det inte du, eller är adressen fel? Logga in på sidan för vårdnadshavare och ändra adressen, " +
            "eller kontakta vårdenheten som utfärdade ditt barns intyg."));
        Assert.That(text, Does.Contain("Sidan för vårdnadshavare: https://egenvard.test/vardnadshavare"));
        Assert.That(mail.Part("html"), Does.Contain("<strong>s***@example.se</strong>"));
        Assert.That(mail.Headers["Auto-Submitted"], Is.EqualTo("auto-generated"));
        Assert.That(mail.Headers["List-Unsubscribe"], Is.Null, "a security notice cannot be unsubscribed from");
        Assert.That(MailSamples.PersonnummerLike(Readable(mail)), Is.Empty);
        Assert.That(string.Join("\n", Readable(mail)), Does.Not.Contain(OwnEmail).And.Not.Contain("Alva").And.Not.Contain("nsulin")
            .And.Not.Contain("iabetes"));
        Assert.That(await AuditCount("action = 'guardian.email-changed-send' AND outcome = 'sent' AND actor_role = 'system' " +
            "AND child_id IS NULL AND certificate_id IS NULL"), Is.EqualTo(1));
    }

    [Test]
    public async Task Notice_IsSentWithRemindersOff_ButNotWhenThereWasNoAddress_AndARemovalIsTold()
    {
        await IssueWithEmail(null);

        await PutContactOk(OwnEmail, remindersEnabled: false);
        var afterFirst = await Notices();
        Clock.Advance(TimeSpan.FromMinutes(1));
        await PutContactOk(SuggestedEmail, remindersEnabled: false);
        Clock.Advance(TimeSpan.FromMinutes(1));
        await PutContactOk(null, remindersEnabled: false);
        var counts = await Run();

        Assert.That(afterFirst, Is.Empty, "no old address to tell");
        var notices = await Notices();
        Assert.That(notices.Select(notice => (notice.RecipientEmail, notice.NewEmailMasked, notice.Status)), Is.EqualTo(new[]
        {
            (OwnEmail, (string?)"s***@example.se", "sent"),
            (SuggestedEmail, (string?)null, "sent"),
        }));
        Assert.That(counts["sent"]!.GetValue<int>(), Is.EqualTo(2));
        Assert.That(DeliveredOnce(notices[1].Id).Part("plain"), Does.Contain("meddelanden till togs bort den 23 november 2026 kl. 09:02.")
            .And.Contain("Registret skickar inga påminnelser förrän det finns en ny adress."));
        Assert.That(await Stored(), Is.EqualTo(((string?)null, (string?)null, 0L, (string?)null, (string?)null)));
    }

    [Test]
    public async Task ReadingAndChangingTheContact_AreAudited_AndTheOutboxListsTheNotice()
    {
        await IssueOk();

        await ContactOk();
        await PutContactOk(OwnEmail);
        using var outbox = await Client(Tokens.Admin()).GetAsync("/api/admin/notifications");
        var item = (await outbox.ReadJson())["items"]!.AsArray().Single()!;

        var audit = (await AuditRows()).Where(row => row.ActorRole == "guardian").Select(row => (row.Action, row.Outcome, row.ActorId));
        Assert.That(audit, Is.EqualTo(new[]
        {
            ("guardian.contact-read", "ok", "guardian-2380"),
            ("guardian.contact-change", "ok", "guardian-2380"),
        }));
        Assert.That((Text(item, "kind"), Text(item, "guardianName"), item["certificateId"], Text(item, "status")),
            Is.EqualTo(("email-changed", "Sara Lind", (JsonNode?)null, "pending")));
        Assert.That(item.ToJsonString(), Does.Not.Contain(CareEmail).And.Not.Contain("example.se"), "administrators do not see the addresses");
    }
}
