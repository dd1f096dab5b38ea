using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.Tests.Platform;

/// <summary>
/// Every validation problem the API answers, byte for byte: the field names, the English messages, the titles and the
/// status are a contract with the API's callers, whatever in the service produces them.
/// </summary>
[TestFixture(Engine.Sqlite)]
public sealed class ValidationProblemTests(Engine engine) : IntegrationTest(engine)
{
    public sealed record BadRequest(string Name, HttpMethod Method, string Url, Func<string> Token, JsonNode? Body, string Expected)
    {
        public override string ToString() => Name;
    }

    private static JsonNode Json(object value) => System.Text.Json.JsonSerializer.SerializeToNode(value)!;

    private static IEnumerable<BadRequest> Cases()
    {
        var guardian = Samples.Certificate()["guardians"]![0]!;
        JsonArray Guardians(params JsonNode?[] guardians) => [.. guardians.Select(g => g?.DeepClone())];

        yield return new("issue: nothing", HttpMethod.Post, "/api/certificates", () => Tokens.Clinician(), new JsonObject(), """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"The certificate is not complete or not valid.","status":400,"errors":{"child.personnummer":["Required."],"child.name":["Required."],"guardians":["At least one guardian is required."],"measures":["At least one measure is required."],"instructionGivenBy":["Required."],"validFrom":["Required."],"validUntil":["Required: when the assessment is reconsidered."],"followUpOn":["Required: when follow-up happens."],"careUnit":["The care unit (the school\u0027s contact when the egenv\u00E5rd does not work) is required."]}}
            """);

        var a = Samples.Certificate(childPnr: "123", validFrom: "2026-11-23", validUntil: "2028-01-23", followUpOn: "2028-07-23");
        a["child"]!["name"] = new string('x', 201);
        a["guardians"] = Guardians(
            new JsonObject { ["personnummer"] = Samples.ChildPnr, ["email"] = "inte-en-adress" },
            new JsonObject { ["personnummer"] = Samples.ChildPnr, ["name"] = "B" });
        var unknown = Samples.Measure("okand");
        unknown["performer"] = "ingen";
        unknown["instructions"] = null;
        unknown["ifHarm"] = " ";
        unknown["ifChanged"] = null;
        var other = Samples.Measure("other");
        other["description"] = null;
        a["measures"] = new JsonArray(unknown, other, null);
        a["careUnit"] = new JsonObject { ["hsaId"] = "SE-fel", ["phone"] = "ring mig" };
        a["sharedWith"] = new JsonArray("1234", null);
        yield return new("issue: wrong values", HttpMethod.Post, "/api/certificates", () => Tokens.Clinician(), a, """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"The certificate is not complete or not valid.","status":400,"errors":{"child.personnummer":["Not a valid personnummer or samordningsnummer."],"child.name":["At most 200 characters."],"guardians[0].name":["Required."],"guardians[0].email":["Not a valid e-mail address."],"measures[0].code":["Unknown measure; one of insulin, blood-glucose, adrenaline, inhaler, seizure-medication, oral-medication, tube-feeding, catheterisation, stoma-care, oxygen, other."],"measures[0].performer":["Who performs the measure: one of child, staff, child-with-staff."],"measures[0].instructions":["Required."],"measures[0].ifHarm":["Say what to do, and whom to contact, if harm or risk of harm occurs."],"measures[0].ifChanged":["Say what to do, and whom to contact, if the situation changes."],"measures[1].description":["Describe the measure when the code is \u0027other\u0027."],"measures[2]":["A measure is required here."],"validUntil":["At most 13 months after validFrom."],"followUpOn":["Must fall within the validity period (validFrom to validUntil)."],"careUnit.hsaId":["Not a valid HSA-id (SE \u002B 10 digits \u002B \u0027-\u0027 \u002B letters or digits)."],"careUnit.name":["Required."],"careUnit.phone":["Not a phone number (digits, spaces, \u0027-\u0027, \u0027\u002B\u0027, parentheses)."],"sharedWith[0]":["Not a unit id: a skolenhetskod (8 digits) or a preschool id (F, the 4-digit municipality code and 3 digits or capital letters)."],"sharedWith[1]":["Not a unit id: a skolenhetskod (8 digits) or a preschool id (F, the 4-digit municipality code and 3 digits or capital letters)."]}}
            """);

        var b = Samples.Certificate(validFrom: "2026-11-23", validUntil: "2026-11-22", followUpOn: "2026-11-23",
            sharedWith: [.. Enumerable.Repeat(Tokens.SchoolUnit, 21)], measures: ["insulin", "insulin"]);
        b["guardians"] = Guardians(guardian, guardian, null);
        yield return new("issue: too many, twice", HttpMethod.Post, "/api/certificates", () => Tokens.Clinician(), b, """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"The certificate is not complete or not valid.","status":400,"errors":{"guardians":["At most 2 guardians."],"measures[1].code":["The same measure is listed twice."],"validUntil":["Must not be before validFrom."],"sharedWith":["At most 20 units."]}}
            """);

        var c = Samples.Certificate(validFrom: "2024-11-23", validUntil: "2025-11-23", followUpOn: "2026-11-23",
            measures: [.. Enumerable.Repeat("insulin", 11)]);
        c["guardians"] = Guardians(guardian, guardian);
        c["careUnit"]!["phone"] = "12";
        yield return new("issue: expired, same guardian", HttpMethod.Post, "/api/certificates", () => Tokens.Clinician(), c, """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"The certificate is not complete or not valid.","status":400,"errors":{"guardians[1].personnummer":["The same guardian is listed twice."],"measures":["At most 10 measures."],"validUntil":["The certificate would already have expired."],"followUpOn":["Must fall within the validity period (validFrom to validUntil)."],"careUnit.phone":["Not a phone number (digits, spaces, \u0027-\u0027, \u0027\u002B\u0027, parentheses)."]}}
            """);

        var d = Samples.Certificate();
        d["guardians"] = new JsonArray();
        d["measures"] = new JsonArray();
        d["careUnit"] = new JsonObject { ["name"] = "Enheten" };
        d["instructionGivenBy"] = new string('y', 2001);
        yield return new("issue: empty lists", HttpMethod.Post, "/api/certificates", () => Tokens.Clinician(), d, """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"The certificate is not complete or not valid.","status":400,"errors":{"guardians":["At least one guardian is required."],"measures":["At least one measure is required."],"instructionGivenBy":["At most 2000 characters."],"careUnit.hsaId":["Required."],"careUnit.phone":["Required: the school calls this number when the egenv\u00E5rd does not work."]}}
            """);

        var e = Samples.Certificate();
        e["guardians"] = Guardians(guardian, guardian, guardian);
        e["measures"]![0]!["description"] = new string('z', 201);
        e["careUnit"]!["hsaId"] = " ";
        yield return new("issue: long description", HttpMethod.Post, "/api/certificates", () => Tokens.Clinician(), e, """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"The certificate is not complete or not valid.","status":400,"errors":{"guardians":["At most 2 guardians."],"measures[0].description":["At most 200 characters."],"careUnit.hsaId":["Required."]}}
            """);

        var f = Samples.Certificate();
        var child = guardian.DeepClone();
        child["personnummer"] = Samples.ChildPnr;
        f["guardians"] = Guardians(child, null);
        f["measures"]![0]!["code"] = " ";
        f["sharedWith"] = null;
        yield return new("issue: guardian is the child", HttpMethod.Post, "/api/certificates", () => Tokens.Clinician(), f, """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"The certificate is not complete or not valid.","status":400,"errors":{"guardians[0].personnummer":["A guardian cannot be the child."],"guardians[1]":["A guardian is required here."],"measures[0].code":["Required."]}}
            """);

        yield return new("issue: a value of the wrong type", HttpMethod.Post, "/api/certificates", () => Tokens.Clinician(),
            new JsonObject { ["child"] = new JsonObject { ["name"] = "Alva" }, ["validFrom"] = 5 }, """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"Malformed JSON","status":400,"detail":"The request body is not valid JSON for this operation (line 1, byte 39).","errors":{"validFrom":["Not valid JSON here, or a value of the wrong type."]}}
            """);

        yield return new("renew", HttpMethod.Post, "/api/certificates/{id}/renewals", () => Tokens.Clinician(),
            Json(new { validFrom = "2026-11-23", validUntil = "2028-11-23", followUpOn = "2020-01-01", measures = new object?[] { null } }),
            """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"The renewal is not complete or not valid.","status":400,"errors":{"measures[0]":["A measure is required here."],"validUntil":["At most 13 months after validFrom."],"followUpOn":["Must fall within the validity period (validFrom to validUntil)."]}}
            """);
        yield return new("revoke: no reason", HttpMethod.Post, "/api/certificates/{id}/revocation", () => Tokens.Clinician(),
            Json(new { reason = " " }), """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"One or more validation errors occurred.","status":400,"errors":{"reason":["Say why the certificate is revoked (at most 500 characters)."]}}
            """);
        yield return new("revoke: long reason", HttpMethod.Post, "/api/certificates/{id}/revocation", () => Tokens.Clinician(),
            Json(new { reason = new string('x', 501) }), """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"One or more validation errors occurred.","status":400,"errors":{"reason":["Say why the certificate is revoked (at most 500 characters)."]}}
            """);
        yield return new("search", HttpMethod.Post, "/api/certificates/search", () => Tokens.Clinician(),
            Json(new { personnummer = "20150312-2383" }), """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"One or more validation errors occurred.","status":400,"errors":{"personnummer":["Not a valid personnummer or samordningsnummer."]}}
            """);
        yield return new("search: nothing", HttpMethod.Post, "/api/certificates/search", () => Tokens.Clinician(), new JsonObject(), """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"One or more validation errors occurred.","status":400,"errors":{"personnummer":["Not a valid personnummer or samordningsnummer."]}}
            """);
        yield return new("verify", HttpMethod.Post, "/api/verifications", () => Tokens.School(),
            Json(new { personnummer = "x", measure = "okand" }), """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"The verification request is not valid.","status":400,"errors":{"personnummer":["Not a valid personnummer or samordningsnummer."],"measure":["Unknown measure; one of insulin, blood-glucose, adrenaline, inhaler, seizure-medication, oral-medication, tube-feeding, catheterisation, stoma-care, oxygen, other."]}}
            """);
        yield return new("school list", HttpMethod.Get, "/api/schools/me/certificates?expiringWithinDays=401", () => Tokens.School(), null, """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"One or more validation errors occurred.","status":400,"errors":{"expiringWithinDays":["Between 0 and 400."]}}
            """);
        yield return new("contact", HttpMethod.Put, "/api/guardians/me/contact", () => Tokens.Guardian(),
            Json(new { email = "inte en adress" }), """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"One or more validation errors occurred.","status":400,"errors":{"email":["Not a valid e-mail address."],"remindersEnabled":["Required: true or false."]}}
            """);
        yield return new("contact suggestion: no address", HttpMethod.Post, "/api/guardians/me/contact/suggestion/acceptance",
            () => Tokens.Guardian(), new JsonObject(), """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"One or more validation errors occurred.","status":400,"errors":{"email":["Required: the suggested address as it was shown (suggestion.email)."]}}
            """);
        yield return new("contact suggestion: not an address", HttpMethod.Post, "/api/guardians/me/contact/suggestion/dismissal",
            () => Tokens.Guardian(), Json(new { email = "sara@" }), """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"One or more validation errors occurred.","status":400,"errors":{"email":["Not a valid e-mail address."]}}
            """);
        yield return new("access log: not numbers", HttpMethod.Get, "/api/guardians/me/access-log?limit=abc&before=0", () => Tokens.Guardian(),
            null, """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"The access-log query is not valid.","status":400,"errors":{"limit":["An integer between 1 and 500 (default 100)."],"before":["A positive integer: the \u0027next\u0027 value of the previous page."]}}
            """);
        yield return new("access log: out of range", HttpMethod.Get, "/api/guardians/me/access-log?limit=501&before=-1", () => Tokens.Guardian(),
            null, """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"The access-log query is not valid.","status":400,"errors":{"before":["A positive integer: the \u0027next\u0027 value of the previous page."],"limit":["An integer between 1 and 500 (default 100)."]}}
            """);
        yield return new("audit list", HttpMethod.Get, "/api/admin/audit?certificateId=x&from=y&to=z&limit=0&before=x", () => Tokens.Admin(),
            null, """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"The audit query is not valid.","status":400,"errors":{"certificateId":["Not a certificate id (a UUID)."],"from":["An ISO-8601 instant with Z or an offset, e.g. 2026-11-23T08:00:00Z (send \u002B as %2B)."],"to":["An ISO-8601 instant with Z or an offset, e.g. 2026-11-23T08:00:00Z (send \u002B as %2B)."],"before":["A positive integer: the \u0027next\u0027 value of the previous page."],"limit":["An integer between 1 and 500 (default 100)."]}}
            """);
        yield return new("audit list: to before from", HttpMethod.Get, "/api/admin/audit?from=2026-11-23T10:00:00Z&to=2026-11-23T09:00:00Z",
            () => Tokens.Admin(), null, """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"The audit query is not valid.","status":400,"errors":{"to":["Must be later than from."]}}
            """);
        yield return new("audit search", HttpMethod.Post, "/api/admin/audit/search", () => Tokens.Admin(),
            Json(new { personnummer = "x", limit = 0, before = 0 }), """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"The audit search is not valid.","status":400,"errors":{"personnummer":["Not a valid personnummer or samordningsnummer."],"limit":["An integer between 1 and 500 (default 100)."],"before":["A positive integer: the \u0027next\u0027 value of the previous page."]}}
            """);
        yield return new("notifications", HttpMethod.Get, "/api/admin/notifications?status=x&limit=0&offset=-1", () => Tokens.Admin(),
            null, """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"One or more validation errors occurred.","status":400,"errors":{"status":["One of pending, sending, sent, failed, cancelled."],"limit":["Between 1 and 500."],"offset":["Zero or more."]}}
            """);
    }

    [TestCaseSource(nameof(Cases))]
    public async Task BadRequest_AnswersTheSameProblemAsAlways(BadRequest test)
    {
        var id = await IssueOk();
        using var request = new HttpRequestMessage(test.Method, test.Url.Replace("{id}", id.ToString(), StringComparison.Ordinal));
        if (test.Body is not null)
        {
            request.Content = JsonContent.Create(test.Body);
        }
        // The renewal and revocation check their body after the version; the other endpoints ignore the header.
        request.Headers.IfMatch.ParseAdd("\"1\"");
        using var response = await Client(test.Token()).SendAsync(request);
        var problem = await response.ReadJson();
        problem.Remove("traceId");

        Assert.That((int)response.StatusCode, Is.EqualTo(400));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(problem.ToJsonString(), Is.EqualTo(test.Expected));
    }
}
