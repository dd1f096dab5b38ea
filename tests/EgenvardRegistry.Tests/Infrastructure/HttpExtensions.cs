using System.Text.Json.Nodes;

namespace EgenvardRegistry.Tests.Infrastructure;

public static class HttpExtensions
{
    public static async Task<JsonObject> ReadJson(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text) as JsonObject
            ?? throw new AssertionException($"Expected a JSON object, got: {text}");
    }

    /// <summary>The field names of a problem's <c>errors</c> map.</summary>
    public static IReadOnlyList<string> ErrorFields(this JsonObject problem) =>
        problem["errors"] is JsonObject errors ? [.. errors.Select(entry => entry.Key)] : [];
}
