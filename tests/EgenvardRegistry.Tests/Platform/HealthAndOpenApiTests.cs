using System.Net;
using System.Text.Json.Nodes;
using EgenvardRegistry.Infrastructure.Database;
using EgenvardRegistry.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace EgenvardRegistry.Tests.Platform;

[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class HealthAndOpenApiTests(Engine engine) : IntegrationTest(engine)
{
    [TestCase("/health/live")]
    [TestCase("/health/ready")]
    public async Task Health_AnswersHealthyWithoutSigningIn(string path)
    {
        using var response = await Client(null).GetAsync(path);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("Healthy"));
        Assert.That(response.Headers.CacheControl!.NoStore, Is.True);
    }

    [Test]
    public async Task ReadinessCheck_WhenTheDatabaseCannotBeReached_IsUnhealthy()
    {
        var unreachable = Engine == Engine.Postgres
            ? "Host=127.0.0.1;Port=1;Username=nobody;Database=none;Timeout=2"
            : $"Data Source={Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "missing.db")};Mode=ReadOnly";
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = App.Database.Provider,
            ["ConnectionStrings:Registry"] = unreachable,
        });
        builder.Services.AddRegistryDatabase();
        using var host = builder.Build();

        var report = await host.Services.GetRequiredService<HealthCheckService>()
            .CheckHealthAsync(check => check.Tags.Contains("ready"));

        Assert.That(report.Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(report.Entries["database"].Description, Does.Contain("unreachable"));
    }

    [Test]
    public async Task OpenApiDocument_DescribesTheEndpointsAndBearerAuth()
    {
        using var response = await Client(null).GetAsync("/openapi/v1.json");
        var document = await response.ReadJson();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var paths = document["paths"]!.AsObject().Select(path => path.Key).ToList();
        Assert.That(paths, Is.SupersetOf(new[]
        {
            "/api/certificates", "/api/certificates/{id}", "/api/verifications",
            "/api/schools/me/certificates", "/api/guardians/me/certificates",
            "/api/certificates/{id}/renewals", "/api/certificates/{id}/revocation", "/api/certificates/search",
            "/api/admin/audit", "/api/admin/audit/search", "/api/guardians/me/access-log",
            "/api/certificates/{id}/instructions", "/api/certificates/{id}/instructions/{entryId}",
            "/api/certificates/{id}/concerns", "/api/care-units/me/concerns", "/api/concerns/{concernId}/response",
            "/api/care-units/me/renewals", "/api/certificates/{id}/follow-ups",
            "/api/units", "/api/admin/units/import", "/api/guardians/me/certificates/{id}/shares",
            "/api/guardians/me/certificates/{id}/shares/{unit}",
            "/api/certificate-requests", "/api/schools/me/certificate-requests", "/api/certificate-requests/{requestId}/withdrawal",
            "/api/certificate-requests/search", "/api/guardians/me/certificate-requests",
            "/api/guardians/me/contact", "/api/guardians/me/contact/suggestion/acceptance",
            "/api/guardians/me/contact/suggestion/dismissal",
            "/api/certificates/{id}/signed", "/api/signing-keys", "/api/revocations", "/api/signed-certificates/verify",
        }));
        var revocations = document["paths"]!["/api/revocations"]!["get"]!;
        Assert.That(revocations["operationId"]!.GetValue<string>(), Is.EqualTo("GetRevocations"));
        Assert.That(revocations["responses"]!.AsObject().Select(r => r.Key), Is.SupersetOf(new[] { "200", "304" }));
        Assert.That(revocations["security"], Is.Null.Or.Empty, "anyone may fetch the revocation list");
        Assert.That(document["paths"]!["/api/signed-certificates/verify"]!["post"]!["operationId"]!.GetValue<string>(),
            Is.EqualTo("VerifySignedCertificate"));
        foreach (var (answer, operationId) in new[] { ("acceptance", "AcceptEmailSuggestion"), ("dismissal", "DismissEmailSuggestion") })
        {
            var operation = document["paths"]![$"/api/guardians/me/contact/suggestion/{answer}"]!["post"]!;
            Assert.That(operation["operationId"]!.GetValue<string>(), Is.EqualTo(operationId));
            Assert.That(operation["responses"]!.AsObject().Select(r => r.Key), Is.SupersetOf(new[] { "200", "400", "404", "409" }));
            Assert.That(operation["summary"]!.GetValue<string>(), Does.Contain("body { email }"));
        }
        Assert.That(document["components"]!["schemas"]!["GuardianContact"]!["properties"]!.AsObject().Select(p => p.Key),
            Is.EquivalentTo(new[] { "email", "remindersEnabled", "emailSource", "emailSetAt", "suggestion" }));
        var import = document["paths"]!["/api/admin/units/import"]!["post"]!;
        Assert.That(import["operationId"]!.GetValue<string>(), Is.EqualTo("ImportUnits"));
        Assert.That(import["requestBody"]!["content"]!.AsObject().Select(c => c.Key), Is.EqualTo(new[] { "text/csv" }));
        Assert.That(import["responses"]!.AsObject().Select(r => r.Key), Is.SupersetOf(new[] { "200", "400", "413", "415" }));
        var shares = document["paths"]!["/api/guardians/me/certificates/{id}/shares"]!;
        Assert.That((shares["get"]!["operationId"]!.GetValue<string>(), shares["post"]!["operationId"]!.GetValue<string>()),
            Is.EqualTo(("ListCertificateShares", "ShareCertificate")));
        Assert.That(shares["post"]!["responses"]!.AsObject().Select(r => r.Key), Is.SupersetOf(new[] { "200", "201", "400", "404" }));
        var withdrawal = document["paths"]!["/api/guardians/me/certificates/{id}/shares/{unit}"]!["delete"]!;
        Assert.That(withdrawal["operationId"]!.GetValue<string>(), Is.EqualTo("WithdrawCertificateShare"));
        Assert.That(withdrawal["responses"]!.AsObject().Select(r => r.Key), Is.SupersetOf(new[] { "204", "400", "404" }));
        Assert.That(document["paths"]!["/api/units"]!["get"]!["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()),
            Is.EquivalentTo(new[] { "query", "limit" }));
        var instructions = document["paths"]!["/api/certificates/{id}/instructions"]!;
        Assert.That(instructions["post"]!["operationId"]!.GetValue<string>(), Is.EqualTo("RecordInstructedStaff"));
        Assert.That(instructions["post"]!["responses"]!.AsObject().Select(r => r.Key), Is.SupersetOf(new[] { "201", "400", "404", "409" }));
        Assert.That(instructions["post"]!["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()), Does.Contain("Idempotency-Key"));
        Assert.That(instructions["get"]!["operationId"]!.GetValue<string>(), Is.EqualTo("ListInstructedStaff"));
        var removal = document["paths"]!["/api/certificates/{id}/instructions/{entryId}"]!["delete"]!;
        Assert.That(removal["operationId"]!.GetValue<string>(), Is.EqualTo("RemoveInstructedStaff"));
        Assert.That(removal["responses"]!.AsObject().Select(r => r.Key), Is.SupersetOf(new[] { "204", "404" }));
        var revocation = document["paths"]!["/api/certificates/{id}/revocation"]!["post"]!;
        Assert.That(revocation["responses"]!.AsObject().Select(r => r.Key), Is.SupersetOf(new[] { "200", "409", "412", "428" }));
        Assert.That(revocation["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()), Does.Contain("Idempotency-Key"));
        Assert.That(document["components"]!["securitySchemes"]!["Bearer"]!["scheme"]!.GetValue<string>(), Is.EqualTo("bearer"));
        Assert.That(document["paths"]!["/api/certificates"]!["post"]!["operationId"]!.GetValue<string>(), Is.EqualTo("IssueCertificate"));
        var ask = document["paths"]!["/api/certificate-requests"]!["post"]!;
        Assert.That(ask["operationId"]!.GetValue<string>(), Is.EqualTo("CreateCertificateRequest"));
        Assert.That(ask["responses"]!.AsObject().Select(r => r.Key), Is.SupersetOf(new[] { "200", "201", "400", "422" }));
        Assert.That(document["paths"]!["/api/certificate-requests/{requestId}/withdrawal"]!["post"]!["responses"]!.AsObject()
            .Select(r => r.Key), Is.SupersetOf(new[] { "200", "404", "409" }));
        Assert.That(document["paths"]!["/api/certificates"]!["post"]!["responses"]!.AsObject().Select(r => r.Key),
            Is.SupersetOf(new[] { "201", "409", "422" }), "an issue answering a request that is closed or another child's");
        var verifyResponses = document["paths"]!["/api/verifications"]!["post"]!["responses"]!.AsObject().Select(r => r.Key);
        Assert.That(verifyResponses, Is.SupersetOf(new[] { "200", "400", "403" }));
    }

    [Test]
    public async Task OpenApiDocument_DescribesTheFhirEndpoints_AndNotTheRefusedGetSearch()
    {
        using var response = await Client(null).GetAsync("/openapi/v1.json");
        var paths = (await response.ReadJson())["paths"]!.AsObject();

        var fhir = paths.Where(path => path.Key.StartsWith("/fhir/", StringComparison.Ordinal))
            .SelectMany(path => path.Value!.AsObject().Select(operation => (Path: path.Key, Method: operation.Key, Operation: operation.Value!)))
            .ToList();
        Assert.That(fhir.Select(entry => $"{entry.Method.ToUpperInvariant()} {entry.Path} {entry.Operation["operationId"]}"), Is.EquivalentTo(new[]
        {
            "GET /fhir/r4/metadata GetCapabilityStatement", "GET /fhir/r4/CarePlan/{id} ReadCarePlan",
            "POST /fhir/r4/CarePlan/_search SearchCarePlans",
        }));
        var search = fhir.Single(entry => entry.Method == "post").Operation;
        Assert.That(search["requestBody"]!["content"]!.AsObject().Select(c => c.Key), Is.EqualTo(new[] { "application/x-www-form-urlencoded" }));
        Assert.That(search["responses"]!.AsObject().Select(r => r.Key),
            Is.SupersetOf(new[] { "200", "400", "401", "403", "406", "415", "422", "429", "503" }));
        Assert.That(search["responses"]!["200"]!["content"]!.AsObject().Select(c => c.Key), Is.EqualTo(new[] { "application/fhir+json" }));
    }

    /// <summary>
    /// Every API operation is signed-in and rate-limited and reads the database, so each documents 401, 403, 429 and 503
    /// (one group builder).
    /// </summary>
    [Test]
    public async Task OpenApiDocument_EveryApiOperationDocumentsTheProblemsEveryEndpointCanGive()
    {
        using var response = await Client(null).GetAsync("/openapi/v1.json");
        var paths = (await response.ReadJson())["paths"]!.AsObject();

        var missing = (from path in paths
                       where path.Key.StartsWith("/api/", StringComparison.Ordinal)
                       from operation in path.Value!.AsObject()
                       let codes = operation.Value!["responses"]!.AsObject().Select(r => r.Key).ToList()
                       where !new[] { "401", "403", "429", "503" }.All(codes.Contains)
                       select $"{operation.Key.ToUpperInvariant()} {path.Key}").ToList();

        Assert.That(paths.Count(path => path.Key.StartsWith("/api/", StringComparison.Ordinal)), Is.GreaterThan(30));
        Assert.That(missing, Is.Empty);
    }

    [Test]
    public async Task UnknownRoute_Returns404Problem()
    {
        using var response = await Client(Tokens.Admin()).GetAsync("/api/nothing-here");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That((await response.ReadJson())["status"]!.GetValue<int>(), Is.EqualTo(404));
    }
}
