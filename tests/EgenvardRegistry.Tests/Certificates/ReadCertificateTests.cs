using System.Net;
using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.Tests.Certificates;

[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class ReadCertificateTests(Engine engine) : IntegrationTest(engine)
{
    public enum Reader
    {
        ClinicianOfIssuingUnit,
        ClinicianOfOtherUnit,
        SchoolSharedWith,
        SchoolNotSharedWith,
        GuardianOnCertificate,
        OtherGuardian,
        Admin,
    }

    private static string TokenFor(Reader reader) => reader switch
    {
        Reader.ClinicianOfIssuingUnit => Tokens.Clinician(),
        Reader.ClinicianOfOtherUnit => Tokens.Clinician(Tokens.OtherCareUnit, "clinician-2"),
        Reader.SchoolSharedWith => Tokens.School(),
        Reader.SchoolNotSharedWith => Tokens.School(Tokens.OtherSchoolUnit),
        Reader.GuardianOnCertificate => Tokens.Guardian(),
        Reader.OtherGuardian => Tokens.Guardian(Tokens.OtherGuardianPnr),
        Reader.Admin => Tokens.Admin(),
        _ => throw new ArgumentOutOfRangeException(nameof(reader)),
    };

    // Someone else's certificate is 404, exactly like one that does not exist, so existence does not leak.
    [TestCase(Reader.ClinicianOfIssuingUnit, HttpStatusCode.OK, "ok")]
    [TestCase(Reader.ClinicianOfOtherUnit, HttpStatusCode.NotFound, "denied")]
    [TestCase(Reader.SchoolSharedWith, HttpStatusCode.OK, "ok")]
    [TestCase(Reader.SchoolNotSharedWith, HttpStatusCode.NotFound, "denied")]
    [TestCase(Reader.GuardianOnCertificate, HttpStatusCode.OK, "ok")]
    [TestCase(Reader.OtherGuardian, HttpStatusCode.NotFound, "denied")]
    [TestCase(Reader.Admin, HttpStatusCode.OK, "ok")]
    public async Task Read_ByEachKindOfReader_ReturnsTheExpectedStatusAndAuditsIt(Reader reader, HttpStatusCode expected, string outcome)
    {
        var id = await IssueOk();

        using var response = await Client(TokenFor(reader)).GetAsync($"/api/certificates/{id}");
        var json = await response.ReadJson();

        Assert.That(response.StatusCode, Is.EqualTo(expected), json.ToJsonString());
        Assert.That(response.Headers.CacheControl!.NoStore, Is.True);
        if (expected == HttpStatusCode.OK)
        {
            Assert.That(json["id"]!.GetValue<string>(), Is.EqualTo(id.ToString()));
            Assert.That(response.Headers.ETag!.Tag, Is.EqualTo("\"1\""));
        }
        else
        {
            Assert.That(json["title"]!.GetValue<string>(), Is.EqualTo("Certificate not found"));
        }
        var read = (await AuditRows()).Single(row => row.Action == "certificate.read");
        Assert.That(read.Outcome, Is.EqualTo(outcome));
        Assert.That(Guid.Parse(read.CertificateId!), Is.EqualTo(id));
        Assert.That(read.ChildId, Is.EqualTo(await ChildId(Samples.ChildPnr)));
    }

    [Test]
    public async Task Read_OtherUnitsCertificate_LooksExactlyLikeAMissingOne()
    {
        var id = await IssueOk();
        var stranger = Client(Tokens.Clinician(Tokens.OtherCareUnit, "clinician-2"));

        using var forbidden = await stranger.GetAsync($"/api/certificates/{id}");
        using var missing = await stranger.GetAsync($"/api/certificates/{Guid.NewGuid()}");
        var forbiddenBody = await forbidden.ReadJson();
        var missingBody = await missing.ReadJson();
        forbiddenBody.Remove("traceId");
        missingBody.Remove("traceId");

        Assert.That(forbidden.StatusCode, Is.EqualTo(missing.StatusCode));
        Assert.That(forbiddenBody.ToJsonString(), Is.EqualTo(missingBody.ToJsonString()));
        var audit = await AuditRows();
        Assert.That(audit.Select(row => row.Outcome), Is.EqualTo(new[] { "ok", "denied", "not-found" }));
    }

    [Test]
    public async Task Read_BySchool_HidesGuardiansPersonnummerAndEmail()
    {
        var id = await IssueOk();

        using var response = await Client(Tokens.School()).GetAsync($"/api/certificates/{id}");
        var guardian = (await response.ReadJson())["guardians"]![0]!;

        Assert.That(guardian["name"]!.GetValue<string>(), Is.EqualTo("Sara Lind"));
        Assert.That(guardian["personnummer"], Is.Null);
        Assert.That(guardian["email"], Is.Null);
    }

    [Test]
    public async Task Read_NotAGuid_Returns404Problem()
    {
        using var response = await Client(Tokens.Admin()).GetAsync("/api/certificates/201503122382");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
    }

    [Test]
    public async Task Read_ExpiredCertificate_IsFlaggedExpiredFromStockholmsDate()
    {
        var id = await IssueOk(Samples.Certificate(validFrom: "2026-01-01", validUntil: "2026-12-31", followUpOn: "2026-06-01"));

        // 23:30 UTC on New Year's Eve is already 1 January in Stockholm.
        Clock.SetUtcNow(new DateTimeOffset(2026, 12, 31, 22, 59, 0, TimeSpan.Zero));
        using var lastDay = await Client(Tokens.Clinician()).GetAsync($"/api/certificates/{id}");
        Clock.SetUtcNow(new DateTimeOffset(2026, 12, 31, 23, 30, 0, TimeSpan.Zero));
        using var dayAfter = await Client(Tokens.Clinician()).GetAsync($"/api/certificates/{id}");

        Assert.That((await lastDay.ReadJson())["expired"]!.GetValue<bool>(), Is.False);
        Assert.That((await dayAfter.ReadJson())["expired"]!.GetValue<bool>(), Is.True);
    }

    [Test]
    public async Task Read_WithoutToken_Returns401Problem()
    {
        var id = await IssueOk();

        using var response = await Client(null).GetAsync($"/api/certificates/{id}");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.StartWith("Bearer"));
        Assert.That(await AuditCount("action = 'certificate.read'"), Is.EqualTo(0));
    }
}
