using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.Time.Testing;

namespace EgenvardRegistry.Tests.Infrastructure;

/// <summary>
/// Base for tests that go through HTTP and storage. Each derived fixture runs once per engine, on that engine's shared
/// host unless <see cref="HostAsync"/> says otherwise; every test starts with the tables emptied by Respawn, the clock
/// at <see cref="TestClock.Reference"/> and no captured logs.
/// Respawn leaves the append-only <c>audit_events</c> table alone (its triggers refuse deletes, from the tests too), so
/// the audit rows of earlier tests are still there: a test reads audit events through <see cref="AuditRows"/> and
/// <see cref="AuditCount"/>, which see only the rows after the watermark taken at its set-up. A fixture or test whose
/// assertions need an audit table with nothing else in it (an unfiltered audit list, an attack on the table itself) is
/// marked <see cref="FreshDatabaseAttribute"/> and gets a fresh database, and a host on it, for each test.
/// </summary>
public abstract class IntegrationTest(Engine engine)
{
    private TestDatabase? _freshDatabase;
    private long _auditWatermark;

    protected Engine Engine { get; } = engine;

    protected RegistryApp App { get; private set; } = null!;

    protected FakeTimeProvider Clock => App.Clock;

    [SetUp]
    public async Task ResetState()
    {
        var host = await HostAsync();
        if (WantsFreshDatabase())
        {
            _freshDatabase = await TestDatabase.CreateAsync(Engine);
            App = host.WithDatabase(_freshDatabase);
            _ = App.Server; // starts the host: migrations run now, as on a real start
        }
        else
        {
            App = host;
            await App.Database.ResetAsync();
            App.Clock.ReturnToReference();
            App.Logs.Clear();
        }
        await using var connection = await App.Database.OpenAsync();
        _auditWatermark = await connection.ExecuteScalarAsync<long>("SELECT COALESCE(MAX(id), 0) FROM audit_events");
    }

    [TearDown]
    public async Task DropFreshDatabase()
    {
        if (_freshDatabase is not null)
        {
            await App.DisposeAsync();
            await _freshDatabase.DisposeAsync();
            _freshDatabase = null;
        }
    }

    private bool WantsFreshDatabase() =>
        GetType().IsDefined(typeof(FreshDatabaseAttribute), inherit: true)
        || TestContext.CurrentContext.Test.Method?.IsDefined<FreshDatabaseAttribute>(inherit: true) == true;

    /// <summary>The host the fixture's tests run against: the engine's shared one unless a fixture needs its own settings.</summary>
    protected virtual Task<RegistryApp> HostAsync() => TestHosts.For(Engine);

    protected HttpClient Client(string? token) => App.ClientFor(token);

    protected Task<HttpResponseMessage> Issue(JsonObject body, string? token = null) =>
        Client(token ?? Tokens.Clinician()).PostAsJsonAsync("/api/certificates", body);

    /// <summary>Issues a certificate that must succeed and returns its id.</summary>
    protected async Task<Guid> IssueOk(JsonObject? body = null, string? token = null)
    {
        using var response = await Issue(body ?? Samples.Certificate(), token);
        var json = await response.ReadJson();
        Assert.That(response.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.Created), json.ToJsonString());
        return Guid.Parse(json["id"]!.GetValue<string>());
    }

    /// <summary>New dates for a renewal: a year from August 2027, followed up in February.</summary>
    protected static JsonObject NewDates(string from = "2027-08-01", string until = "2028-07-31", string followUp = "2028-02-01") =>
        new() { ["validFrom"] = from, ["validUntil"] = until, ["followUpOn"] = followUp };

    /// <summary>POST …/renewals as the clinician (or <paramref name="token"/>), with <see cref="NewDates"/> unless a body is given.</summary>
    protected Task<HttpResponseMessage> Renew(Guid id, JsonObject? body = null, string? token = null, string? ifMatch = null,
        string? idempotencyKey = null) =>
        Change(id, "renewals", body ?? NewDates(), token, ifMatch, idempotencyKey);

    /// <summary>POST …/revocation as the clinician (or <paramref name="token"/>); <paramref name="ifMatch"/> is sent as given.</summary>
    protected Task<HttpResponseMessage> Revoke(Guid id, string? ifMatch = "\"1\"", string? reason = "Behandlingen är avslutad.",
        string? token = null, string? idempotencyKey = null) =>
        Change(id, "revocation", new JsonObject { ["reason"] = reason }, token, ifMatch, idempotencyKey);

    private async Task<HttpResponseMessage> Change(Guid id, string what, JsonObject body, string? token, string? ifMatch,
        string? idempotencyKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/certificates/{id}/{what}") { Content = JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        return await Client(token ?? Tokens.Clinician()).SendAsync(request);
    }

    /// <summary>The <c>next</c> of a keyset-paged list, to pass as <c>before</c>; null on the last page.</summary>
    protected static long? NextBefore(JsonObject page) => page["next"]?.GetValue<long>();

    protected async Task<JsonObject> Verify(string personnummer, string measure, string? schoolUnit = null)
    {
        using var response = await Client(Tokens.School(schoolUnit ?? Tokens.SchoolUnit))
            .PostAsJsonAsync("/api/verifications", new { personnummer, measure });
        Assert.That(response.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.OK));
        return await response.ReadJson();
    }

    protected async Task<long> Count(string table, string where = "1 = 1", object? parameters = null)
    {
        if (table == "audit_events")
        {
            throw new ArgumentException("audit_events holds earlier tests' rows: count this test's with AuditCount.", nameof(table));
        }
        await using var connection = await App.Database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {table} WHERE {where}", parameters);
    }

    protected async Task Execute(string sql, object? parameters = null)
    {
        await using var connection = await App.Database.OpenAsync();
        await connection.ExecuteAsync(sql, parameters);
    }

    /// <summary>The audit events written since this test's set-up, oldest first.</summary>
    protected async Task<IReadOnlyList<AuditRow>> AuditRows()
    {
        await using var connection = await App.Database.OpenAsync();
        return (await connection.QueryAsync<AuditRow>("""
            SELECT id AS Id, actor_role AS ActorRole, actor_id AS ActorId, actor_unit AS ActorUnit, action AS Action,
                   CAST(certificate_id AS TEXT) AS CertificateId, CAST(child_id AS TEXT) AS ChildId, outcome AS Outcome,
                   CAST(occurred_at AS TEXT) AS OccurredAt, detail AS Detail
            FROM audit_events WHERE id > @Watermark ORDER BY id
            """, new { Watermark = _auditWatermark })).ToList();
    }

    /// <summary>How many audit events written since this test's set-up match <paramref name="where"/>.</summary>
    protected async Task<long> AuditCount(string where = "1 = 1", object? parameters = null)
    {
        var all = new DynamicParameters(parameters);
        all.Add("AuditWatermark", _auditWatermark);
        await using var connection = await App.Database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM audit_events WHERE id > @AuditWatermark AND ({where})", all);
    }

    protected async Task<string?> ChildId(string personnummer)
    {
        await using var connection = await App.Database.OpenAsync();
        return await connection.ExecuteScalarAsync<string?>(
            "SELECT CAST(id AS TEXT) FROM children WHERE personnummer = @personnummer", new { personnummer });
    }

    /// <summary>An audit row as text; settable properties because SQLite reports all-NULL columns as blobs.</summary>
    public sealed record AuditRow
    {
        public long Id { get; init; }
        public string ActorRole { get; init; } = "";
        public string ActorId { get; init; } = "";
        public string? ActorUnit { get; init; }
        public string Action { get; init; } = "";
        public string? CertificateId { get; init; }
        public string? ChildId { get; init; }
        public string Outcome { get; init; } = "";
        public string OccurredAt { get; init; } = "";
        public string? Detail { get; init; }
    }
}

/// <summary>
/// On an <see cref="IntegrationTest"/> fixture or test: each test gets a database of its own, and a host like the
/// fixture's on it, instead of the shared one Respawn empties, because it needs an audit table with nothing else in it.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class FreshDatabaseAttribute : Attribute;
