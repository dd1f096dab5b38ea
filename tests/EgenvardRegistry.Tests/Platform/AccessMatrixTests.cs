using System.Net;
using System.Net.Http.Json;
using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.Tests.Platform;

/// <summary>
/// Every endpoint, called by every kind of caller, answers exactly the status in this table. The certificate in
/// each cell is issued by <see cref="Tokens.CareUnit"/>, shared with <see cref="Tokens.SchoolUnit"/> and names
/// <see cref="Tokens.GuardianPnr"/>; the "foreign" callers belong to another unit or family.
/// </summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class AccessMatrixTests(Engine engine) : IntegrationTest(engine)
{
    private const HttpStatusCode Ok = HttpStatusCode.OK;
    private const HttpStatusCode Created = HttpStatusCode.Created;
    private const HttpStatusCode Unauthorized = HttpStatusCode.Unauthorized;
    private const HttpStatusCode Forbidden = HttpStatusCode.Forbidden;
    private const HttpStatusCode NotFound = HttpStatusCode.NotFound;
    private const HttpStatusCode NoContent = HttpStatusCode.NoContent;

    private static readonly string[] Callers =
        ["anonymous", "clinician", "foreign-clinician", "school", "foreign-school", "guardian", "foreign-guardian", "admin"];

    // endpoint → expected status per caller, in the order of Callers.
    private static readonly Dictionary<string, HttpStatusCode[]> Matrix = new()
    {
        ["issue"] = [Unauthorized, Created, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden],
        ["read"] = [Unauthorized, Ok, NotFound, Ok, NotFound, Ok, NotFound, Ok],
        ["renew"] = [Unauthorized, Created, NotFound, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden],
        ["revoke"] = [Unauthorized, Ok, NotFound, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden],
        ["search"] = [Unauthorized, Ok, Ok, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden],
        ["verify"] = [Unauthorized, Forbidden, Forbidden, Ok, Ok, Forbidden, Forbidden, Forbidden],
        ["school-list"] = [Unauthorized, Forbidden, Forbidden, Ok, Ok, Forbidden, Forbidden, Forbidden],
        ["guardian-list"] = [Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, Ok, Ok, Forbidden],
        ["access-log"] = [Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, Ok, Ok, Forbidden],
        ["audit-list"] = [Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Ok],
        ["audit-search"] = [Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Ok],
        ["contact-get"] = [Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, Ok, NotFound, Forbidden],
        ["contact-put"] = [Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, Ok, NotFound, Forbidden],
        ["suggestion-accept"] = [Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, Ok, NotFound, Forbidden],
        ["suggestion-dismiss"] = [Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, Ok, NotFound, Forbidden],
        ["notifications"] = [Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Ok],
        ["notification-retry"] = [Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, NotFound],
        ["reminders-run"] = [Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Ok],
        ["instructions-record"] = [Unauthorized, Forbidden, Forbidden, Created, NotFound, Forbidden, Forbidden, Forbidden],
        ["instructions-list"] = [Unauthorized, Ok, NotFound, Ok, NotFound, Forbidden, Forbidden, Ok],
        ["instructions-remove"] = [Unauthorized, Forbidden, Forbidden, NoContent, NotFound, Forbidden, Forbidden, Forbidden],
        ["concern-report"] = [Unauthorized, Forbidden, Forbidden, Created, NotFound, Forbidden, Forbidden, Forbidden],
        ["concern-list"] = [Unauthorized, Ok, NotFound, Ok, NotFound, Ok, NotFound, Ok],
        ["concern-worklist"] = [Unauthorized, Ok, Ok, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden],
        ["concern-respond"] = [Unauthorized, Ok, NotFound, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden],
        ["renewal-worklist"] = [Unauthorized, Ok, Ok, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden],
        ["follow-up-record"] = [Unauthorized, Created, NotFound, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden],
        ["follow-up-list"] = [Unauthorized, Ok, NotFound, Forbidden, Forbidden, Ok, NotFound, Ok],
        ["units-search"] = [Unauthorized, Ok, Ok, Ok, Ok, Ok, Ok, Ok],
        ["units-import"] = [Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Ok],
        ["shares-list"] = [Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, Ok, NotFound, Forbidden],
        ["shares-add"] = [Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, Created, NotFound, Forbidden],
        ["shares-withdraw"] = [Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, NoContent, NotFound, Forbidden],
        ["request-create"] = [Unauthorized, Forbidden, Forbidden, Created, Created, Forbidden, Forbidden, Forbidden],
        ["request-school-list"] = [Unauthorized, Forbidden, Forbidden, Ok, Ok, Forbidden, Forbidden, Forbidden],
        ["request-withdraw"] = [Unauthorized, Forbidden, Forbidden, Ok, NotFound, Forbidden, Forbidden, Forbidden],
        ["request-search"] = [Unauthorized, Ok, Ok, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden],
        ["request-guardian-list"] = [Unauthorized, Forbidden, Forbidden, Forbidden, Forbidden, Ok, Ok, Forbidden],
        ["issue-answering-request"] = [Unauthorized, Created, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden],
        ["fhir-metadata"] = [Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok],
        ["fhir-read"] = [Unauthorized, Ok, NotFound, Ok, NotFound, Ok, NotFound, Ok],
        ["fhir-search"] = [Unauthorized, Ok, Ok, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden],
        ["signed"] = [Unauthorized, Ok, NotFound, Ok, NotFound, Ok, NotFound, Ok],
        ["signing-keys"] = [Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok],
        ["revocations"] = [Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok],
        ["signed-verify"] = [Unauthorized, Ok, Ok, Ok, Ok, Ok, Ok, Ok],
    };

    private static IEnumerable<TestCaseData> Cells() =>
        from row in Matrix
        from column in Callers.Select((caller, index) => (caller, index))
        select new TestCaseData(row.Key, column.caller, row.Value[column.index])
            .SetName($"Matrix_{row.Key}_by_{column.caller}_is_{(int)row.Value[column.index]}");

    private static string? TokenFor(string caller) => caller switch
    {
        "anonymous" => null,
        "clinician" => Tokens.Clinician(),
        "foreign-clinician" => Tokens.Clinician(Tokens.OtherCareUnit, "clinician-2"),
        "school" => Tokens.School(),
        "foreign-school" => Tokens.School(Tokens.OtherSchoolUnit),
        "guardian" => Tokens.Guardian(),
        "foreign-guardian" => Tokens.Guardian(Tokens.OtherGuardianPnr),
        "admin" => Tokens.Admin(),
        _ => throw new ArgumentOutOfRangeException(nameof(caller)),
    };

    private static readonly object Instructed =
        new { staffName = "Anna Svensson", staffRole = "Elevassistent", instructedBy = "Eva Holm", instructedOn = "2026-11-20" };

    /// <summary>An entry the school the certificate is shared with has recorded, for the removal's cells.</summary>
    private async Task<string> InstructedEntry(Guid certificate)
    {
        using var response = await Client(Tokens.School()).PostAsJsonAsync($"/api/certificates/{certificate}/instructions", Instructed);
        return (await response.ReadJson())["id"]!.GetValue<string>();
    }

    private static readonly object Concern = new { category = "incident", description = "Barnet föll.", guardiansInformed = true };

    /// <summary>A concern on the certificate, reported by the school it is shared with.</summary>
    private async Task<string> ReportConcernAsync(Guid certificateId)
    {
        using var response = await Client(Tokens.School()).PostAsJsonAsync($"/api/certificates/{certificateId}/concerns", Concern);
        Assert.That(response.StatusCode, Is.EqualTo(Created));
        return (await response.ReadJson())["id"]!.GetValue<string>();
    }

    /// <summary>Shares the certificate with a preschool from the directory, which the administrator imports first.</summary>
    private async Task<HttpResponseMessage> ShareWithPreschool(HttpClient client, Guid certificateId)
    {
        await Client(Tokens.Admin()).ImportOk();
        return await client.PostAsJsonAsync($"/api/guardians/me/certificates/{certificateId}/shares", new { unit = UnitSamples.Preschool });
    }

    /// <summary>
    /// The guardian sets an address of their own, then a clinician enters another on a certificate: a suggestion for the
    /// guardian to answer. Returns the answer's body.
    /// </summary>
    private async Task<object> SuggestAsync()
    {
        using var own = await Client(Tokens.Guardian()).PutAsJsonAsync("/api/guardians/me/contact",
            new { email = "sara.egen@example.se", remindersEnabled = true });
        Assert.That(own.StatusCode, Is.EqualTo(Ok));
        var certificate = Samples.Certificate(measures: "oxygen");
        certificate["guardians"]![0]!["email"] = "sara.jobb@example.se";
        await IssueOk(certificate);
        return new { email = "sara.jobb@example.se" };
    }

    private static object RequestBody(string childPnr = Samples.OtherChildPnr) => new
    {
        personnummer = childPnr,
        childName = "Nils Lind",
        measures = new[] { "insulin" },
        message = "Vi behöver ett intyg.",
        guardians = new[] { new { name = "Sara Lind", email = "sara.lind@example.se" } },
    };

    /// <summary>An open certificate request for the certificate's child, made by the school the certificate is shared with.</summary>
    private async Task<string> RequestAsync()
    {
        using var response = await Client(Tokens.School()).PostAsJsonAsync("/api/certificate-requests", RequestBody(Samples.ChildPnr));
        Assert.That(response.StatusCode, Is.EqualTo(Created));
        return (await response.ReadJson())["id"]!.GetValue<string>();
    }

    private async Task<System.Text.Json.Nodes.JsonObject> AnsweringAsync()
    {
        var certificate = Samples.Certificate(measures: "oxygen");
        certificate["answersRequest"] = await RequestAsync();
        return certificate;
    }

    [TestCaseSource(nameof(Cells))]
    public async Task Endpoint_ByCaller_AnswersTheStatusInTheTable(string endpoint, string caller, HttpStatusCode expected)
    {
        var id = await IssueOk();
        var client = Client(TokenFor(caller));

        using var response = endpoint switch
        {
            "issue" => await client.PostAsJsonAsync("/api/certificates", Samples.Certificate(measures: "oxygen")),
            "read" => await client.GetAsync($"/api/certificates/{id}"),
            "renew" => await client.PostAsJsonAsync($"/api/certificates/{id}/renewals",
                new { validFrom = "2027-08-01", validUntil = "2028-07-31", followUpOn = "2028-02-01" }),
            "revoke" => await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/certificates/{id}/revocation")
            {
                Content = JsonContent.Create(new { reason = "Fel barn" }),
                Headers = { { "If-Match", "\"1\"" } },
            }),
            "search" => await client.PostAsJsonAsync("/api/certificates/search", new { personnummer = Samples.ChildPnr }),
            "verify" => await client.PostAsJsonAsync("/api/verifications", new { personnummer = Samples.ChildPnr, measure = "insulin" }),
            "school-list" => await client.GetAsync("/api/schools/me/certificates"),
            "guardian-list" => await client.GetAsync("/api/guardians/me/certificates"),
            "access-log" => await client.GetAsync("/api/guardians/me/access-log"),
            "audit-list" => await client.GetAsync($"/api/admin/audit?certificateId={id}"),
            "audit-search" => await client.PostAsJsonAsync("/api/admin/audit/search", new { personnummer = Samples.ChildPnr }),
            "contact-get" => await client.GetAsync("/api/guardians/me/contact"),
            "contact-put" => await client.PutAsJsonAsync("/api/guardians/me/contact", new { email = "ny@example.se", remindersEnabled = true }),
            "suggestion-accept" => await client.PostAsJsonAsync("/api/guardians/me/contact/suggestion/acceptance", await SuggestAsync()),
            "suggestion-dismiss" => await client.PostAsJsonAsync("/api/guardians/me/contact/suggestion/dismissal", await SuggestAsync()),
            "notifications" => await client.GetAsync("/api/admin/notifications"),
            "notification-retry" => await client.PostAsync($"/api/admin/notifications/{Guid.NewGuid()}/retry", null),
            "reminders-run" => await client.PostAsync("/api/admin/reminders/run", null),
            "instructions-record" => await client.PostAsJsonAsync($"/api/certificates/{id}/instructions", Instructed),
            "instructions-list" => await client.GetAsync($"/api/certificates/{id}/instructions"),
            "instructions-remove" => await client.DeleteAsync($"/api/certificates/{id}/instructions/{await InstructedEntry(id)}"),
            "concern-report" => await client.PostAsJsonAsync($"/api/certificates/{id}/concerns", Concern),
            "concern-list" => await client.GetAsync($"/api/certificates/{id}/concerns"),
            "concern-worklist" => await client.GetAsync("/api/care-units/me/concerns?status=open"),
            "concern-respond" => await client.PostAsJsonAsync($"/api/concerns/{await ReportConcernAsync(id)}/response",
                new { text = "Vi ringer i dag.", reassessmentOn = (string?)null }),
            "renewal-worklist" => await client.GetAsync("/api/care-units/me/renewals?withinDays=60"),
            "follow-up-record" => await client.PostAsJsonAsync($"/api/certificates/{id}/follow-ups", new { doneOn = "2026-11-23", note = "Uppföljning gjord." }),
            "follow-up-list" => await client.GetAsync($"/api/certificates/{id}/follow-ups"),
            "units-search" => await client.GetAsync("/api/units?query=skola"),
            "units-import" => await client.Import(UnitSamples.Csv),
            "shares-list" => await client.GetAsync($"/api/guardians/me/certificates/{id}/shares"),
            "shares-add" => await ShareWithPreschool(client, id),
            "signed" => await client.GetAsync($"/api/certificates/{id}/signed"),
            "signing-keys" => await client.GetAsync("/api/signing-keys"),
            "revocations" => await client.GetAsync("/api/revocations"),
            "signed-verify" => await client.PostAsJsonAsync("/api/signed-certificates/verify", new { payload = "EGV1:ABC" }),
            "shares-withdraw" => await client.DeleteAsync($"/api/guardians/me/certificates/{id}/shares/{Tokens.SchoolUnit}"),
            "request-create" => await client.PostAsJsonAsync("/api/certificate-requests", RequestBody()),
            "request-school-list" => await client.GetAsync("/api/schools/me/certificate-requests?status=open"),
            "request-withdraw" => await client.PostAsync($"/api/certificate-requests/{await RequestAsync()}/withdrawal", null),
            "request-search" => await client.PostAsJsonAsync("/api/certificate-requests/search", new { personnummer = Samples.ChildPnr }),
            "request-guardian-list" => await client.GetAsync("/api/guardians/me/certificate-requests"),
            "issue-answering-request" => await client.PostAsJsonAsync("/api/certificates", await AnsweringAsync()),
            "fhir-metadata" => await client.GetAsync("/fhir/r4/metadata"),
            "fhir-read" => await client.GetAsync($"/fhir/r4/CarePlan/{id}"),
            "fhir-search" => await client.PostAsync("/fhir/r4/CarePlan/_search", new FormUrlEncodedContent(
                [new KeyValuePair<string, string>("patient.identifier", $"urn:oid:1.2.752.129.2.1.3.1|{Samples.ChildPnr}")])),
            _ => throw new ArgumentOutOfRangeException(nameof(endpoint)),
        };

        Assert.That(response.StatusCode, Is.EqualTo(expected), await response.Content.ReadAsStringAsync());
        if (endpoint.StartsWith("fhir-", StringComparison.Ordinal))
        {
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/fhir+json"), "resources and OperationOutcomes alike");
        }
        else if (expected is Unauthorized or Forbidden or NotFound)
        {
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        }
    }
}
