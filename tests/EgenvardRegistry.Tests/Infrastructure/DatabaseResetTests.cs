using System.Data.Common;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Dapper;
using EgenvardRegistry.Infrastructure.Http;
using Hangfire;
using Microsoft.AspNetCore.DataProtection;

namespace EgenvardRegistry.Tests.Infrastructure;

/// <summary>
/// The reset every <see cref="IntegrationTest"/> starts with: Respawn empties the registry's tables, and leaves the
/// migration journal, the append-only audit table, triggers included, and the hosts' Data Protection key ring as they
/// are. Each test has a fresh database, so Respawn first reads it here, after the data is in, and the audit table holds
/// only the test's own rows.
/// </summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
[FreshDatabase]
public sealed class DatabaseResetTests(Engine engine) : IntegrationTest(engine)
{
    private static readonly string[] Kept = ["schema_migrations", "audit_events", "data_protection_keys"];

    [Test]
    public async Task Reset_EmptiesEveryTable_ButTheMigrationJournalTheAuditTableAndTheKeyRing()
    {
        await FillEveryTable();
        var tables = await Tables();
        var before = await RowCounts(tables);
        var auditBefore = await AuditRows();

        await App.Database.ResetAsync();

        var after = await RowCounts(tables);
        var emptied = tables.Except(Kept).ToList();
        Assert.That(tables, Is.SupersetOf(new[]
        {
            "children", "guardians", "certificates", "certificate_guardians", "certificate_measures", "certificate_shares",
            "certificate_history", "notifications", "idempotency_keys", "schema_migrations", "audit_events", "concerns",
            "certificate_follow_ups", "data_protection_keys",
            "units", "share_consents",
            "certificate_requests", "certificate_request_measures", "certificate_request_recipients",
            "signed_certificates",
        }));
        Assert.That(emptied.Where(table => before[table] == 0), Is.Empty, "the scenario writes to every table the reset empties");
        Assert.That(emptied.Where(table => after[table] != 0), Is.Empty);
        Assert.That(after["schema_migrations"], Is.EqualTo(before["schema_migrations"]).And.GreaterThan(0));
        Assert.That(after["audit_events"], Is.EqualTo(before["audit_events"]).And.GreaterThan(0));
        Assert.That(await AuditRows(), Is.EqualTo(auditBefore));
        Assert.That(after["data_protection_keys"], Is.EqualTo(before["data_protection_keys"]).And.GreaterThan(0));
    }

    [Test]
    public async Task Reset_KeepsTheKeyRing_SoAHostStartedAfterItReadsWhatTheRunningHostProtected()
    {
        // What a sign-in cookie or an anti-forgery token is: text protected with the host's cached key ring.
        var protectedText = App.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("reset-test").Protect("Alva");

        await App.Database.ResetAsync();
        await using var next = App.WithDatabase(App.Database);
        _ = next.Server;

        Assert.That(next.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("reset-test").Unprotect(protectedText),
            Is.EqualTo("Alva"), "had the reset emptied the key table, the new host would have made a key of its own");
    }

    [Test]
    public async Task Reset_LeavesTheAuditTriggersInPlace_StillRefusingDeletes()
    {
        await FillEveryTable();
        var auditBefore = await AuditRows();

        await App.Database.ResetAsync();

        Assert.That(await AuditTriggerNames(), Is.EqualTo(Engine == Engine.Postgres
            ? new[] { "audit_events_no_truncate", "audit_events_no_update_or_delete" }
            : new[] { "audit_events_no_delete", "audit_events_no_update" }));
        // The tests' own connection, superuser on PostgreSQL, is refused too: nothing switched the triggers off.
        Assert.That(async () => await Execute("DELETE FROM audit_events"),
            Throws.InstanceOf<DbException>().With.Message.Contains("audit_events is append-only"));
        Assert.That(await AuditRows(), Is.EqualTo(auditBefore));
    }

    [Test]
    public async Task Reset_KeepsAuditIdsGrowing_SoAWatermarkTakenBeforeItStillHolds()
    {
        await IssueOk();
        var lastBefore = (await AuditRows())[^1].Id;

        await App.Database.ResetAsync();
        await IssueOk();

        // The audit rows stay and so does their counter (SQLite's sqlite_sequence, PostgreSQL's identity): no id is used twice.
        Assert.That((await AuditRows()).Select(row => row.Id), Is.EqualTo(new[] { lastBefore, lastBefore + 1 }));
    }

    /// <summary>
    /// Children, guardians, certificates and their parts, a renewal (a certificate referring to another), an idempotency
    /// key, reminders, an instructed staff member and her removal, a concern, a follow-up, the unit directory and a guardian's
    /// consent, a certificate request with its e-mail, a withdrawal
    /// with its e-mail to the unit, a guardian's own address with a care unit's suggestion beside it and the notice of the
    /// change to the old address.
    /// </summary>
    private async Task FillEveryTable()
    {
        var until = Clock.Today.AddDays(7);
        using var issue = new HttpRequestMessage(HttpMethod.Post, "/api/certificates")
        {
            Content = JsonContent.Create(Samples.Certificate(validFrom: Iso(until.AddMonths(-12)), validUntil: Iso(until),
                followUpOn: Iso(until.AddMonths(-6)))),
        };
        issue.Headers.Add("Idempotency-Key", "reset-test");
        using var issued = await Client(Tokens.Clinician()).SendAsync(issue);
        Assert.That(issued.StatusCode, Is.EqualTo(HttpStatusCode.Created));

        var other = await IssueOk(Samples.Certificate(childPnr: Samples.OtherChildPnr));
        using var renewed = await Renew(other, ifMatch: "\"1\"");
        Assert.That(renewed.StatusCode, Is.EqualTo(HttpStatusCode.Created));

        using var run = await Client(Tokens.Admin()).PostAsync("/api/admin/reminders/run", null);
        Assert.That(run.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var renewal = (await renewed.ReadJson())["id"]!.GetValue<string>();
        using var instructed = await Client(Tokens.School()).PostAsJsonAsync($"/api/certificates/{renewal}/instructions",
            new { staffName = "Anna Svensson", staffRole = "Elevassistent", instructedBy = "Eva Holm", instructedOn = Iso(Clock.Today) });
        var entry = (await instructed.ReadJson())["id"]!.GetValue<string>();
        using var removed = await Client(Tokens.School()).DeleteAsync($"/api/certificates/{renewal}/instructions/{entry}");
        Assert.That(removed.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        using var concern = await Client(Tokens.School()).PostAsJsonAsync($"/api/certificates/{other}/concerns",
            new { category = "staffing", description = "Ingen instruerad personal i dag.", guardiansInformed = true });
        Assert.That(concern.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        using var followUp = await Client(Tokens.Clinician()).PostAsJsonAsync($"/api/certificates/{renewal}/follow-ups",
            new { doneOn = Iso(Clock.Today), note = "Uppföljning gjord på mottagningen." });
        Assert.That(followUp.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        await Client(Tokens.Admin()).ImportOk();
        using var shared = await Client(Tokens.Guardian()).PostAsJsonAsync($"/api/guardians/me/certificates/{renewal}/shares",
            new { unit = UnitSamples.Preschool });
        Assert.That(shared.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        using var request = await Client(Tokens.School()).PostAsJsonAsync("/api/certificate-requests", new
        {
            personnummer = Samples.OtherChildPnr, childName = "Nils Lind", measures = new[] { "inhaler" }, message = "Vi behöver ett intyg.",
        });
        Assert.That(request.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        // The school unit has a contact address in the directory: the withdrawal queues an e-mail to it.
        using var withdrawn = await Client(Tokens.Guardian()).DeleteAsync(
            $"/api/guardians/me/certificates/{renewal}/shares/{Tokens.SchoolUnit}");
        Assert.That(withdrawn.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(await Count("notifications", "kind = 'share-withdrawn'"), Is.EqualTo(1));
        using var contact = await Client(Tokens.Guardian()).PutAsJsonAsync("/api/guardians/me/contact",
            new { email = "sara.egen@example.se", remindersEnabled = true });
        Assert.That(contact.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var suggesting = Samples.Certificate(measures: "oxygen");
        suggesting["guardians"]![0]!["email"] = "sara.jobb@example.se";
        await IssueOk(suggesting);
        Assert.That(await Count("notifications", "kind = 'email-changed'"), Is.EqualTo(1));
        Assert.That(await Count("guardians", "suggested_email IS NOT NULL AND email_source = 'guardian'"), Is.EqualTo(1));
    }

    private async Task<IReadOnlyList<string>> Tables()
    {
        await using var connection = await App.Database.OpenAsync();
        return (await connection.QueryAsync<string>(Engine == Engine.Postgres
            ? "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
            : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")).ToList();
    }

    /// <summary>Every row of each table, the audit table's included, not only this test's (the database is its own).</summary>
    private async Task<Dictionary<string, long>> RowCounts(IEnumerable<string> tables)
    {
        await using var connection = await App.Database.OpenAsync();
        var counts = new Dictionary<string, long>();
        foreach (var table in tables)
        {
            counts[table] = await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM \"{table}\"");
        }
        return counts;
    }

    private async Task<IReadOnlyList<string>> AuditTriggerNames()
    {
        await using var connection = await App.Database.OpenAsync();
        return (await connection.QueryAsync<string>(Engine == Engine.Postgres
            ? "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_events'::regclass AND NOT tgisinternal ORDER BY tgname"
            : "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_events' ORDER BY name")).ToList();
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>Respawn resets PostgreSQL's <c>public</c> schema only: Hangfire keeps its tables in a schema of its own.</summary>
[TestFixture(Engine.Postgres)]
[FreshDatabase]
public sealed class DatabaseResetSchemaTests(Engine engine) : IntegrationTest(engine)
{
    [Test]
    public async Task Reset_LeavesHangfiresTablesAlone()
    {
        // The host runs no jobs, so a queued one stays in Hangfire's tables.
        var jobId = App.Services.GetRequiredService<IBackgroundJobClient>()
            .Enqueue<PurgeJob>(job => job.RunAsync(CancellationToken.None));
        await IssueOk();

        await App.Database.ResetAsync();

        await using var connection = await App.Database.OpenAsync();
        Assert.That(await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM hangfire.job WHERE id = @id",
            new { id = long.Parse(jobId, CultureInfo.InvariantCulture) }), Is.EqualTo(1));
        Assert.That(await Count("certificates"), Is.EqualTo(0));
    }
}
