using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.Time.Testing;

namespace EgenvardRegistry.Tests.Infrastructure;

/// <summary>
/// Base for tests that go through HTTP and storage. Each derived fixture runs once per engine; every test starts
/// from empty tables, the clock at <see cref="TestClock.Reference"/> and no captured logs.
/// </summary>
public abstract class IntegrationTest(Engine engine)
{
    protected Engine Engine { get; } = engine;

    protected RegistryApp App { get; private set; } = null!;

    protected FakeTimeProvider Clock => App.Clock;

    [SetUp]
    public async Task ResetState()
    {
        App = await HostAsync();
        await App.Database.ResetAsync();
        App.Clock.ReturnToReference();
        App.Logs.Clear();
    }

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

    protected async Task<JsonObject> Verify(string personnummer, string measure, string? schoolUnit = null)
    {
        using var response = await Client(Tokens.School(schoolUnit ?? Tokens.SchoolUnit))
            .PostAsJsonAsync("/api/verifications", new { personnummer, measure });
        Assert.That(response.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.OK));
        return await response.ReadJson();
    }

    protected async Task<long> Count(string table, string where = "1 = 1", object? parameters = null)
    {
        await using var connection = await App.Database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {table} WHERE {where}", parameters);
    }

    protected async Task Execute(string sql, object? parameters = null)
    {
        await using var connection = await App.Database.OpenAsync();
        await connection.ExecuteAsync(sql, parameters);
    }

    protected async Task<IReadOnlyList<AuditRow>> AuditRows()
    {
        await using var connection = await App.Database.OpenAsync();
        return (await connection.QueryAsync<AuditRow>("""
            SELECT actor_role AS ActorRole, actor_id AS ActorId, actor_unit AS ActorUnit, action AS Action,
                   CAST(certificate_id AS TEXT) AS CertificateId, CAST(child_id AS TEXT) AS ChildId, outcome AS Outcome,
                   CAST(occurred_at AS TEXT) AS OccurredAt
            FROM audit_events ORDER BY id
            """)).ToList();
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
        public string ActorRole { get; init; } = "";
        public string ActorId { get; init; } = "";
        public string? ActorUnit { get; init; }
        public string Action { get; init; } = "";
        public string? CertificateId { get; init; }
        public string? ChildId { get; init; }
        public string Outcome { get; init; } = "";
        public string OccurredAt { get; init; } = "";
    }
}
