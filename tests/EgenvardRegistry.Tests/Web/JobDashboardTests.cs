using System.Net;
using System.Net.Http.Json;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Http;
using EgenvardRegistry.Infrastructure.Scheduling;
using EgenvardRegistry.Reminders;
using EgenvardRegistry.Tests.Infrastructure;
using EgenvardRegistry.Tests.Reminders;
using Hangfire;
using Hangfire.States;

namespace EgenvardRegistry.Tests.Web;

/// <summary>
/// The Hangfire Dashboard at <c>/admin/jobb</c>: administrators signed in to the pages see it, read-only; everyone else
/// is sent to sign in or refused; and nothing about a child reaches it.
/// </summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class JobDashboardTests(Engine engine)
{
    private TestDatabase _database = null!;
    private RegistryApp _app = null!;

    [OneTimeSetUp]
    public async Task StartHostWithTheScheduler()
    {
        _database = await TestDatabase.CreateAsync(engine);
        // Development, for the sign-in page; the jobs are registered but never fire by themselves.
        _app = new RegistryApp(_database, SchedulerTests.SchedulerOn(Cron.Never(), dispatchCron: Cron.Never()), environment: "Development");
        _ = _app.Server;
    }

    [OneTimeTearDown]
    public async Task StopHost()
    {
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    [TestCase("/admin/jobb")]
    [TestCase("/admin/jobb/recurring")]
    [TestCase("/admin/jobb/jobs/succeeded")]
    public async Task Anonymous_IsSentToSignIn(string path)
    {
        using var response = await _app.Anonymous().GetAsync(path);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(response.Headers.Location!.OriginalString, Does.Contain("/logga-in?ReturnUrl=" + Uri.EscapeDataString(path)));
    }

    [TestCase(Roles.Clinician)]
    [TestCase(Roles.School)]
    [TestCase(Roles.Guardian)]
    public async Task OtherRoles_AreRefused(string role)
    {
        var client = await _app.SignInAsync(role);

        foreach (var path in new[] { "/admin/jobb", "/admin/jobb/recurring" })
        {
            using var response = await client.GetAsync(path);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), path);
            Assert.That(response.Headers.Location!.OriginalString, Does.Contain("/ingen-behorighet"), path);
        }
        using var stats = await client.PostAsync("/admin/jobb/stats", new FormUrlEncodedContent([new("metrics[]", "stats:succeeded")]));
        Assert.That(stats.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), "the dashboard's data calls are refused too");
        Assert.That(await stats.Content.ReadAsStringAsync(), Does.Not.Contain("stats:succeeded"));
    }

    [Test]
    public async Task AnApiToken_DoesNotOpenIt()
    {
        using var response = await _app.ClientFor(Tokens.Admin()).GetAsync("/admin/jobb");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(response.Headers.Location!.OriginalString, Does.Contain("/logga-in"));
    }

    [Test]
    public async Task Admin_SeesTheRecurringJobs_WithTheirSchedules()
    {
        var admin = await _app.SignInAsync(Roles.Admin);

        var page = await admin.GetPage("/admin/jobb/recurring");

        Assert.That(page, Does.Contain(ReminderJobs.ScanId).And.Contain(ReminderJobs.DispatchId).And.Contain(PurgeJob.Id));
        Assert.That(page, Does.Contain("30 3 * * *"));
        Assert.That(page, Does.Contain("Egenvårdsregistret – schemalagda jobb"));
        Assert.That(page, Does.Contain("<html lang=\"sv\""), "Hangfire's own Swedish, named as such");
        Assert.That(await admin.GetPage("/admin"), Does.Contain($"href=\"{SchedulerRegistration.DashboardPath}\""));
    }

    [Test]
    public async Task Admin_CannotChangeAnything()
    {
        var admin = await _app.SignInAsync(Roles.Admin);
        var page = await admin.GetPage("/admin/jobb/recurring");

        using var trigger = await admin.PostAsync("/admin/jobb/recurring/trigger",
            new FormUrlEncodedContent([new("jobs[]", ReminderJobs.ScanId)]));
        using var remove = await admin.PostAsync("/admin/jobb/recurring/remove",
            new FormUrlEncodedContent([new("jobs[]", ReminderJobs.ScanId)]));

        Assert.That(page, Does.Not.Contain("js-jobs-list-command"), "no trigger or delete buttons");
        Assert.That(trigger.IsSuccessStatusCode, Is.False);
        Assert.That(remove.IsSuccessStatusCode, Is.False);
        var scan = _app.Services.GetRequiredService<JobStorage>().RecurringJobs().Single(job => job.Id == ReminderJobs.ScanId);
        Assert.That(scan.LastJobId, Is.Null, "not triggered");
        Assert.That(scan.Removed, Is.False);
    }

    [Test]
    public async Task JobsShown_CarryNoPersonalData()
    {
        using (var issued = await _app.ClientFor(Tokens.Clinician())
            .PostAsJsonAsync("/api/certificates", Samples.CertificateExpiringIn(_app.Clock.Today, 14)))
        {
            Assert.That(issued.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        }
        var storage = _app.Services.GetRequiredService<JobStorage>();
        var jobId = _app.Services.GetRequiredService<IBackgroundJobClient>().Enqueue<ReminderJobs>(job => job.ScanAsync(CancellationToken.None));
        Assert.That(await storage.WaitForState(jobId, SucceededState.StateName), Is.EqualTo(SucceededState.StateName));
        var admin = await _app.SignInAsync(Roles.Admin);

        var pages = new[] { "/admin/jobb", "/admin/jobb/jobs/succeeded", $"/admin/jobb/jobs/details/{jobId}", "/admin/jobb/recurring" };
        foreach (var path in pages)
        {
            var page = await admin.GetPage(path);
            Assert.That(page, Does.Not.Contain(Samples.ChildPnr).And.Not.Contain(Tokens.GuardianPnr), path);
            Assert.That(page, Does.Not.Contain("Alva").And.Not.Contain("sara.lind"), path);
        }
        Assert.That(await admin.GetPage($"/admin/jobb/jobs/details/{jobId}"), Does.Contain("ScanAsync"));
    }
}
