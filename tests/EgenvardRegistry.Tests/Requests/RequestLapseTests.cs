using System.Net;
using EgenvardRegistry.Requests;
using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.Tests.Requests;

/// <summary>
/// A request lapses after Requests:ExpireAfterDays (60 here) whole Stockholm days: every read says expired at once, the
/// recurring job records it, and the next request for the child and unit is a new one. The clock is a FakeTimeProvider.
/// </summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class RequestLapseTests(Engine engine) : RequestTestBase(engine)
{
    private async Task<int> RunTheLapseJob()
    {
        using var scope = App.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<RequestJobs>().ExpireAsync(CancellationToken.None);
        return (int)await Count("certificate_requests", "status = 'expired'");
    }

    [Test]
    public async Task OnItsLastDay_ItIsOpenWithNoDaysLeft_TheNextDayItReadsExpired_BeforeTheJobRuns()
    {
        var request = await AskOk();

        Clock.Advance(TimeSpan.FromDays(60));
        var lastDay = await SchoolList();
        Clock.Advance(TimeSpan.FromDays(1));
        var open = await SchoolList();
        var expired = await SchoolList("?status=expired");

        Assert.That(lastDay.Select(item => (Id(item), item!["daysLeft"]!.GetValue<int>(), item["ageInDays"]!.GetValue<int>())),
            Is.EqualTo(new[] { (Id(request), 0, 60) }));
        Assert.That(open, Is.Empty);
        Assert.That(expired.Select(Id), Is.EqualTo(new[] { Id(request) }));
        Assert.That(Text(expired[0], "status"), Is.EqualTo("expired"));
        Assert.That(expired[0]!["daysLeft"], Is.Null);
        Assert.That(expired[0]!["closedAt"]!.GetValue<DateTimeOffset>(), Is.EqualTo(new DateTimeOffset(2027, 1, 22, 23, 0, 0, TimeSpan.Zero)),
            "midnight in Stockholm after 22 January, its last day");
        Assert.That(await Count("certificate_requests", "status = 'open'"), Is.EqualTo(1), "not yet recorded");
        Assert.That(await Search(), Is.Empty);
    }

    [Test]
    public async Task Lapsed_CannotBeWithdrawnOrAnswered()
    {
        var request = await AskOk();
        Clock.Advance(TimeSpan.FromDays(61));

        using var withdrawal = await Withdraw(Id(request));
        using var answer = await Issue(Answering(Id(request)));

        Assert.That((withdrawal.StatusCode, answer.StatusCode), Is.EqualTo((HttpStatusCode.Conflict, HttpStatusCode.Conflict)));
        Assert.That((await withdrawal.ReadJson())["detail"]!.GetValue<string>(), Does.Contain("expired"));
        Assert.That(await Count("certificates"), Is.EqualTo(0));
    }

    [Test]
    public async Task TheJob_RecordsLapsedRequestsOnly_OnceEach_AndAuditsEach()
    {
        var old = await AskOk();
        Clock.Advance(TimeSpan.FromDays(30));
        var recent = await AskOk(Body(personnummer: Samples.OtherChildPnr, childName: "Nils Lind"));
        Clock.Advance(TimeSpan.FromDays(31));

        var afterFirstRun = await RunTheLapseJob();
        var afterSecondRun = await RunTheLapseJob();

        Assert.That((afterFirstRun, afterSecondRun), Is.EqualTo((1, 1)));
        Assert.That(await Count("certificate_requests", "status = 'expired' AND id = @Id AND closed_by = 'request-expiry'",
            new { Id = Guid.Parse(Id(old)) }), Is.EqualTo(1));
        Assert.That((await SchoolList()).Select(Id), Is.EqualTo(new[] { Id(recent) }));
        var lapse = (await AuditRows()).Where(row => row.Action == "request.expire").ToList();
        Assert.That(lapse.Select(row => (row.ActorRole, row.ActorId, row.Outcome, row.ChildId)),
            Is.EqualTo(new[] { ("system", "request-expiry", "ok", await ChildId(Samples.ChildPnr)) }));
    }

    [Test]
    public async Task AskingAgainAfterTheLapse_MakesANewRequest_AndRecordsTheOldOneExpired()
    {
        var old = await AskOk();
        Clock.Advance(TimeSpan.FromDays(61));

        var renewed = await AskOk();

        Assert.That(Id(renewed), Is.Not.EqualTo(Id(old)));
        Assert.That(await Count("certificate_requests", "status = 'expired' AND id = @Id", new { Id = Guid.Parse(Id(old)) }), Is.EqualTo(1));
        Assert.That(await Count("notifications"), Is.EqualTo(2));
        Assert.That(await AuditCount("action = 'request.expire'"), Is.EqualTo(1));
    }

    [Test]
    public async Task AnEmailStillQueuedWhenTheRequestLapses_IsCancelled()
    {
        await AskOk();
        await Execute("UPDATE notifications SET next_attempt_at = @Later", new { Later = TestClock.Reference.AddDays(70) });
        Clock.Advance(TimeSpan.FromDays(70));

        using var run = await Client(Tokens.Admin()).PostAsync("/api/admin/reminders/run", null);

        Assert.That((await run.ReadJson())["sent"]!.GetValue<int>(), Is.EqualTo(0));
        Assert.That(await Count("notifications", "status = 'cancelled' AND last_error LIKE '%closed%'"), Is.EqualTo(1));
    }
}
