using System.Net.Http.Json;
using EgenvardRegistry.Audit;
using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.Tests.Telemetry;

/// <summary>The verification and audit instruments, as the real HTTP pipeline records them.</summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class VerificationMetricsTests(Engine engine) : IntegrationTest(engine)
{
    [Test]
    public async Task Verify_CountsEachAnswerByItsOutcome_AndTimesIt()
    {
        var certificate = await IssueOk();
        using var recorded = new RecordedMetrics(App.Services);

        var reasons = new List<string>();
        foreach (var (personnummer, measure) in new[]
            {
                (Samples.ChildPnr, "insulin"), (Samples.ChildPnr, "oxygen"), (Samples.OtherChildPnr, "insulin"), (Samples.ChildPnr, "insulin"),
            })
        {
            reasons.Add((await Verify(personnummer, measure))["reason"]!.GetValue<string>());
        }

        var counted = recorded.Of("egenvard.verifications");
        var timed = recorded.Of("egenvard.verification.duration");
        Assert.That(reasons, Is.EqualTo(new[] { "valid", "measure-not-covered", "none", "valid" }));
        Assert.That(counted.Select(m => (m.Tags["outcome"], m.Value)), Is.EqualTo(reasons.Select(reason => (reason, 1.0))));
        Assert.That(timed.Select(m => m.Tags["outcome"]), Is.EqualTo(reasons));
        Assert.That(timed.Select(m => m.Value), Is.All.GreaterThan(0), "measured on the real timer, which the fake clock leaves alone");
        Assert.That(timed.Select(m => m.Value), Is.All.LessThan(30), "seconds, not milliseconds");
        Identifiers.AssertNoneIn(recorded.All, [.. Identifiers.PersonnummerForms(Samples.ChildPnr),
            .. Identifiers.PersonnummerForms(Samples.OtherChildPnr), (await ChildId(Samples.ChildPnr))!, certificate.ToString(),
            Tokens.SchoolUnit]);
        Assert.That(recorded.Of("http.server.request.duration").Select(m => m.Tags.GetValueOrDefault("http.route")),
            Has.Some.EqualTo("/api/verifications/"), "ASP.NET Core's instruments were checked too");
    }

    [Test]
    public async Task ConcurrentVerifications_RecordTheBatchesTheGroupCommitCommitted()
    {
        await IssueOk();
        var audit = App.Services.GetRequiredService<IAuditCommit>();
        var before = (audit as SqliteGroupAuditCommit)?.Committed;
        using var recorded = new RecordedMetrics(App.Services);

        var answers = await Task.WhenAll(Enumerable.Range(0, 64).Select(async _ =>
        {
            using var response = await Client(Tokens.School()).PostAsJsonAsync("/api/verifications",
                new { personnummer = Samples.ChildPnr, measure = "insulin" });
            return response.StatusCode;
        }));

        var batches = recorded.Of("egenvard.audit.batch.size").Select(m => (int)m.Value).ToList();
        Assert.That(answers, Is.All.EqualTo(System.Net.HttpStatusCode.OK));
        Assert.That(await AuditCount("action = 'verification'"), Is.EqualTo(64));
        if (audit is SqliteGroupAuditCommit group)
        {
            var after = group.Committed;
            Assert.That(batches.Sum(), Is.EqualTo(64), "every caller in exactly one committed batch");
            Assert.That((batches.Count, batches.Sum()), Is.EqualTo((after.Batches - before!.Value.Batches, after.Callers - before.Value.Callers)));
            Assert.That(batches, Is.All.InRange(1, SqliteGroupAuditCommit.MaxBatch));
        }
        else
        {
            Assert.That(batches, Is.Empty, "PostgreSQL commits each verification on its own: there are no batches to measure");
        }
    }
}
