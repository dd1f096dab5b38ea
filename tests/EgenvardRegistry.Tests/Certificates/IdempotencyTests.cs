using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.Tests.Certificates;

[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class IdempotencyTests(Engine engine) : IntegrationTest(engine)
{
    private const string Key = "4f1c2b9e-issue-1";

    [Test]
    public async Task Issue_SameKeySameBody_ReplaysTheFirstResponseWithoutIssuingAgain()
    {
        var body = Samples.Certificate();

        using var first = await IssueWithKey(body, Key);
        using var again = await IssueWithKey(body, Key);

        var firstBody = await first.Content.ReadAsStringAsync();
        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Created), firstBody);
        Assert.Multiple(async () =>
        {
            Assert.That(first.Headers.Contains("Idempotent-Replayed"), Is.False);
            Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(await again.Content.ReadAsStringAsync(), Is.EqualTo(firstBody));
            Assert.That(again.Headers.Location, Is.EqualTo(first.Headers.Location));
            Assert.That(again.Headers.ETag, Is.EqualTo(first.Headers.ETag));
            Assert.That(again.Content.Headers.ContentType, Is.EqualTo(first.Content.Headers.ContentType));
            Assert.That(again.Headers.GetValues("Idempotent-Replayed"), Is.EqualTo(new[] { "true" }));
            Assert.That(again.Headers.CacheControl!.NoStore, Is.True);
            Assert.That(await Count("certificates"), Is.EqualTo(1));
            Assert.That(await AuditCount(), Is.EqualTo(1));
            Assert.That(App.Logs.Lines.Where(line => line.Contains(Samples.ChildPnr, StringComparison.Ordinal)), Is.Empty);
        });
    }

    [Test]
    public async Task Issue_SameKeyDifferentBody_Returns422AndIssuesNothing()
    {
        using var first = await IssueWithKey(Samples.Certificate(), Key);
        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Created));

        using var other = await IssueWithKey(Samples.Certificate(measures: "adrenaline"), Key);
        var problem = await other.ReadJson();

        Assert.Multiple(async () =>
        {
            Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
            Assert.That(other.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That(problem["status"]!.GetValue<int>(), Is.EqualTo(422));
            Assert.That(problem["title"]!.GetValue<string>(), Does.Contain("Idempotency-Key"));
            Assert.That(other.Headers.Contains("Idempotent-Replayed"), Is.False);
            Assert.That(await Count("certificates"), Is.EqualTo(1));
            Assert.That(await AuditCount(), Is.EqualTo(1));
        });

        using var replay = await IssueWithKey(Samples.Certificate(), Key);
        Assert.That(replay.Headers.Location, Is.EqualTo(first.Headers.Location), "the key still answers its own request");
    }

    [Test]
    public async Task Issue_SameKeyFromAnotherCaller_IsIndependent()
    {
        var body = Samples.Certificate();

        using var mine = await IssueWithKey(body, Key, Tokens.Clinician(sub: "clinician-1"));
        using var theirs = await IssueWithKey(body, Key, Tokens.Clinician(sub: "clinician-2"));

        Assert.Multiple(async () =>
        {
            Assert.That(mine.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(theirs.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(theirs.Headers.Contains("Idempotent-Replayed"), Is.False);
            Assert.That(theirs.Headers.Location, Is.Not.EqualTo(mine.Headers.Location));
            Assert.That(await Count("certificates"), Is.EqualTo(2));
            Assert.That(await Count("idempotency_keys"), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Issue_SameKeyWhileTheFirstIsStillRunning_Returns409()
    {
        var body = Samples.Certificate();
        using var first = await IssueWithKey(body, Key);
        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        // Back to the state the row has while the first request runs: claimed, no response yet.
        await Execute("""
            UPDATE idempotency_keys
            SET state = 'in-flight', response_status = NULL, response_headers = NULL, response_body = NULL
            """);

        using var retry = await IssueWithKey(body, Key);
        var problem = await retry.ReadJson();

        Assert.Multiple(async () =>
        {
            Assert.That(retry.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
            Assert.That(retry.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That(problem["status"]!.GetValue<int>(), Is.EqualTo(409));
            Assert.That(retry.Headers.RetryAfter, Is.Not.Null);
            Assert.That(await Count("certificates"), Is.EqualTo(1));
            Assert.That(await AuditCount(), Is.EqualTo(1));
        });
    }

    [TestCase(2)]
    [TestCase(8)]
    public async Task Issue_SameKeyAtOnce_IssuesExactlyOneCertificate(int requests)
    {
        var body = Samples.Certificate();

        var responses = await Task.WhenAll(Enumerable.Range(0, requests).Select(_ => IssueWithKey(body, Key)));
        try
        {
            var created = responses.Where(r => r.StatusCode == HttpStatusCode.Created).ToList();
            var executed = created.Where(r => !r.Headers.Contains("Idempotent-Replayed")).ToList();
            Assert.Multiple(async () =>
            {
                Assert.That(responses.Select(r => r.StatusCode),
                    Is.All.EqualTo(HttpStatusCode.Created).Or.EqualTo(HttpStatusCode.Conflict));
                Assert.That(executed, Has.Count.EqualTo(1));
                Assert.That(created.Select(r => r.Headers.Location).Distinct().Count(), Is.EqualTo(1));
                Assert.That(await Count("certificates"), Is.EqualTo(1));
                Assert.That(await AuditCount(), Is.EqualTo(1));
                Assert.That(await Count("idempotency_keys", "state = 'done'"), Is.EqualTo(1));
            });
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
    }

    [Test]
    public async Task Issue_InvalidCertificateWithKey_StoresThe400AndReplaysIt()
    {
        var invalid = Samples.Certificate();
        invalid.Remove("validUntil");

        using var first = await IssueWithKey(invalid, Key);
        using var again = await IssueWithKey(invalid, Key);
        var firstBody = await first.Content.ReadAsStringAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await again.Content.ReadAsStringAsync(), Is.EqualTo(firstBody));
            Assert.That(again.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That(again.Headers.GetValues("Idempotent-Replayed"), Is.EqualTo(new[] { "true" }));
        });

        // The first response is the answer for this key: a corrected request needs a new key.
        using var corrected = await IssueWithKey(Samples.Certificate(), Key);
        Assert.That(corrected.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
        Assert.That(await Count("certificates"), Is.EqualTo(0));
    }

    [Test]
    public async Task Issue_SameKeyAfter24Hours_IssuesAnew()
    {
        var body = Samples.Certificate();
        using var first = await IssueWithKey(body, Key);

        Clock.Advance(TimeSpan.FromHours(24) - TimeSpan.FromMinutes(1));
        using var withinADay = await IssueWithKey(body, Key);
        Clock.Advance(TimeSpan.FromMinutes(2));
        using var afterADay = await IssueWithKey(body, Key);

        Assert.Multiple(async () =>
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(withinADay.Headers.Contains("Idempotent-Replayed"), Is.True);
            Assert.That(afterADay.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(afterADay.Headers.Contains("Idempotent-Replayed"), Is.False);
            Assert.That(afterADay.Headers.Location, Is.Not.EqualTo(first.Headers.Location));
            Assert.That(await Count("certificates"), Is.EqualTo(2));
            Assert.That(await Count("idempotency_keys"), Is.EqualTo(1), "the expired row was replaced");
        });

        using var replay = await IssueWithKey(body, Key);
        Assert.That(replay.Headers.Location, Is.EqualTo(afterADay.Headers.Location));
    }

    // An empty value never reaches the test server (HttpClient drops it); IdempotencyKeyTests covers it.
    [TestCase("key with spaces")]
    [TestCase("tab\tkey")]
    [TestCase("nyckel-å")]
    [TestCase("201")]
    public async Task Issue_InvalidKey_Returns400NamingTheHeaderAndIssuesNothing(string key)
    {
        if (key == "201")
        {
            key = new string('k', 201);
        }

        using var response = await IssueWithKey(Samples.Certificate(), key);
        var problem = await response.ReadJson();

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That(problem["title"]!.GetValue<string>(), Does.Contain("Idempotency-Key"));
            Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("Idempotency-Key"));
            Assert.That(await Count("certificates"), Is.EqualTo(0));
            Assert.That(await Count("idempotency_keys"), Is.EqualTo(0));
        });
    }

    [Test]
    public async Task Issue_TwoKeyHeaders_Returns400()
    {
        using var request = IssueRequest(Samples.Certificate(), Tokens.Clinician());
        request.Headers.Add("Idempotency-Key", ["first", "second"]);

        using var response = await App.ClientFor(null).SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await Count("certificates"), Is.EqualTo(0));
    }

    [Test]
    public async Task Issue_KeyOf200VisibleAsciiCharacters_IsAccepted()
    {
        var key = string.Concat(Enumerable.Range('!', '~' - '!' + 1).Select(c => (char)c)).PadRight(200, '~');

        using var first = await IssueWithKey(Samples.Certificate(), key);
        using var again = await IssueWithKey(Samples.Certificate(), key);

        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Created), await first.Content.ReadAsStringAsync());
        Assert.That(again.Headers.Contains("Idempotent-Replayed"), Is.True);
        Assert.That(await Count("certificates"), Is.EqualTo(1));
    }

    [Test]
    public async Task Issue_WithoutKey_IssuesEveryTimeAndStoresNoKey()
    {
        var body = Samples.Certificate();

        using var first = await Issue(body);
        using var second = await Issue(body);

        Assert.Multiple(async () =>
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(second.Headers.Contains("Idempotent-Replayed"), Is.False);
            Assert.That(await Count("certificates"), Is.EqualTo(2));
            Assert.That(await Count("idempotency_keys"), Is.EqualTo(0));
        });
    }

    [Test]
    public async Task Issue_FirstRequestFailsWith500_ReleasesTheKeySoTheRetryIssues()
    {
        var body = Samples.Certificate();
        await InjectIssueFailure();
        HttpResponseMessage failed;
        try
        {
            failed = await IssueWithKey(body, Key);
        }
        finally
        {
            await RemoveIssueFailure();
        }
        using (failed)
        {
            Assert.That(failed.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
            Assert.That(await Count("idempotency_keys"), Is.EqualTo(0));
        }

        using var retry = await IssueWithKey(body, Key);

        Assert.That(retry.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(retry.Headers.Contains("Idempotent-Replayed"), Is.False);
        Assert.That(await Count("certificates"), Is.EqualTo(1));
    }

    [Test]
    public async Task Issue_MalformedJsonWithKey_ReleasesTheKey()
    {
        using var malformed = await IssueWithKey("{\"child\": {", Key);
        Assert.That(malformed.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await Count("idempotency_keys"), Is.EqualTo(0));

        using var corrected = await IssueWithKey(Samples.Certificate(), Key);

        Assert.That(corrected.StatusCode, Is.EqualTo(HttpStatusCode.Created));
    }

    [Test]
    public async Task Issue_BodyOver64KiBWithKey_Returns413AndClaimsNothing()
    {
        var body = Samples.Certificate();
        body["instructionGivenBy"] = new string('x', 70 * 1024);

        using var response = await IssueWithKey(body, Key);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        Assert.That(await Count("idempotency_keys"), Is.EqualTo(0));
    }

    [Test]
    public async Task Issue_KeepsTheRequestOnlyAsTheSha256OfMethodPathAndBody()
    {
        var json = Samples.Certificate().ToJsonString();
        using var response = await IssueWithKey(json, Key);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));

        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"POST /api/certificates\n{json}")));
        Assert.That(await Count("idempotency_keys",
                "caller = 'clinician:clinician-1' AND idempotency_key = @Key AND request_hash = @expected", new { Key, expected }),
            Is.EqualTo(1));
    }

    [Test]
    public async Task OpenApiDocument_DescribesTheKeyHeaderOnIssue()
    {
        using var response = await Client(null).GetAsync("/openapi/v1.json");
        var operation = (await response.ReadJson())["paths"]!["/api/certificates"]!["post"]!;

        var header = operation["parameters"]!.AsArray()
            .SingleOrDefault(p => p!["name"]!.GetValue<string>() == "Idempotency-Key");
        Assert.That(header, Is.Not.Null);
        Assert.That(header!["in"]!.GetValue<string>(), Is.EqualTo("header"));
        Assert.That(header["schema"]!["maxLength"]!.GetValue<int>(), Is.EqualTo(200));
        Assert.That(operation["responses"]!.AsObject().Select(r => r.Key), Is.SupersetOf(new[] { "409", "422" }));
    }

    [Test]
    public async Task NightlyPurge_DeletesOnlyKeysPastTheir24Hours()
    {
        using var old = await IssueWithKey(Samples.Certificate(), "old-key");
        Clock.Advance(TimeSpan.FromHours(20));
        using var fresh = await IssueWithKey(Samples.Certificate(measures: "oxygen"), "fresh-key");
        Clock.Advance(TimeSpan.FromHours(5));

        var purged = await App.Services.GetRequiredService<EgenvardRegistry.Infrastructure.Http.IdempotencyStore>()
            .PurgeExpiredAsync(Clock.GetUtcNow(), CancellationToken.None);

        Assert.That(purged, Is.EqualTo(1));
        Assert.That(await Count("idempotency_keys"), Is.EqualTo(1));
        Assert.That(await Count("idempotency_keys", "idempotency_key = 'fresh-key'"), Is.EqualTo(1));
        Assert.That(await Count("certificates"), Is.EqualTo(2), "only the stored responses go, never the work");
    }

    private Task<HttpResponseMessage> IssueWithKey(JsonObject body, string key, string? token = null) =>
        IssueWithKey(body.ToJsonString(), key, token);

    private async Task<HttpResponseMessage> IssueWithKey(string json, string key, string? token = null)
    {
        using var request = IssueRequest(json, token ?? Tokens.Clinician());
        // Without validation, so that invalid keys reach the service as sent.
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return await App.ClientFor(null).SendAsync(request);
    }

    private static HttpRequestMessage IssueRequest(JsonObject body, string token) => IssueRequest(body.ToJsonString(), token);

    private static HttpRequestMessage IssueRequest(string json, string token) => new(HttpMethod.Post, "/api/certificates")
    {
        Content = new StringContent(json, Encoding.UTF8, "application/json"),
        Headers = { Authorization = new("Bearer", token) },
    };

    // A fault at the storage edge: the certificate insert fails inside the issuing transaction.
    private Task InjectIssueFailure() => Execute(Engine == Engine.Postgres
        ? """
          CREATE FUNCTION test_fail_issue() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN RAISE EXCEPTION 'injected failure'; END $$;
          CREATE TRIGGER test_fail_issue BEFORE INSERT ON certificates FOR EACH ROW EXECUTE FUNCTION test_fail_issue();
          """
        : "CREATE TRIGGER test_fail_issue BEFORE INSERT ON certificates BEGIN SELECT RAISE(ABORT, 'injected failure'); END;");

    private Task RemoveIssueFailure() => Execute(Engine == Engine.Postgres
        ? "DROP TRIGGER IF EXISTS test_fail_issue ON certificates; DROP FUNCTION IF EXISTS test_fail_issue();"
        : "DROP TRIGGER IF EXISTS test_fail_issue;");
}
