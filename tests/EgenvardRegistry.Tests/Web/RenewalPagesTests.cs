using System.Net;
using System.Net.Http.Json;
using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.Tests.Web;

/// <summary>
/// The renewal worklist on the pages (<c>/vard/fornyelser</c>): what it says about each certificate, the chooser, and
/// the "Uppföljning gjord" form. Each page goes through the API's rules and store, so the audit is the API's.
/// </summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class RenewalPagesTests(Engine engine) : IntegrationTest(engine)
{
    private const string Note = "Uppföljning på mottagningen, egenvården fungerar.";

    protected override Task<RegistryApp> HostAsync() => TestHosts.PagesFor(Engine);

    private Task<Guid> IssueExpiringIn(int days, string childPnr = Samples.ChildPnr, int? followUpInDays = null)
    {
        var until = Clock.Today.AddDays(days);
        var followUp = followUpInDays is { } inDays ? Clock.Today.AddDays(inDays) : until;
        return IssueOk(Samples.Certificate(childPnr: childPnr, validFrom: Samples.Iso(until.AddMonths(-12)), validUntil: Samples.Iso(until),
            followUpOn: Samples.Iso(followUp)));
    }

    [Test]
    public async Task Worklist_ShowsDaysLeft_TheReminderSent_AndOpenConcerns_LinkedFromTheNavigationAndVard()
    {
        var id = await IssueExpiringIn(12);
        using (var run = await Client(Tokens.Admin()).PostAsync("/api/admin/reminders/run", null))
        {
            Assert.That((await run.ReadJson())["sent"]!.GetValue<int>(), Is.EqualTo(1));
        }
        using (var concern = await Client(Tokens.School()).PostAsJsonAsync($"/api/certificates/{id}/concerns",
                   new { category = "staffing", description = "Ingen instruerad personal.", guardiansInformed = true }))
        {
            Assert.That(concern.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        }
        var clinician = await App.SignInClinicianAsync();

        var html = await clinician.GetPage("/vard/fornyelser");
        var start = await clinician.GetPage("/vard");

        Assert.That(html, Does.Contain("<a href=\"/vard/fornyelser\">Intyg att förnya</a>"), "the navigation links to the worklist");
        Assert.That(start, Does.Contain("<a href=\"/vard/fornyelser\">Intyg att förnya</a>"));
        Assert.That(html, Does.Contain("<h1>Intyg att förnya</h1>"));
        Assert.That(html, Does.Contain($"<h2 id=\"fornyelse-{id}\">Alva Lind: Insulin</h2>"));
        Assert.That(html, Does.Contain("Går ut om 12 dagar"));
        Assert.That(html, Does.Contain("<dd>5 december 2026</dd>"));
        Assert.That(html, Does.Contain("<li>Påminnelse skickad 14 dagar före, 23 nov</li>"));
        Assert.That(html, Does.Contain("<a href=\"/vard/arenden\">1 öppet ärende</a>"));
        Assert.That(html, Does.Contain($"<a class=\"button\" href=\"/vard/intyg/{id}/fornya\">Förnya<span class=\"visually-hidden\"> intyget för Alva Lind</span></a>"));
        Assert.That(html, Does.Not.Contain("Uppföljning försenad"));
        Assert.That(html, Does.Not.Contain(Samples.ChildPnr).And.Not.Contain("sara.lind@example.se"));
        Assert.That(await AuditCount("action = 'renewal.worklist' AND actor_id = 'clinician-demo' AND certificate_id = @Id", new { Id = id }),
            Is.EqualTo(1));
    }

    [Test]
    public async Task Worklist_TheChooser_ShowsThirtySixtyOrNinetyDays_MarkingTheCurrentOne()
    {
        await IssueExpiringIn(20);
        await IssueExpiringIn(45, Samples.OtherChildPnr);
        var clinician = await App.SignInClinicianAsync();

        var sixty = await clinician.GetPage("/vard/fornyelser");
        var thirty = await clinician.GetPage("/vard/fornyelser?withinDays=30");
        var unreadable = await clinician.GetPage("/vard/fornyelser?withinDays=abc");

        Assert.That(sixty, Does.Contain("<span aria-current=\"page\">60 dagar</span>").And.Contain("<a href=\"/vard/fornyelser?withinDays=30\">30 dagar</a>"));
        Assert.That(sixty, Does.Contain("Går ut om 20 dagar").And.Contain("Går ut om 45 dagar").And.Contain("2 intyg, det som går ut först överst."));
        Assert.That(thirty, Does.Contain("<span aria-current=\"page\">30 dagar</span>").And.Contain("<a href=\"/vard/fornyelser?withinDays=60\">60 dagar</a>"));
        Assert.That(thirty, Does.Contain("Går ut om 20 dagar").And.Not.Contain("Går ut om 45 dagar"));
        Assert.That(unreadable, Does.Contain("<span aria-current=\"page\">60 dagar</span>"), "an unreadable value falls back to 60");
    }

    [Test]
    public async Task Worklist_Empty_SaysSo()
    {
        await IssueExpiringIn(200);
        var clinician = await App.SignInClinicianAsync();

        var html = await clinician.GetPage("/vard/fornyelser?withinDays=90");

        Assert.That(html, Does.Contain("Inga intyg går ut inom 90 dagar utan att ha förnyats, och ingen uppföljning är försenad."));
        Assert.That(html, Does.Not.Contain("worklist-item"));
    }

    [Test]
    public async Task FollowUpForm_RecordsTheFollowUp_AndTheOverdueCertificateLeavesTheList()
    {
        var id = await IssueExpiringIn(200, followUpInDays: -3);
        var clinician = await App.SignInClinicianAsync();
        var before = await clinician.GetPage("/vard/fornyelser?withinDays=30");
        Assert.That(before, Does.Contain("<span class=\"status urgent\">Uppföljning försenad</span>"));
        Assert.That(before, Does.Contain("20 november 2026, ingen uppföljning registrerad"));
        Assert.That(Pages.FieldBlock(before, $"FollowUps_{id}__DoneOn"), Does.Contain("value=\"2026-11-23\""), "dated today unless changed");

        using var response = await clinician.PostForm($"/vard/fornyelser?handler=FollowUp&certificateId={id}&withinDays=30", before,
            ($"FollowUps[{id}].DoneOn", "2026-11-23"), ($"FollowUps[{id}].Note", Note));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(response.Headers.Location!.OriginalString, Is.EqualTo("/vard/fornyelser?withinDays=30&uppfoljning=1"));
        var after = await clinician.GetPage("/vard/fornyelser?withinDays=30&uppfoljning=1");
        Assert.That(after, Does.Contain("Uppföljningen är registrerad."));
        Assert.That(after, Does.Contain("Inga intyg går ut inom 30 dagar").And.Not.Contain("Uppföljning försenad"));
        using var stored = await Client(Tokens.Clinician()).GetAsync($"/api/certificates/{id}/follow-ups");
        var followUp = (await stored.ReadJson())["items"]![0]!;
        Assert.That((followUp["doneOn"]!.GetValue<string>(), followUp["note"]!.GetValue<string>(), followUp["recordedBy"]!["name"]!.GetValue<string>()),
            Is.EqualTo(("2026-11-23", Note, "Karin Berg")));
        Assert.That(await AuditCount("action = 'follow-up.record' AND outcome = 'ok' AND actor_id = 'clinician-demo'"), Is.EqualTo(1));
    }

    [TestCase("", Note, "DoneOn", "Ange datum för uppföljningen.")]
    [TestCase("23/11/2026", Note, "DoneOn", "Ange datumet som ÅÅÅÅ-MM-DD")]
    [TestCase("2026-11-24", Note, "DoneOn", "Datumet kan inte vara senare än i dag.")]
    [TestCase("2026-11-22", Note, "DoneOn", "Datumet kan inte vara före den dag intyget utfärdades (2026-11-23).")]
    [TestCase("2026-11-23", "Ring\u0007", "Note", "Texten innehåller tecken som inte kan sparas.")]
    public async Task FollowUpForm_BadValues_ShowTheErrorAtThatCertificatesField_AndStoreNothing(string doneOn, string note, string field,
        string message)
    {
        var id = await IssueExpiringIn(20);
        var clinician = await App.SignInClinicianAsync();
        var page = await clinician.GetPage("/vard/fornyelser");

        using var response = await clinician.PostForm($"/vard/fornyelser?handler=FollowUp&certificateId={id}&withinDays=60", page,
            ($"FollowUps[{id}].DoneOn", doneOn), ($"FollowUps[{id}].Note", note));
        var html = await response.ReadPage();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Pages.AssertFieldError(html, $"FollowUps_{id}__{field}", message);
        Assert.That(html.Split("field-error").Length - 1, Is.EqualTo(1), "one error, at one field");
        Assert.That(Pages.FieldBlock(html, $"FollowUps_{id}__DoneOn"),
            doneOn == "" ? Does.Not.Contain("value=") : Does.Contain($"value=\"{doneOn}\""), "what was written stays, an empty date too");
        Assert.That(await Count("certificate_follow_ups"), Is.EqualTo(0));
    }

    [Test]
    public async Task FollowUpForm_OfAnotherCareUnit_IsNotFound_AndStoresNothing()
    {
        var id = await IssueExpiringIn(20);
        var other = await App.SignInClinicianAsync(Tokens.OtherCareUnit);
        var search = await other.GetPage("/vard"); // an empty worklist has no form, so no anti-forgery token

        using var response = await other.PostForm($"/vard/fornyelser?handler=FollowUp&certificateId={id}", search,
            ($"FollowUps[{id}].DoneOn", "2026-11-23"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await Count("certificate_follow_ups"), Is.EqualTo(0));
    }

    [Test]
    public async Task FollowUpForm_OnACertificateRevokedMeanwhile_SaysSo()
    {
        var id = await IssueExpiringIn(20);
        var clinician = await App.SignInClinicianAsync();
        var page = await clinician.GetPage("/vard/fornyelser");
        using var revoked = await Revoke(id);
        Assert.That(revoked.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        using var response = await clinician.PostForm($"/vard/fornyelser?handler=FollowUp&certificateId={id}", page,
            ($"FollowUps[{id}].DoneOn", "2026-11-23"));
        var html = await response.ReadPage();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(html, Does.Contain("Intyget har förnyats eller återkallats under tiden."));
        Assert.That(await Count("certificate_follow_ups"), Is.EqualTo(0));
    }
}
