using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EgenvardRegistry.Audit;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Database;
using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.Tests.Audit;

/// <summary>
/// The audit commit a verification waits for before it answers: when it returns, the event is in the log; when it
/// fails, the event is not, and the caller has no answer to send.
/// </summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class AuditCommitTests(Engine engine) : IntegrationTest(engine)
{
    private static readonly Caller Admin = new(Roles.Admin, "admin-1", "Admin", null, null, null, null, null);

    private IAuditCommit Commit => App.Services.GetRequiredService<IAuditCommit>();

    private AuditEvent Read(string outcome = AuditOutcomes.Ok) =>
        AuditEvent.By(Admin, Clock.GetUtcNow(), AuditActions.AuditRead, outcome);

    [Test]
    public async Task Commit_IsInTheLogWhenItReturns()
    {
        await Commit.CommitAsync([Read("first")], CancellationToken.None);
        await Commit.CommitAsync([Read("second"), Read("third")], CancellationToken.None);

        Assert.That((await AuditRows()).Select(row => row.Outcome), Is.EqualTo(new[] { "first", "second", "third" }));
    }

    [Test]
    public async Task EventThatCannotBeWritten_FailsItsCaller_AndTheNextCommitStillWorks()
    {
        var unwritable = Read() with { ActorRole = null! }; // audit_events.actor_role is NOT NULL

        Assert.That(async () => await Commit.CommitAsync([unwritable], CancellationToken.None), Throws.InstanceOf<DbException>());
        await Commit.CommitAsync([Read("after")], CancellationToken.None);

        Assert.That((await AuditRows()).Select(row => row.Outcome), Is.EqualTo(new[] { "after" }));
    }

    [Test]
    public async Task SixtyFourConcurrentVerifications_AreAllAnswered_AndEachAnswerHasItsEvent()
    {
        var certificate = await IssueOk();

        var answers = await Task.WhenAll(Enumerable.Range(0, 64).Select(async _ =>
        {
            using var response = await Client(Tokens.School()).PostAsJsonAsync("/api/verifications",
                new { personnummer = Samples.ChildPnr, measure = "insulin" });
            return (response.StatusCode, Body: await response.ReadJson());
        }));

        Assert.That(answers.Select(answer => answer.StatusCode), Is.All.EqualTo(HttpStatusCode.OK));
        Assert.That(answers.Select(answer => answer.Body["reason"]!.GetValue<string>()), Is.All.EqualTo("valid"));
        var verifications = (await AuditRows()).Where(row => row.Action == AuditActions.Verification).ToList();
        Assert.That(verifications, Has.Count.EqualTo(64));
        Assert.That(verifications.Select(row => (row.CertificateId, row.Outcome, row.ActorUnit)),
            Is.All.EqualTo((certificate.ToString(), "valid", Tokens.SchoolUnit)));
    }
}

/// <summary>SQLite's group commit: callers that arrive while the database is busy share one transaction.</summary>
public sealed class SqliteGroupAuditCommitTests() : IntegrationTest(Engine.Sqlite)
{
    private static readonly Caller Admin = new(Roles.Admin, "admin-1", "Admin", null, null, null, null, null);

    private SqliteGroupAuditCommit Commit => (SqliteGroupAuditCommit)App.Services.GetRequiredService<IAuditCommit>();

    private IDbConnectionFactory Db => App.Services.GetRequiredService<IDbConnectionFactory>();

    private AuditEvent Read(string outcome = AuditOutcomes.Ok) =>
        AuditEvent.By(Admin, Clock.GetUtcNow(), AuditActions.AuditRead, outcome);

    [Test]
    public async Task CallersArrivingWhileAnotherWrites_ShareACommit_AndNoneReturnsBeforeIt()
    {
        var before = Commit.Committed;
        Task<long>[] callers;
        using (await Db.WaitToWriteAsync(CancellationToken.None)) // someone else is writing (an issue, say)
        {
            // Each caller looks, the moment it returns, for its own event in the log from a connection of its own.
            callers = [.. Enumerable.Range(0, 64).Select(async i =>
            {
                await Commit.CommitAsync([Read($"caller {i}")], CancellationToken.None);
                return await AuditCount("outcome = @Outcome", new { Outcome = $"caller {i}" });
            })];
            Assert.That(callers.Where(caller => caller.IsCompleted), Is.Empty, "nothing commits while another writes");
        }
        var seen = await Task.WhenAll(callers);

        var after = Commit.Committed;
        Assert.That(seen, Is.All.EqualTo(1), "each caller's event was committed when its call returned");
        Assert.That(await AuditCount(), Is.EqualTo(64));
        Assert.That(after.Callers - before.Callers, Is.EqualTo(64));
        // The writer may have taken the first caller (or a few) before it had to wait; everyone else came in the next batch.
        Assert.That(after.Batches - before.Batches, Is.InRange(1, 2));
    }

    [Test]
    public async Task BatchThatFails_FailsOnlyTheCallerWhoseEventCannotBeWritten()
    {
        var unwritable = Read() with { ActorRole = null! };
        Task[] callers;
        using (await Db.WaitToWriteAsync(CancellationToken.None))
        {
            callers = [
                .. Enumerable.Range(0, 10).Select(i => Commit.CommitAsync([Read($"before {i}")], CancellationToken.None)),
                Commit.CommitAsync([unwritable], CancellationToken.None),
                .. Enumerable.Range(0, 10).Select(i => Commit.CommitAsync([Read($"after {i}")], CancellationToken.None)),
            ];
        }

        Assert.That(async () => await callers[10], Throws.InstanceOf<DbException>());
        await Task.WhenAll(callers.Where((_, i) => i != 10));
        Assert.That((await AuditRows()).Select(row => row.Outcome), Is.EquivalentTo(
            Enumerable.Range(0, 10).Select(i => $"before {i}").Concat(Enumerable.Range(0, 10).Select(i => $"after {i}"))));
    }
}
