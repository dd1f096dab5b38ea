using System.Data.Common;
using Dapper;
using EgenvardRegistry.Audit;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Database;
using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.Tests.Audit;

/// <summary>
/// Audit rows cannot be changed or removed through the connection the application itself uses. The tests attack the
/// whole table and count what is left in it, so each has a fresh database, where every audit row is its own.
/// </summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
[FreshDatabase]
public sealed class AuditAppendOnlyTests(Engine engine) : IntegrationTest(engine)
{
    private async Task ExecuteAsApplication(string sql)
    {
        await using var connection = await App.Services.GetRequiredService<IDbConnectionFactory>().OpenAsync(CancellationToken.None);
        await connection.ExecuteAsync(sql);
    }

    private static NUnit.Framework.Constraints.IResolveConstraint RefusedAsAppendOnly =>
        Throws.InstanceOf<DbException>().With.Message.Contains("audit_events is append-only");

    [TestCase("UPDATE audit_events SET outcome = 'denied'")]
    [TestCase("UPDATE audit_events SET actor_id = 'someone-else' WHERE action = 'certificate.issue'")]
    public async Task Update_IsRefused_AndTheEventStaysAsWritten(string sql)
    {
        await IssueOk();
        var before = await AuditRows();

        Assert.That(async () => await ExecuteAsApplication(sql), RefusedAsAppendOnly);

        Assert.That(await AuditRows(), Is.EqualTo(before));
        Assert.That(before.Single().Outcome, Is.EqualTo("ok"));
    }

    [Test]
    public async Task Delete_IsRefused_AndTheEventStays()
    {
        await IssueOk();

        Assert.That(async () => await ExecuteAsApplication("DELETE FROM audit_events WHERE action = 'certificate.issue'"),
            RefusedAsAppendOnly);

        Assert.That(await AuditCount("action = 'certificate.issue'"), Is.EqualTo(1));
    }

    [Test]
    public async Task EmptyingTheTable_IsRefused()
    {
        await IssueOk();
        await IssueOk(Samples.Certificate(childPnr: Samples.OtherChildPnr));

        // PostgreSQL's TRUNCATE fires no row triggers; SQLite has no TRUNCATE, and its whole-table DELETE shortcut
        // is the same thing.
        var sql = Engine == Engine.Postgres ? "TRUNCATE audit_events" : "DELETE FROM audit_events";
        Assert.That(async () => await ExecuteAsApplication(sql), RefusedAsAppendOnly);

        Assert.That(await AuditCount(), Is.EqualTo(2));
    }

    [Test]
    public async Task Insert_IsStillAccepted()
    {
        var at = Clock.GetUtcNow();
        await using (var connection = await App.Services.GetRequiredService<IDbConnectionFactory>().OpenAsync(CancellationToken.None))
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            var admin = new Caller(Roles.Admin, "admin-1", "Admin", null, null, null, null, null);
            await AuditLog.WriteAsync(transaction, AuditEvent.By(admin, at, AuditActions.AuditRead, AuditOutcomes.Ok), CancellationToken.None);
            await transaction.CommitAsync();
        }
        await IssueOk();

        Assert.That((await AuditRows()).Select(row => row.Action), Is.EqualTo(new[] { "audit.read", "certificate.issue" }));
    }

    [Test]
    public async Task SeveralEventsInOneWrite_AreAllRecorded_InOrder_WithTheirFields()
    {
        var at = Clock.GetUtcNow();
        var school = new Caller(Roles.School, "school-1", "Skolan", null, null, "12345678", null, null);
        var (certificate, child) = (Guid.NewGuid(), Guid.NewGuid());
        AuditEvent[] events =
        [
            AuditEvent.By(school, at, AuditActions.CertificateRead, AuditOutcomes.Ok, certificate, child),
            AuditEvent.By(school, at, AuditActions.Verification, "none"),
            AuditEvent.By(school, at.AddSeconds(1), AuditActions.CertificateRead, AuditOutcomes.Ok, child, certificate, "detail"),
        ];
        await using (var connection = await App.Services.GetRequiredService<IDbConnectionFactory>().OpenAsync(CancellationToken.None))
        {
            await AuditLog.WriteAsync(connection, null, events, CancellationToken.None);
        }

        var rows = await AuditRows();

        Assert.That(rows.Select(row => (row.Action, row.Outcome, row.ActorUnit, row.Detail)), Is.EqualTo(new[]
        {
            (AuditActions.CertificateRead, AuditOutcomes.Ok, (string?)"12345678", (string?)null),
            (AuditActions.Verification, "none", "12345678", null),
            (AuditActions.CertificateRead, AuditOutcomes.Ok, "12345678", "detail"),
        }));
        Assert.That(rows.Select(row => (row.CertificateId?.ToLowerInvariant(), row.ChildId?.ToLowerInvariant())), Is.EqualTo(new[]
        {
            (certificate.ToString(), child.ToString()), ((string?)null, (string?)null), (child.ToString(), certificate.ToString()),
        }));
    }
}
