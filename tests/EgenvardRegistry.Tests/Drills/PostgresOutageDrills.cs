using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Npgsql;
using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.Tests.Drills;

/// <summary>
/// PostgreSQL stopped, until every client has had its 503s, while schools verify and a clinician issues (a cluster of the drill's own, so the
/// suite's server is untouched): every request is answered within seconds, 503 problem details with Retry-After while the
/// database is away and never 500; readiness says unhealthy; and once PostgreSQL is back the same service process answers
/// again by itself, with every certificate it acknowledged stored.
/// </summary>
[TestFixture(Engine.Postgres)]
public sealed class PostgresOutageDrills(Engine engine) : Drill(engine)
{
    /// <summary>How many 503s each client, and how many unhealthy readiness answers, the outage lasts for.</summary>
    private const int OutageAnswers = 8;
    private static readonly TimeSpan FailFast = TimeSpan.FromSeconds(5);
    private static readonly string[] Clients = ["verify-1", "verify-2", "issue"];

    [Test]
    public async Task PostgresStoppedUnderLoad_Answers503Fast_ReadinessUnhealthy_AndRecoversWithoutARestart()
    {
        var cluster = Keep(await PostgresCluster.StartAsync(Folder));
        var service = await StartAsync(RegistryProcess.BaseSettings("postgres", cluster.ConnectionString, Folder));
        var today = StockholmToday;
        var clock = Stopwatch.StartNew();
        var answers = new ConcurrentBag<Answer>();
        var issued = new ConcurrentBag<Guid>();
        using var stop = new CancellationTokenSource();
        using var answered = new SemaphoreSlim(0); // released for every answer a client gets

        async Task Load(string who, string token, Func<HttpClient, Task<HttpResponseMessage>> send)
        {
            using var client = service.Client(token, TimeSpan.FromSeconds(30));
            while (!stop.IsCancellationRequested)
            {
                var started = clock.Elapsed;
                using var response = await send(client);
                var text = await response.Content.ReadAsStringAsync();
                answers.Add(new Answer(who, started, clock.Elapsed, response.StatusCode, response.Content.Headers.ContentType?.MediaType,
                    response.Headers.RetryAfter?.Delta, text));
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    issued.Add(Guid.Parse(JsonNode.Parse(text)!["id"]!.GetValue<string>()));
                }
                answered.Release();
            }
        }

        var load = new[]
        {
            Load("verify-1", Tokens.School(), client => client.PostAsJsonAsync("/api/verifications", new { personnummer = Samples.ChildPnr, measure = "insulin" })),
            Load("verify-2", Tokens.School(), client => client.PostAsJsonAsync("/api/verifications", new { personnummer = Samples.OtherChildPnr, measure = "insulin" })),
            Load("issue", Tokens.Clinician(), client => client.PostAsJsonAsync("/api/certificates", Samples.Certificate(
                validFrom: Samples.Iso(today), validUntil: Samples.Iso(today.AddDays(300)), followUpOn: Samples.Iso(today.AddDays(120))))),
        };
        bool Succeeding(string who, TimeSpan after) => answers.Count(a => a.Who == who && a.Started > after && a.Succeeded) >= 3;
        // Checked again on every answer a client gets (the semaphore), not on a timer.
        async Task AnswersUntil(Func<bool> done, string what)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (!done())
            {
                Assert.That(DateTime.UtcNow, Is.LessThan(deadline), () => $"waited 30 s for {what}\n" + Summary(answers) + service.Output);
                Assert.That(await answered.WaitAsync(TimeSpan.FromSeconds(30)), Is.True,
                    () => $"no client got an answer for 30 s, waiting for {what}\n" + Summary(answers) + service.Output);
            }
        }
        await AnswersUntil(() => Clients.All(who => Succeeding(who, TimeSpan.Zero)), "the load running before the outage");

        await cluster.StopAsync();
        var down = clock.Elapsed;
        var readiness = new List<(HttpStatusCode Status, string Body, TimeSpan Took)>();
        // The outage lasts until every client has had its 503s and readiness has been asked as often, one probe per
        // answer the load gets: paced by the service's own answers, not by a clock.
        bool Noticed(string who) => answers.Count(a => a.Who == who && a.Started > down && a.Status == HttpStatusCode.ServiceUnavailable) >= OutageAnswers;
        using (var probe = service.Client(null, TimeSpan.FromSeconds(30)))
        {
            while (!Clients.All(Noticed) || readiness.Count < OutageAnswers)
            {
                var started = clock.Elapsed;
                using var ready = await probe.GetAsync(new Uri("/health/ready", UriKind.Relative));
                readiness.Add((ready.StatusCode, await ready.Content.ReadAsStringAsync(), clock.Elapsed - started));
                Assert.That(await answered.WaitAsync(TimeSpan.FromSeconds(30)), Is.True,
                    () => "no client got an answer for 30 s during the outage\n" + Summary(answers) + service.Output);
            }
        }
        var restarting = clock.Elapsed;
        await cluster.StartAsync();
        var up = clock.Elapsed;
        await AnswersUntil(() => Clients.All(who => Succeeding(who, up)), "every client answered again after PostgreSQL came back");
        var recovered = answers.Where(a => a.Started > up && a.Succeeded).Min(a => a.Ended) - up;
        await stop.CancelAsync();
        await Task.WhenAll(load);
        Assert.That(service.HasExited, Is.False, "the same process served before, during and after");

        using var healthy = await service.Client(null).GetAsync(new Uri("/health/ready", UriKind.Relative));
        long stored;
        await using (var connection = new NpgsqlConnection(cluster.ConnectionString))
        {
            stored = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM certificates WHERE id = ANY(@ids)", new { ids = issued.ToArray() });
        }
        var duringOutage = answers.Where(a => a.Started > down && a.Ended < restarting).ToList();
        var unavailable = answers.Where(a => a.Status == HttpStatusCode.ServiceUnavailable).ToList();
        Report($"PostgreSQL stopped under load ({(restarting - down).TotalSeconds:0.0} s)", issued.Count, (int)stored, issued.Count - (int)stored, 0, null,
            $"{unavailable.Count} × 503 (slowest {unavailable.Select(a => a.Took).DefaultIfEmpty().Max().TotalMilliseconds:0} ms), " +
            $"{answers.Count(a => a.Status == HttpStatusCode.InternalServerError)} × 500, back {recovered.TotalSeconds:0.0} s after PostgreSQL");

        Assert.Multiple(() =>
        {
            Assert.That(answers.Where(a => !a.Succeeded && a.Status != HttpStatusCode.ServiceUnavailable), Is.Empty, "only successes and 503s, never a 500");
            Assert.That(answers.Where(a => a.Took > FailFast), Is.Empty, "no request held past a few seconds");
            Assert.That(duringOutage, Has.Count.GreaterThan(20).And.All.Matches<Answer>(a => a.Status == HttpStatusCode.ServiceUnavailable),
                "every request while PostgreSQL was down failed fast");
            Assert.That(unavailable, Has.All.Matches<Answer>(a => a.MediaType == "application/problem+json" && a.RetryAfter > TimeSpan.Zero
                && a.Body.Contains("\"status\":503", StringComparison.Ordinal)), "503s are problem details with Retry-After");
            Assert.That(readiness, Has.Count.GreaterThanOrEqualTo(OutageAnswers));
            Assert.That(readiness, Has.All.Matches<(HttpStatusCode Status, string Body, TimeSpan Took)>(
                r => r.Status == HttpStatusCode.ServiceUnavailable && r.Body == "Unhealthy" && r.Took < FailFast), "readiness while PostgreSQL was down");
            Assert.That(healthy.StatusCode, Is.EqualTo(HttpStatusCode.OK), "ready again");
            Assert.That(stored, Is.EqualTo(issued.Count), "every acknowledged certificate is stored");
        });
    }

    private static string Summary(IEnumerable<Answer> answers) =>
        string.Join(", ", answers.GroupBy(a => (a.Who, a.Status)).Select(group => $"{group.Key.Who} {(int)group.Key.Status} ×{group.Count()}")) + "\n";

    private sealed record Answer(string Who, TimeSpan Started, TimeSpan Ended, HttpStatusCode Status, string? MediaType, TimeSpan? RetryAfter, string Body)
    {
        public TimeSpan Took => Ended - Started;

        public bool Succeeded => Status is HttpStatusCode.OK or HttpStatusCode.Created;

        public override string ToString() =>
            $"{Who} {(int)Status} {MediaType} Retry-After {RetryAfter} after {Took.TotalMilliseconds:0} ms at {Started.TotalSeconds:0.0} s";
    }
}
