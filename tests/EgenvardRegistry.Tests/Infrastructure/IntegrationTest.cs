using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;

namespace EgenvardRegistry.Tests.Infrastructure;

/// <summary>
/// Base for tests that go through HTTP and storage. Each derived fixture runs once per engine; every test starts
/// from empty tables, the reference clock and no captured logs.
/// </summary>
public abstract class IntegrationTest(Engine engine)
{
    protected Engine Engine { get; } = engine;

    protected RegistryApp App { get; private set; } = null!;

    protected FakeClock Clock => App.Clock;

    [SetUp]
    public async Task ResetState()
    {
        App = await TestHosts.For(Engine);
        await App.Database.ResetAsync();
        App.Clock.Set(FakeClock.Default);
        App.Logs.Clear();
    }

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
        // Mapped row by row: SQLite types a column by its first row's value, and a NULL there defeats Dapper's constructor
        // matching. Quoted aliases keep their case on PostgreSQL.
        var rows = await connection.QueryAsync("""
            SELECT actor_role AS "ActorRole", actor_id AS "ActorId", actor_unit AS "ActorUnit", action AS "Action",
                   CAST(certificate_id AS TEXT) AS "CertificateId", CAST(child_id AS TEXT) AS "ChildId", outcome AS "Outcome",
                   CAST(occurred_at AS TEXT) AS "OccurredAt"
            FROM audit_events ORDER BY id
            """);
        return [.. rows.Select(row => new AuditRow((string)row.ActorRole, (string)row.ActorId, (string?)row.ActorUnit,
            (string)row.Action, (string?)row.CertificateId, (string?)row.ChildId, (string)row.Outcome, (string)row.OccurredAt))];
    }

    protected async Task<string?> ChildId(string personnummer)
    {
        await using var connection = await App.Database.OpenAsync();
        return await connection.ExecuteScalarAsync<string?>(
            "SELECT CAST(id AS TEXT) FROM children WHERE personnummer = @personnummer", new { personnummer });
    }

    public sealed record AuditRow(string ActorRole, string ActorId, string? ActorUnit, string Action,
        string? CertificateId, string? ChildId, string Outcome, string OccurredAt);
}
