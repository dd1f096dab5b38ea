using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Dapper;
using EgenvardRegistry.Infrastructure.Http;
using EgenvardRegistry.Reminders;
using EgenvardRegistry.Requests;
using EgenvardRegistry.Tests.Infrastructure;
using Hangfire;

namespace EgenvardRegistry.Tests.Reminders;

/// <summary>
/// The embedded default keeps Hangfire's storage in memory: a restart forgets every job, registers the recurring ones
/// again, and loses no reminder, because the outbox table is the ledger.
/// </summary>
public sealed class SchedulerRestartTests
{
    [Test]
    public async Task Restart_OnSqlite_RegistersTheJobsAgain_AndSendsWhatWasWaitingInTheOutbox()
    {
        await using var database = await TestDatabase.CreateAsync(Engine.Sqlite);
        await using var smtp = new FaultySmtpServer(lifetime: TimeSpan.FromMinutes(2));
        var settings = SchedulerTests.SchedulerOn(Cron.Never());
        settings["Smtp:Host"] = "127.0.0.1";
        settings["Smtp:Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture);
        settings["Smtp:Security"] = "none";
        settings["Smtp:From"] = "Egenvårdsregistret <noreply@egenvard.test>";
        smtp.Next(SmtpFault.Reject421AtMail);

        DateTimeOffset due;
        await using (var before = new RegistryApp(database, settings))
        {
            using var issued = await before.ClientFor(Tokens.Clinician())
                .PostAsJsonAsync("/api/certificates", Samples.CertificateExpiringIn(before.Clock.Today, 14));
            Assert.That(issued.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            before.Services.GetRequiredService<IBackgroundJobClient>().Enqueue<ReminderJobs>(job => job.ScanAsync(CancellationToken.None));
            due = await WaitForRetry(database);
        }

        await using var after = new RegistryApp(database, settings);
        after.Clock.SetUtcNow(due);
        _ = after.Server;
        var storage = after.Services.GetRequiredService<JobStorage>();
        // The row is marked just after the server takes the message: wait for the mark, not for the mail.
        var row = await Eventually.Until(async () =>
        {
            await using var connection = await database.OpenAsync();
            return await connection.QuerySingleAsync<(string Status, long Attempts)>("SELECT status, attempts FROM notifications");
        }, row => row.Status == "sent", "the waiting reminder, sent by the restarted node");

        Assert.That(storage.RecurringJobs().Select(job => job.Id),
            Is.EquivalentTo(new[] { ReminderJobs.ScanId, ReminderJobs.DispatchId, PurgeJob.Id, RequestJobs.ExpireId }));
        Assert.That(row.Attempts, Is.EqualTo(2));
        Assert.That(smtp.Received, Has.Count.EqualTo(1));
    }

    private static async Task<DateTimeOffset> WaitForRetry(TestDatabase database)
    {
        DateTimeOffset? due = null;
        await Eventually.Until(() =>
        {
            using var connection = database.OpenAsync().GetAwaiter().GetResult();
            due = connection.QuerySingleOrDefault<DateTimeOffset?>(
                "SELECT next_attempt_at FROM notifications WHERE status = 'pending' AND attempts = 1");
            return due is not null;
        }, "the refused first attempt");
        return due!.Value;
    }
}
