using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.Tests.Requests;

/// <summary>What the certificate request tests share: a request body, and calls of the request endpoints.</summary>
public abstract class RequestTestBase(Engine engine) : IntegrationTest(engine)
{
    public const string GuardianName = "Sara Lind";
    public const string GuardianEmail = "sara.lind@example.se";
    public const string Message = "Hej! Vi behöver ett intyg för att kunna hjälpa Alva med insulinet på skolan.";

    public static JsonObject Body(
        string? personnummer = Samples.ChildPnr,
        string? childName = "Alva Lind",
        JsonArray? measures = null,
        string? message = Message,
        JsonArray? guardians = null,
        bool withoutGuardians = false)
    {
        var body = new JsonObject
        {
            ["personnummer"] = personnummer,
            ["childName"] = childName,
            ["measures"] = measures ?? new JsonArray("insulin", "blood-glucose"),
            ["message"] = message,
        };
        if (!withoutGuardians)
        {
            body["guardians"] = guardians ?? new JsonArray(new JsonObject { ["name"] = GuardianName, ["email"] = GuardianEmail });
        }
        return body;
    }

    protected Task<HttpResponseMessage> Ask(JsonObject? body = null, string? token = null) =>
        Client(token ?? Tokens.School()).PostAsJsonAsync("/api/certificate-requests", body ?? Body());

    /// <summary>A request that must be created (201); its JSON.</summary>
    protected async Task<JsonObject> AskOk(JsonObject? body = null, string? token = null)
    {
        using var response = await Ask(body, token);
        var json = await response.ReadJson();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), json.ToJsonString());
        return json;
    }

    protected Task<HttpResponseMessage> Withdraw(string id, string? token = null) =>
        Client(token ?? Tokens.School()).PostAsync($"/api/certificate-requests/{id}/withdrawal", null);

    protected async Task<JsonArray> SchoolList(string query = "", string? token = null)
    {
        using var response = await Client(token ?? Tokens.School()).GetAsync($"/api/schools/me/certificate-requests{query}");
        var json = await response.ReadJson();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), json.ToJsonString());
        return json["items"]!.AsArray();
    }

    protected async Task<JsonArray> Search(string personnummer = Samples.ChildPnr, string? token = null)
    {
        using var response = await Client(token ?? Tokens.Clinician()).PostAsJsonAsync("/api/certificate-requests/search",
            new { personnummer });
        var json = await response.ReadJson();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), json.ToJsonString());
        return json["items"]!.AsArray();
    }

    protected async Task<JsonArray> GuardianList(string? token = null)
    {
        using var response = await Client(token ?? Tokens.Guardian()).GetAsync("/api/guardians/me/certificate-requests");
        var json = await response.ReadJson();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), json.ToJsonString());
        return json["items"]!.AsArray();
    }

    /// <summary>A certificate issued in answer to a request, as the clinician sends it.</summary>
    protected static JsonObject Answering(string requestId, string childPnr = Samples.ChildPnr, string[]? sharedWith = null)
    {
        var certificate = Samples.Certificate(childPnr: childPnr, sharedWith: sharedWith ?? []);
        certificate["answersRequest"] = requestId;
        return certificate;
    }

    protected static string Id(JsonNode? request) => request!["id"]!.GetValue<string>();

    protected static string Text(JsonNode? node, string field) => node![field]!.GetValue<string>();
}
