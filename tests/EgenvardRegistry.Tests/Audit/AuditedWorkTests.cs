using System.Data.Common;
using Dapper;
using EgenvardRegistry.Audit;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Database;
using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.Tests.Audit;

/// <summary>The audited unit of work every store uses: the work and the events that record it commit together or not at all.</summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class AuditedWorkTests(Engine engine) : IntegrationTest(engine)
{
    private static readonly Caller Admin = new(Roles.Admin, "admin-1", "Admin", null, null, null, null, null);

    private IDbConnectionFactory Db => App.Services.GetRequiredService<IDbConnectionFactory>();

    private AuditEvent Read() => AuditEvent.By(Admin, Clock.GetUtcNow(), AuditActions.AuditRead, AuditOutcomes.Ok);

    private async Task AddChild(DbTransaction transaction) => await transaction.Connection!.ExecuteAsync(new CommandDefinition(
        "INSERT INTO children (id, personnummer, name, created_at) VALUES (@Id, @Personnummer, @Name, @Now)",
        new { Id = Guid.NewGuid(), Personnummer = Samples.ChildPnr, Name = "Alva Lind", Now = Clock.GetUtcNow() }, transaction));

    [Test]
    public async Task Work_CommitsWithItsAuditEvents()
    {
        var result = await Db.RunAuditedAsync(async transaction =>
        {
            await AddChild(transaction);
            return Audited.With(42, Read(), Read());
        }, CancellationToken.None);

        Assert.That(result, Is.EqualTo(42));
        Assert.That(await Count("children"), Is.EqualTo(1));
        Assert.That((await AuditRows()).Select(row => row.Action), Is.EqualTo(new[] { "audit.read", "audit.read" }));
    }

    [Test]
    public async Task WorkWithNoAuditEvents_CommitsAndWritesNone()
    {
        await Db.RunAuditedAsync(async transaction =>
        {
            await AddChild(transaction);
            return Audited.With(true);
        }, CancellationToken.None);

        Assert.That(await Count("children"), Is.EqualTo(1));
        Assert.That(await AuditCount(), Is.Zero);
    }

    [Test]
    public async Task WorkThatThrows_IsRolledBack_AndWritesNoAuditEvent()
    {
        Assert.That(async () => await Db.RunAuditedAsync<int>(async transaction =>
        {
            await AddChild(transaction);
            throw new InvalidOperationException("the work failed");
        }, CancellationToken.None), Throws.InvalidOperationException.With.Message.EqualTo("the work failed"));

        Assert.That(await Count("children"), Is.Zero);
        Assert.That(await AuditCount(), Is.Zero);
    }

    [Test]
    public async Task AuditEventThatCannotBeWritten_RollsTheWorkBack()
    {
        var unwritable = Read() with { ActorRole = null! }; // audit_events.actor_role is NOT NULL

        Assert.That(async () => await Db.RunAuditedAsync(async transaction =>
        {
            await AddChild(transaction);
            return Audited.With(true, unwritable);
        }, CancellationToken.None), Throws.InstanceOf<DbException>());

        Assert.That(await Count("children"), Is.Zero);
        Assert.That(await AuditCount(), Is.Zero);
    }

    [Test]
    public async Task WorkThatStartsAnotherAuditedUnit_IsRefused_RatherThanWaitingForItsOwnTurn()
    {
        Assert.That(async () => await Db.RunAuditedAsync(async _ =>
        {
            await Db.RunAuditedAsync(async transaction =>
            {
                await AddChild(transaction);
                return Audited.With(true, Read());
            }, CancellationToken.None);
            return Audited.With(true, Read());
        }, CancellationToken.None), Throws.InvalidOperationException.With.Message.Contains("may not start another"));

        Assert.That(await Count("children"), Is.Zero);
        Assert.That(await AuditCount(), Is.Zero);
    }

    [Test]
    public async Task UnitsOfWorkOneAfterAnother_AreNotNested()
    {
        for (var i = 0; i < 3; i++)
        {
            await Db.RunAuditedAsync(async _ => { await Task.Yield(); return Audited.With(true, Read()); }, CancellationToken.None);
        }

        Assert.That(await AuditCount(), Is.EqualTo(3));
    }
}
