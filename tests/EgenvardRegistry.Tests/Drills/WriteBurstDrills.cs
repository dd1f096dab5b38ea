using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.Tests.Drills;

/// <summary>
/// kill -9 of the service in the middle of a burst of clinicians issuing and renewing and schools verifying, over real
/// HTTP: after a restart every write a client saw acknowledged (201) is there with its parts and its audit event, every
/// verification that was answered (200) has its audit event, and nothing is half-written.
/// </summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class WriteBurstDrills(Engine engine) : Drill(engine)
{
    private static readonly string[] Children = [Samples.ChildPnr, Samples.OtherChildPnr, "201304051236"];
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Test]
    public async Task KillDuringABurstOfIssueRenewAndVerify_Restart_EveryAcknowledgedWriteAndAnsweredVerificationIsThere()
    {
        var database = await DatabaseAsync();
        var settings = RegistryProcess.BaseSettings(database, Folder);
        var service = await StartAsync(settings);
        var today = StockholmToday;

        var issued = new ConcurrentBag<Guid>();
        var toRenew = new ConcurrentQueue<Guid>();
        var renewed = new ConcurrentBag<(Guid Old, Guid New)>();
        var verified = new ConcurrentBag<string>();
        var refusals = new ConcurrentBag<string>();
        var cutOff = 0;
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var killed = false;

        void CheckEnough()
        {
            if (issued.Count >= 80 && renewed.Count >= 30 && verified.Count >= 80)
            {
                enough.TrySetResult();
            }
        }

        // Each client sends until the kill cuts its request off; anything but the expected answer before that is a refusal.
        async Task Client(string token, Func<HttpClient, int, Task<HttpResponseMessage?>> send, Action<JsonObject, HttpRequestMessage> acknowledged,
            HttpStatusCode expected)
        {
            using var client = service.Client(token);
            for (var i = 0; !Volatile.Read(ref killed); i++)
            {
                HttpResponseMessage? response;
                try
                {
                    response = await send(client, i);
                }
                catch (HttpRequestException) when (Volatile.Read(ref killed) || service.HasExited)
                {
                    Interlocked.Increment(ref cutOff);
                    return;
                }
                if (response is null)
                {
                    await Task.Delay(5);
                    continue;
                }
                using (response)
                {
                    var text = await response.Content.ReadAsStringAsync();
                    if (response.StatusCode != expected)
                    {
                        refusals.Add($"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {text}");
                        continue;
                    }
                    acknowledged((JsonObject)JsonNode.Parse(text)!, response.RequestMessage!);
                }
                CheckEnough();
            }
        }

        Task Issuer(int clinician) => Client(Tokens.Clinician(sub: $"clinician-{clinician}"),
            async (client, i) => await client.PostAsJsonAsync("/api/certificates", Samples.Certificate(childPnr: Children[i % Children.Length],
                validFrom: Samples.Iso(today.AddDays(-30)), validUntil: Samples.Iso(today.AddDays(300)), followUpOn: Samples.Iso(today.AddDays(120)))),
            (json, _) =>
            {
                var id = Guid.Parse(json["id"]!.GetValue<string>());
                issued.Add(id);
                toRenew.Enqueue(id);
            }, HttpStatusCode.Created);

        Task Renewer() => Client(Tokens.Clinician(sub: "clinician-renewing"),
            async (client, _) => toRenew.TryDequeue(out var renewing)
                ? await client.PostAsJsonAsync($"/api/certificates/{renewing}/renewals", new JsonObject
                {
                    ["validFrom"] = Samples.Iso(today), ["validUntil"] = Samples.Iso(today.AddDays(330)), ["followUpOn"] = Samples.Iso(today.AddDays(150)),
                })
                : null,
            (json, _) => renewed.Add((Guid.Parse(json["replaces"]!.GetValue<string>()), Guid.Parse(json["id"]!.GetValue<string>()))),
            HttpStatusCode.Created);

        // Every verification has a caller of its own (its token's sub), so its audit event can be told from the others'.
        Task Verifier(int school) => Client(Tokens.School(),
            async (client, i) =>
            {
                var caller = $"drill-school-{school}-{i}";
                var request = new HttpRequestMessage(HttpMethod.Post, "/api/verifications")
                {
                    Content = JsonContent.Create(new { personnummer = Children[i % Children.Length], measure = "insulin" }),
                };
                request.Headers.Authorization = new("Bearer", Tokens.Mint(new()
                {
                    ["sub"] = caller, ["name"] = "Per Ek", ["role"] = "school", ["school_unit"] = Tokens.SchoolUnit,
                }));
                request.Options.Set(Caller, caller);
                return await client.SendAsync(request);
            },
            (_, request) => verified.Add(request.Options.TryGetValue(Caller, out var caller) ? caller : ""),
            HttpStatusCode.OK);

        var load = new List<Task> { Issuer(1), Issuer(2), Renewer(), Verifier(1), Verifier(2) };
        await Task.WhenAny(enough.Task, Task.WhenAll(load)).WaitAsync(Patience);
        Assert.That(enough.Task.IsCompleted, Is.True, () => $"the burst stopped early: {string.Join('\n', refusals)}\n{service.Output}");
        Volatile.Write(ref killed, true);
        service.Kill();
        await Task.WhenAll(load).WaitAsync(Patience);
        Assert.That(refusals, Is.Empty, "every request before the kill was answered as expected");

        var restarted = await StartAsync(settings);
        var certificates = (await Query<CertificateRow>(database, """
            SELECT c.id, c.status, c.replaces,
                   (SELECT COUNT(*) FROM certificate_measures m WHERE m.certificate_id = c.id) AS measures,
                   (SELECT COUNT(*) FROM certificate_guardians g WHERE g.certificate_id = c.id) AS guardians
            FROM certificates c
            """)).ToDictionary(row => row.Id);
        var events = await Query<AuditRow>(database, """
            SELECT action, actor_id, certificate_id FROM audit_events
            WHERE action IN ('certificate.issue', 'certificate.renew', 'verification')
            """);
        var issueEvents = events.Where(e => e.Action == "certificate.issue").Select(e => e.CertificateId).ToHashSet();
        var renewEvents = events.Where(e => e.Action == "certificate.renew").Select(e => e.CertificateId).ToHashSet();
        var verifiers = events.Where(e => e.Action == "verification").Select(e => e.ActorId).ToHashSet();

        var missingIssues = issued.Where(id => !certificates.ContainsKey(id) || !issueEvents.Contains(id)).ToList();
        var missingRenewals = renewed.Where(renewal =>
            !certificates.TryGetValue(renewal.New, out var successor) || successor.Replaces != renewal.Old
            || certificates[renewal.Old].Status != "replaced" || !(renewEvents.Contains(renewal.New) || renewEvents.Contains(renewal.Old))).ToList();
        var missingVerifications = verified.Where(caller => !verifiers.Contains(caller)).ToList();
        var acknowledged = issued.Count + renewed.Count + verified.Count;
        var lost = missingIssues.Count + missingRenewals.Count + missingVerifications.Count;
        Report("kill -9 during issue/renew/verify", acknowledged, acknowledged - lost, lost, 0, cutOff,
            $"{issued.Count} issued, {renewed.Count} renewed, {verified.Count} verified");

        Assert.Multiple(() =>
        {
            Assert.That(verified, Has.None.Empty, "every answered verification named its caller");
            Assert.That(missingIssues, Is.Empty, "acknowledged certificates, each with its issue event");
            Assert.That(missingRenewals, Is.Empty, "acknowledged renewals: the successor, the old one replaced, the renew event");
            Assert.That(missingVerifications, Is.Empty, "answered verifications, each with its audit event");
            Assert.That(certificates.Values.Where(c => c.Measures == 0 || c.Guardians == 0), Is.Empty, "no certificate without its parts");
            Assert.That(certificates.Values.Where(c => c.Status == "replaced" && !certificates.Values.Any(s => s.Replaces == c.Id)), Is.Empty,
                "no certificate replaced by nothing");
            Assert.That(certificates.Values.Where(c => c.Replaces is { } old && certificates[old].Status != "replaced"), Is.Empty,
                "no renewal whose predecessor is still active");
        });

        // The restarted service reads what the first one acknowledged.
        using var reader = restarted.Client(Tokens.Clinician());
        using var read = await reader.GetAsync(new Uri($"/api/certificates/{renewed.First().New}", UriKind.Relative));
        var body = await read.ReadJson();
        Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.OK), body.ToJsonString());
        Assert.That(body["replaces"]!.GetValue<string>(), Is.EqualTo(renewed.First().Old.ToString()));
    }

    private static readonly HttpRequestOptionsKey<string> Caller = new("drill-caller");

    private sealed class CertificateRow
    {
        public Guid Id { get; set; }
        public string Status { get; set; } = "";
        public Guid? Replaces { get; set; }
        public long Measures { get; set; }
        public long Guardians { get; set; }
    }

    private sealed class AuditRow
    {
        public string Action { get; set; } = "";
        public string ActorId { get; set; } = "";
        public Guid? CertificateId { get; set; }
    }
}
