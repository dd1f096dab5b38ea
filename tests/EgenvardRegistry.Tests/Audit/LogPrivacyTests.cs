using System.Net;
using System.Net.Http.Json;
using System.Text;
using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.Tests.Audit;

/// <summary>A personnummer never reaches a log line, at any level, whatever the request did.</summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class LogPrivacyTests(Engine engine) : IntegrationTest(engine)
{
    private const string WrongCheckDigit = "201503122383";

    private static IEnumerable<string> Forms(string twelveDigits) =>
    [
        twelveDigits,
        twelveDigits[2..],
        $"{twelveDigits[..8]}-{twelveDigits[8..]}",
        $"{twelveDigits[2..8]}-{twelveDigits[8..]}",
    ];

    [Test]
    public async Task FullScenario_LogsNoPersonnummerInAnyForm()
    {
        var body = Samples.Certificate();
        body["child"]!["personnummer"] = "150312-2382";
        var id = await IssueOk(body);
        await IssueOk(Samples.Certificate(childPnr: Samples.OtherChildPnr, guardianPnr: Tokens.OtherGuardianPnr));

        await Client(Tokens.Clinician()).GetAsync($"/api/certificates/{id}");
        await Client(Tokens.Clinician(Tokens.OtherCareUnit, "c2")).GetAsync($"/api/certificates/{id}");
        await Verify("20150312-2382", "insulin");
        await Verify(Samples.OtherChildPnr, "oxygen", Tokens.OtherSchoolUnit);
        await Client(Tokens.School()).GetAsync("/api/schools/me/certificates?expiringWithinDays=400");
        await Client(Tokens.Guardian()).GetAsync("/api/guardians/me/certificates");
        await Client(Tokens.Clinician()).PostAsJsonAsync("/api/certificates/search", new { personnummer = "150312-2382" });
        using var fhirSearch = await Client(Tokens.Clinician()).PostAsync("/fhir/r4/CarePlan/_search", new FormUrlEncodedContent(
            [new KeyValuePair<string, string>("patient.identifier", $"urn:oid:1.2.752.129.2.1.3.1|{Samples.ChildPnr}")]));
        using var fhirRead = await Client(Tokens.Clinician()).GetAsync($"/fhir/r4/CarePlan/{id}");
        using var fhirBadSearch = await Client(Tokens.Clinician()).PostAsync("/fhir/r4/CarePlan/_search", new FormUrlEncodedContent(
            [new KeyValuePair<string, string>("patient.identifier", $"urn:oid:1.2.752.129.2.1.3.1|{WrongCheckDigit}")]));
        Assert.That((fhirSearch.StatusCode, fhirRead.StatusCode, fhirBadSearch.StatusCode),
            Is.EqualTo((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.UnprocessableEntity)));
        using var renewal = await Renew(id);
        var renewedId = Guid.Parse((await renewal.ReadJson())["id"]!.GetValue<string>());
        using var revoked = await Revoke(renewedId, reason: "Fel barn");
        Assert.That((renewal.StatusCode, revoked.StatusCode), Is.EqualTo((HttpStatusCode.Created, HttpStatusCode.OK)));
        await Verify(Samples.ChildPnr, "insulin");
        await Client(Tokens.Admin()).PostAsJsonAsync("/api/admin/audit/search", new { personnummer = "201503122382" });
        await Client(Tokens.Admin()).GetAsync($"/api/admin/audit?certificateId={id}");
        await Client(Tokens.Guardian()).GetAsync("/api/guardians/me/access-log");
        await Client(Tokens.Guardian()).PutAsJsonAsync("/api/guardians/me/contact", new { email = "sara.lind@example.se", remindersEnabled = true });
        await IssueOk(Samples.Certificate(childPnr: "201304051236", validFrom: "2025-12-01", validUntil: "2026-11-30", followUpOn: "2026-06-01"));
        using var reminders = await Client(Tokens.Admin()).PostAsync("/api/admin/reminders/run", null);
        Assert.That((await reminders.ReadJson())["sent"]!.GetValue<int>(), Is.GreaterThan(0), "the reminder path ran and logged");
        await Client(Tokens.Admin()).GetAsync("/api/admin/notifications");

        // Failures are where a value is most likely to be echoed.
        using var badPnr = await Client(Tokens.School()).PostAsJsonAsync("/api/verifications",
            new { personnummer = WrongCheckDigit, measure = "insulin" });
        using var malformed = await Client(Tokens.School()).PostAsync("/api/verifications",
            new StringContent("{\"personnummer\": \"201503122382\", \"measure\": ", Encoding.UTF8, "application/json"));
        using var badSearch = await Client(Tokens.Clinician()).PostAsJsonAsync("/api/certificates/search",
            new { personnummer = WrongCheckDigit });
        using var wrongType = await Client(Tokens.Clinician()).PostAsync("/api/certificates",
            new StringContent("{\"child\": {\"personnummer\": 201503122382}}", Encoding.UTF8, "application/json"));
        using var badGuardian = await Client(Tokens.Mint(new()
            {
                ["sub"] = "g", ["name"] = "G", ["role"] = "guardian", ["pnr"] = Tokens.OtherGuardianPnr,
            }, options: new() { SigningKey = new string('k', 40), Issuer = "x", Audience = "y" }))
            .GetAsync("/api/guardians/me/certificates");
        Assert.That(new[] { badPnr.StatusCode, malformed.StatusCode, wrongType.StatusCode, badGuardian.StatusCode },
            Is.EqualTo(new[] { HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized }));

        var logs = App.Logs.Lines;
        Assert.That(logs, Has.Count.GreaterThan(50), "the capture sees the application's logging");
        var forbidden = new[] { Samples.ChildPnr, Samples.OtherChildPnr, "201304051236", Tokens.GuardianPnr, Tokens.OtherGuardianPnr, WrongCheckDigit }
            .SelectMany(Forms)
            .ToList();
        var leaks = logs.Where(line => forbidden.Any(pnr => line.Contains(pnr, StringComparison.Ordinal))).ToList();
        Assert.That(leaks, Is.Empty);
    }

    /// <summary>
    /// The registry never puts a personnummer in a URL, but a client may: ASP.NET Core logs the request line (at
    /// Information) and unmatched paths (at Debug) before any of the registry's code runs. Every log line goes through
    /// the redaction, at every level.
    /// </summary>
    [Test]
    public async Task PersonnummerAClientPutsInAUrl_IsNotLogged()
    {
        var id = await IssueOk(Samples.Certificate());
        string[] urls =
        [
            $"/api/certificates?personnummer={Samples.ChildPnr}",
            $"/api/certificates/{Samples.ChildPnr}",
            "/api/certificates/150312-2382",
            $"/api/certificates/{id}?child=20150312-2382",
            $"/fhir/r4/CarePlan?patient.identifier=urn:oid:1.2.752.129.2.1.3.1%7C{Samples.ChildPnr}",
            "/skola?pnr=150312%2B2382",
            $"/verifiera?pnr={WrongCheckDigit}",
        ];
        foreach (var url in urls)
        {
            using var response = await Client(Tokens.Clinician()).GetAsync(url);
        }

        var logs = App.Logs.Lines;
        Assert.That(logs.Any(line => line.Contains("/api/certificates/", StringComparison.Ordinal)), Is.True,
            "the request lines are logged (with the personnummer taken out)");
        var forbidden = new[] { Samples.ChildPnr, WrongCheckDigit }.SelectMany(Forms).Append("150312+2382").Append("150312%2B2382").ToList();
        var leaks = logs.Where(line => forbidden.Any(pnr => line.Contains(pnr, StringComparison.Ordinal))).ToList();
        Assert.That(leaks, Is.Empty);
    }
}
