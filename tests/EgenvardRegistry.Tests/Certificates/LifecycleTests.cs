using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.Tests.Certificates;

[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class LifecycleTests(Engine engine) : IntegrationTest(engine)
{
    private async Task<JsonObject> Get(Guid id)
    {
        using var response = await Client(Tokens.Admin()).GetAsync($"/api/certificates/{id}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return await response.ReadJson();
    }

    private async Task<IReadOnlyList<(long Version, string Status, string Change, string? Reason)>> History(Guid id)
    {
        await using var connection = await App.Database.OpenAsync();
        return (await connection.QueryAsync<(long, string, string, string?)>(
            "SELECT version, status, change, reason FROM certificate_history WHERE CAST(certificate_id AS TEXT) = @id ORDER BY version",
            new { id = id.ToString() })).ToList();
    }

    [Test]
    public async Task Renew_ActiveCertificate_CreatesANewOneThatReplacesIt()
    {
        var old = await IssueOk();

        using var response = await Renew(old);
        var renewed = await response.ReadJson();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), renewed.ToJsonString());
        var newId = Guid.Parse(renewed["id"]!.GetValue<string>());
        Assert.Multiple(async () =>
        {
            Assert.That(newId, Is.Not.EqualTo(old));
            Assert.That(response.Headers.Location!.ToString(), Is.EqualTo($"/api/certificates/{newId}"));
            Assert.That(renewed["status"]!.GetValue<string>(), Is.EqualTo("active"));
            Assert.That(renewed["replaces"]!.GetValue<string>(), Is.EqualTo(old.ToString()));
            Assert.That(renewed["validFrom"]!.GetValue<string>(), Is.EqualTo("2027-08-01"));
            Assert.That(renewed["validUntil"]!.GetValue<string>(), Is.EqualTo("2028-07-31"));
            // What the renewal leaves out is carried over.
            Assert.That(renewed["measures"]![0]!["code"]!.GetValue<string>(), Is.EqualTo("insulin"));
            Assert.That(renewed["guardians"]![0]!["personnummer"]!.GetValue<string>(), Is.EqualTo(Tokens.GuardianPnr));
            Assert.That(renewed["sharedWith"]![0]!.GetValue<string>(), Is.EqualTo(Tokens.SchoolUnit));
            Assert.That(renewed["child"]!["personnummer"]!.GetValue<string>(), Is.EqualTo(Samples.ChildPnr));

            var before = await Get(old);
            Assert.That(before["status"]!.GetValue<string>(), Is.EqualTo("replaced"));
            Assert.That(before["replacedBy"]!.GetValue<string>(), Is.EqualTo(newId.ToString()));
            Assert.That(before["version"]!.GetValue<int>(), Is.EqualTo(2));
            Assert.That(before["validUntil"]!.GetValue<string>(), Is.EqualTo("2027-08-14"), "the old certificate is not overwritten");
            Assert.That(await History(old), Is.EqualTo(new[] { (1L, "active", "issued", (string?)null), (2L, "replaced", "replaced", null) }));
            Assert.That(await History(newId), Is.EqualTo(new[] { (1L, "active", "renewed", (string?)null) }));
        });
    }

    [Test]
    public async Task Renew_WithChangedContent_KeepsTheChangeAndVerificationUsesTheNewCertificate()
    {
        var old = await IssueOk();
        var body = NewDates("2026-11-23", "2027-11-22", "2027-05-01");
        body["measures"] = new JsonArray(Samples.Measure("insulin"), Samples.Measure("adrenaline"));

        using var response = await Renew(old, body);
        var newId = (await response.ReadJson())["id"]!.GetValue<string>();

        var adrenaline = await Verify(Samples.ChildPnr, "adrenaline");
        var insulin = await Verify(Samples.ChildPnr, "insulin");
        Assert.That(adrenaline["reason"]!.GetValue<string>(), Is.EqualTo("valid"));
        Assert.That(insulin["certificate"]!["id"]!.GetValue<string>(), Is.EqualTo(newId));
    }

    [Test]
    public async Task Renew_WithInvalidDates_Returns400AndChangesNothing()
    {
        var old = await IssueOk();

        using var response = await Renew(old, NewDates("2027-08-01", "2028-12-31", "2028-01-01"));
        var problem = await response.ReadJson();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(problem.ErrorFields(), Is.EqualTo(new[] { "validUntil" }));
        Assert.That((await Get(old))["status"]!.GetValue<string>(), Is.EqualTo("active"));
        Assert.That(await Count("certificates"), Is.EqualTo(1));
    }

    [Test]
    public async Task Renew_WithoutDates_Returns400NamingThem()
    {
        var old = await IssueOk();

        using var response = await Renew(old, new JsonObject());

        Assert.That((await response.ReadJson()).ErrorFields(), Is.EquivalentTo(new[] { "validFrom", "validUntil", "followUpOn" }));
    }

    [Test]
    public async Task Renew_ReplacedOrRevokedCertificate_Returns409()
    {
        var first = await IssueOk();
        using (var renewal = await Renew(first))
        {
            Assert.That(renewal.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        }
        var other = await IssueOk(Samples.Certificate(measures: "oxygen"));
        using (var revocation = await Revoke(other, "\"1\""))
        {
            Assert.That(revocation.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        using var again = await Renew(first);
        using var revoked = await Renew(other);

        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(revoked.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That((await revoked.ReadJson())["detail"]!.GetValue<string>(), Does.Contain("revoked"));
        Assert.That(await Count("certificates"), Is.EqualTo(3));
    }

    [Test]
    public async Task Renew_WithStaleIfMatch_Returns412_AndWithCurrentSucceeds()
    {
        var old = await IssueOk();

        using var stale = await Renew(old, ifMatch: "\"7\"");
        using var current = await Renew(old, ifMatch: "\"1\"");

        Assert.That(stale.StatusCode, Is.EqualTo(HttpStatusCode.PreconditionFailed));
        Assert.That(current.StatusCode, Is.EqualTo(HttpStatusCode.Created));
    }

    [Test]
    public async Task Renew_OtherCareUnitsCertificate_Returns404AndIsAuditedAsDenied()
    {
        var old = await IssueOk();

        using var response = await Renew(old, token: Tokens.Clinician(Tokens.OtherCareUnit, "c2"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await Get(old))["status"]!.GetValue<string>(), Is.EqualTo("active"));
        var denied = (await AuditRows()).Single(row => row.Action == "certificate.renew");
        Assert.That((denied.Outcome, denied.ActorUnit), Is.EqualTo(("denied", Tokens.OtherCareUnit)));
    }

    [Test]
    public async Task Renew_IntoAnotherCareUnit_Returns403()
    {
        var old = await IssueOk();
        var body = NewDates();
        body["careUnit"] = new JsonObject { ["hsaId"] = Tokens.OtherCareUnit, ["name"] = "BUP", ["phone"] = "021-10 00 00" };

        using var response = await Renew(old, body);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await Count("certificates"), Is.EqualTo(1));
    }

    [Test]
    public async Task Revoke_WithCurrentETag_RevokesForGood()
    {
        var id = await IssueOk();

        using var response = await Revoke(id, "\"1\"");
        var revoked = await response.ReadJson();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), revoked.ToJsonString());
        Assert.Multiple(async () =>
        {
            Assert.That(response.Headers.ETag!.Tag, Is.EqualTo("\"2\""));
            Assert.That(revoked["status"]!.GetValue<string>(), Is.EqualTo("revoked"));
            Assert.That(revoked["revocation"]!["reason"]!.GetValue<string>(), Is.EqualTo("Behandlingen är avslutad."));
            Assert.That(revoked["revocation"]!["revokedBy"]!.GetValue<string>(), Is.EqualTo("SE2321000016-K7BG"));
            Assert.That(DateTimeOffset.Parse(revoked["revocation"]!["revokedAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture),
                Is.EqualTo(TestClock.Reference));
            Assert.That((await Verify(Samples.ChildPnr, "insulin"))["reason"]!.GetValue<string>(), Is.EqualTo("revoked"));
            Assert.That(await History(id), Is.EqualTo(new[]
            {
                (1L, "active", "issued", (string?)null), (2L, "revoked", "revoked", "Behandlingen är avslutad."),
            }));
        });

        using var again = await Revoke(id, "\"2\"");
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That((await Verify(Samples.ChildPnr, "insulin"))["covered"]!.GetValue<bool>(), Is.False);
    }

    [TestCase(null, HttpStatusCode.PreconditionRequired)]
    [TestCase("*", HttpStatusCode.PreconditionRequired)]
    [TestCase("\"1\", \"2\"", HttpStatusCode.PreconditionRequired)]
    [TestCase("not-an-etag", HttpStatusCode.PreconditionRequired)]
    [TestCase("\"2\"", HttpStatusCode.PreconditionFailed)]
    [TestCase("\"abc\"", HttpStatusCode.PreconditionFailed)]
    public async Task Revoke_WithoutTheCurrentETag_IsRefusedAndChangesNothing(string? ifMatch, HttpStatusCode expected)
    {
        var id = await IssueOk();

        using var response = await Revoke(id, ifMatch);

        Assert.That(response.StatusCode, Is.EqualTo(expected));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That((await Get(id))["status"]!.GetValue<string>(), Is.EqualTo("active"));
    }

    [TestCase(null)]
    [TestCase("   ")]
    [TestCase("501")]
    public async Task Revoke_WithoutAReasonOrTooLong_Returns400(string? reason)
    {
        var id = await IssueOk();

        using var response = await Revoke(id, "\"1\"", reason == "501" ? new string('x', 501) : reason);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await response.ReadJson()).ErrorFields(), Is.EqualTo(new[] { "reason" }));
        Assert.That((await Get(id))["status"]!.GetValue<string>(), Is.EqualTo("active"));
    }

    [Test]
    public async Task Revoke_OtherCareUnitsCertificate_Returns404()
    {
        var id = await IssueOk();

        using var response = await Revoke(id, "\"1\"", token: Tokens.Clinician(Tokens.OtherCareUnit, "c2"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await Get(id))["status"]!.GetValue<string>(), Is.EqualTo("active"));
    }

    [Test]
    public async Task Renew_RetriedWithTheSameIdempotencyKey_RenewsOnceAndReplaysTheFirstResponse()
    {
        var old = await IssueOk();

        using var first = await Renew(old, idempotencyKey: "renew-1");
        using var retry = await Renew(old, idempotencyKey: "renew-1");

        Assert.That((first.StatusCode, retry.StatusCode), Is.EqualTo((HttpStatusCode.Created, HttpStatusCode.Created)));
        Assert.That(await retry.Content.ReadAsStringAsync(), Is.EqualTo(await first.Content.ReadAsStringAsync()));
        Assert.That(retry.Headers.Location, Is.EqualTo(first.Headers.Location));
        Assert.That(retry.Headers.GetValues("Idempotent-Replayed").Single(), Is.EqualTo("true"));
        Assert.That(await Count("certificates"), Is.EqualTo(2));
    }

    [Test]
    public async Task Revoke_RetriedWithTheSameIdempotencyKey_GetsTheFirstAnswerNotAConflict()
    {
        var id = await IssueOk();

        using var first = await Revoke(id, "\"1\"", idempotencyKey: "revoke-1");
        using var retry = await Revoke(id, "\"1\"", idempotencyKey: "revoke-1");
        using var withoutKey = await Revoke(id, "\"1\"");

        Assert.That((first.StatusCode, retry.StatusCode), Is.EqualTo((HttpStatusCode.OK, HttpStatusCode.OK)));
        Assert.That(await retry.Content.ReadAsStringAsync(), Is.EqualTo(await first.Content.ReadAsStringAsync()));
        Assert.That(withoutKey.StatusCode, Is.EqualTo(HttpStatusCode.PreconditionFailed));
        Assert.That(await AuditCount("action = 'certificate.revoke'"), Is.EqualTo(2), "the revocation and the keyless attempt");
    }

    [Test]
    public async Task RevokeOrRenew_ByARoleThatMayNot_Returns403AndTheAttemptIsAudited()
    {
        var id = await IssueOk();

        using var revoke = await Revoke(id, "\"1\"", token: Tokens.School());
        using var renew = await Renew(id, token: Tokens.Guardian());

        Assert.That((revoke.StatusCode, renew.StatusCode), Is.EqualTo((HttpStatusCode.Forbidden, HttpStatusCode.Forbidden)));
        var attempts = (await AuditRows()).Where(row => row.Action == "access.forbidden").ToList();
        Assert.That(attempts.Select(row => (row.ActorRole, row.ActorUnit, row.Outcome)),
            Is.EqualTo(new[] { ("school", (string?)Tokens.SchoolUnit, "denied"), ("guardian", (string?)null, "denied") }));
        Assert.That(attempts.Select(row => Guid.Parse(row.CertificateId!)), Is.All.EqualTo(id));
        Assert.That(attempts.Select(row => row.ChildId), Is.All.EqualTo(await ChildId(Samples.ChildPnr)));
        Assert.That((await Get(id))["status"]!.GetValue<string>(), Is.EqualTo("active"));
    }

    [Test]
    public async Task Search_ReturnsTheChildsCertificatesFromEveryUnit_NewestFirst_WithExpiredFlag()
    {
        var expired = await IssueOk(Samples.Certificate(validFrom: "2025-12-01", validUntil: "2026-11-23", followUpOn: "2026-06-01"));
        Clock.Advance(TimeSpan.FromHours(1));
        var otherUnit = await IssueOk(Samples.Certificate(careUnit: Tokens.OtherCareUnit, measures: "inhaler"),
            Tokens.Clinician(Tokens.OtherCareUnit, "c2"));
        Clock.Advance(TimeSpan.FromDays(1));
        await IssueOk(Samples.Certificate(childPnr: Samples.OtherChildPnr));

        using var response = await Client(Tokens.Clinician()).PostAsJsonAsync("/api/certificates/search",
            new { personnummer = "20150312-2382", careRelationship = "Barnet behandlas hos oss." });
        var items = (await response.ReadJson())["items"]!.AsArray();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(items.Select(i => i!["id"]!.GetValue<string>()), Is.EqualTo(new[] { otherUnit.ToString(), expired.ToString() }));
        Assert.That(items.Select(i => i!["expired"]!.GetValue<bool>()), Is.EqualTo(new[] { false, true }));
        var audit = (await AuditRows()).Where(row => row.Action.StartsWith("certificate.search", StringComparison.Ordinal)).ToList();
        Assert.That(audit.Select(row => Guid.Parse(row.CertificateId!)), Is.EquivalentTo(new[] { otherUnit, expired }));
    }

    [Test]
    public async Task Search_UnknownChild_IsAnEmptyListAndStillAudited()
    {
        using var response = await Client(Tokens.Clinician()).PostAsJsonAsync("/api/certificates/search",
            new { personnummer = Samples.OtherChildPnr });

        Assert.That((await response.ReadJson())["items"]!.AsArray(), Is.Empty);
        Assert.That((await AuditRows()).Single().Action, Is.EqualTo("certificate.search"));
    }

    [TestCase("201503122383")]
    [TestCase(null)]
    public async Task Search_InvalidPersonnummer_Returns400WithoutEchoingIt(string? personnummer)
    {
        using var response = await Client(Tokens.Clinician()).PostAsJsonAsync("/api/certificates/search", new { personnummer });
        var text = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(text, Does.Contain("\"personnummer\"").And.Not.Contain("201503122383"));
    }
}
