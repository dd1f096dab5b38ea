using System.Formats.Cbor;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using EgenvardRegistry.Signing;
using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.Tests.Signing;

/// <summary>The signed certificate, the published keys and revocation list, and the server's verification of a paper.</summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class SignedCertificateTests(Engine engine) : IntegrationTest(engine)
{
    [Test]
    public async Task Signed_ForAReader_IsTheTextSignedAtIssue_WithoutThePersonnummer_AndIsAuditedAsARead()
    {
        var id = await IssueOk();
        var stored = await Count("signed_certificates", "certificate_id = @id", new { id });

        var first = await Signed(id, Tokens.School());
        var second = await Signed(id, Tokens.Guardian());
        using var stranger = await Client(Tokens.School(Tokens.OtherSchoolUnit)).GetAsync($"/api/certificates/{id}/signed");

        Assert.That(stored, Is.EqualTo(1), "signed when issued");
        Assert.That(first["payload"]!.GetValue<string>(), Does.StartWith("EGV1:"));
        Assert.That(second["payload"]!.GetValue<string>(), Is.EqualTo(first["payload"]!.GetValue<string>()), "every print carries the same text");
        Assert.That(first["keyId"]!.GetValue<string>(), Is.EqualTo(await PublishedKeyId()));
        var cbor = CoseSign1.TryDecode(Egv1.TryUnwrap(first["payload"]!.GetValue<string>())!)!.Payload;
        var payload = SignedCertificatePayload.TryRead(cbor)!;
        Assert.That((payload.Id, payload.ChildName, payload.BirthDate, payload.CareUnitPhone),
            Is.EqualTo((id, "Alva Lind", new DateOnly(2015, 3, 12), "021-17 30 00")));
        Assert.That(payload.Measures, Is.EqualTo(new[] { new SignedMeasure("insulin", "child-with-staff") }));
        Assert.That(Encoding.UTF8.GetString(cbor), Does.Not.Contain("2382").And.Not.Contain("Sara"));
        Assert.That(stranger.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await AuditCount("action = 'certificate.read' AND outcome = 'ok' AND certificate_id IS NOT NULL"), Is.EqualTo(2));
        Assert.That(await AuditCount("action = 'certificate.read' AND outcome = 'denied'"), Is.EqualTo(1));
    }

    [Test]
    public async Task Signed_ACertificateIssuedBeforeSigning_IsSignedWhenFirstAskedFor_ThenKept()
    {
        var id = await IssueOk();
        await Execute("DELETE FROM signed_certificates");

        var first = await Signed(id, Tokens.Clinician());
        var second = await Signed(id, Tokens.Clinician());

        Assert.That(await Count("signed_certificates"), Is.EqualTo(1));
        Assert.That(second["payload"]!.GetValue<string>(), Is.EqualTo(first["payload"]!.GetValue<string>()));
    }

    [Test]
    public async Task Verify_AGenuinePaper_IsValidThenRevoked_AndAForgedOneIsRefused_EachAuditedWithoutAChild()
    {
        var id = await IssueOk();
        var text = (await Signed(id, Tokens.Clinician()))["payload"]!.GetValue<string>();
        var forged = Forge(text);

        var valid = await VerifyPaper(text, Tokens.School(Tokens.OtherSchoolUnit));
        var tampered = await VerifyPaper(forged, Tokens.Guardian());
        var unreadable = await VerifyPaper("https://egenvard.test/skola/intyg/" + id, Tokens.Admin());
        using var empty = await Client(Tokens.School()).PostAsJsonAsync("/api/signed-certificates/verify", new { payload = " " });
        using (await Revoke(id)) { }
        var revoked = await VerifyPaper(text, Tokens.School());

        Assert.That((valid["valid"]!.GetValue<bool>(), valid["reason"]!.GetValue<string>()), Is.EqualTo((true, "valid")));
        Assert.That(valid["certificate"]!["childName"]!.GetValue<string>(), Is.EqualTo("Alva Lind"));
        Assert.That(valid["certificate"]!["measures"]![0]!["code"]!.GetValue<string>(), Is.EqualTo("insulin"));
        Assert.That(tampered["reason"]!.GetValue<string>(), Is.EqualTo("invalid-signature"));
        Assert.That(tampered["certificate"], Is.Null);
        Assert.That((unreadable["valid"]!.GetValue<bool>(), unreadable["reason"]!.GetValue<string>()), Is.EqualTo((false, "malformed")));
        Assert.That(empty.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await empty.ReadJson())["errors"]!["payload"], Is.Not.Null);
        Assert.That((revoked["valid"]!.GetValue<bool>(), revoked["reason"]!.GetValue<string>()), Is.EqualTo((false, "revoked")));
        var verifications = (await AuditRows()).Where(row => row.Action == "verification").ToList();
        Assert.That(verifications.Select(row => row.Outcome), Is.EqualTo(new[] { "valid", "invalid-signature", "malformed", "revoked" }));
        Assert.That(verifications.Select(row => row.ChildId), Is.All.Null);
        Assert.That(verifications[0].CertificateId, Is.EqualTo(id.ToString()).IgnoreCase);
        Assert.That(verifications[1].CertificateId, Is.Null, "a forged paper names nothing the registry vouches for");
    }

    [Test]
    public async Task Verify_TodayIsStockholmsDate_BeforeAndAfterTheValidity()
    {
        var id = await IssueOk(Samples.Certificate(validFrom: "2026-12-01", validUntil: "2027-06-30", followUpOn: "2027-03-01"));
        var text = (await Signed(id, Tokens.Clinician()))["payload"]!.GetValue<string>();

        var early = await VerifyPaper(text, Tokens.School());
        // 30 June 2027 22:30 UTC is already 1 July in Stockholm.
        Clock.SetUtcNow(new DateTimeOffset(2027, 6, 30, 21, 30, 0, TimeSpan.Zero));
        var lastDay = await VerifyPaper(text, Tokens.School());
        Clock.SetUtcNow(new DateTimeOffset(2027, 6, 30, 22, 30, 0, TimeSpan.Zero));
        var after = await VerifyPaper(text, Tokens.School());

        Assert.That(early["reason"]!.GetValue<string>(), Is.EqualTo("not-yet-valid"));
        Assert.That(lastDay["reason"]!.GetValue<string>(), Is.EqualTo("valid"));
        Assert.That(after["reason"]!.GetValue<string>(), Is.EqualTo("expired"));
    }

    [Test]
    public async Task Revocations_AreSignedIdsOfRevokedAndReplaced_CachedAnHour_AndAnsweredWith304WhileUnchanged()
    {
        var revoked = await IssueOk();
        var renewed = await IssueOk(Samples.Certificate(childPnr: Samples.OtherChildPnr));
        using (await Revoke(revoked)) { }
        using var renewal = await Renew(renewed);
        var anonymous = Client(null);

        using var response = await anonymous.GetAsync("/api/revocations");
        var body = await response.ReadJson();
        var etag = response.Headers.ETag!;
        using var conditional = new HttpRequestMessage(HttpMethod.Get, "/api/revocations") { Headers = { IfNoneMatch = { etag } } };
        using var unchanged = await anonymous.SendAsync(conditional);
        using (await Revoke((await renewal.ReadJson())["id"]!.GetValue<Guid>())) { }
        using var again = new HttpRequestMessage(HttpMethod.Get, "/api/revocations") { Headers = { IfNoneMatch = { etag } } };
        using var changed = await anonymous.SendAsync(again);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Headers.CacheControl!.ToString(), Is.EqualTo("public, max-age=3600"));
        Assert.That(etag.IsWeak, Is.True);
        Assert.That(body["revoked"]!.AsArray().Select(node => node!.GetValue<Guid>()), Is.EqualTo(new[] { revoked }));
        Assert.That(body["replaced"]!.AsArray().Select(node => node!.GetValue<Guid>()), Is.EqualTo(new[] { renewed }));
        Assert.That(body.ToJsonString(), Does.Not.Contain("Alva").And.Not.Contain(Samples.ChildPnr));
        // The signed list says the same, under a key /api/signing-keys publishes.
        var message = CoseSign1.TryDecode(Convert.FromBase64String(body["cose"]!.GetValue<string>()))!;
        Assert.That(message.ContentType, Is.EqualTo(RevocationList.ContentType));
        using var key = await PublishedKey();
        Assert.That(message.VerifyWith(key), Is.True);
        Assert.That(Convert.ToHexString(message.Payload), Does.Contain(Convert.ToHexString(revoked.ToByteArray(bigEndian: true))));
        Assert.That(unchanged.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
        Assert.That(changed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await changed.ReadJson())["revoked"]!.AsArray(), Has.Count.EqualTo(2));
    }

    [Test]
    public async Task Revocations_AskedForCose_AreTheSignedListAlone_WithAnETagOfTheirOwn()
    {
        var revoked = await IssueOk();
        await IssueOk(Samples.Certificate(childPnr: Samples.OtherChildPnr));
        using (await Revoke(revoked)) { }

        var json = await Revocations();
        var (answer, body) = await CoseRevocations();
        using (answer)
        {
            Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(answer.Content.Headers.ContentType!.ToString(), Is.EqualTo("application/cose; cose-type=\"cose-sign1\""));
            Assert.That(answer.Headers.Vary, Does.Contain("Accept"));
            Assert.That(answer.Headers.CacheControl!.MaxAge, Is.EqualTo(TimeSpan.FromHours(1)));
            Assert.That(answer.Headers.ETag!.IsWeak, Is.True);
            Assert.That(answer.Headers.ETag, Is.Not.EqualTo(json.ETag), "another representation, another tag");
            var signed = await SignedList(body);
            Assert.That((signed.IssuedAt, signed.Revoked, signed.Replaced), Is.EqualTo((json.IssuedAt, new[] { revoked }, Array.Empty<Guid>())));
        }

        var (again, _) = await CoseRevocations(answer.Headers.ETag);
        var (jsonTagAsked, _) = await CoseRevocations(json.ETag);
        using (again)
        using (jsonTagAsked)
        {
            Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
            Assert.That(jsonTagAsked.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the JSON's tag does not stand for the COSE");
        }
    }

    [Test]
    public async Task Revocations_LeaveOutCertificatesThatEndedBeforeToday_AndKeepOneThatEndsToday()
    {
        var revoked = await IssueOk(Samples.Certificate(validUntil: "2026-12-01", followUpOn: "2026-10-01"));
        var replaced = await IssueOk(Samples.Certificate(childPnr: Samples.OtherChildPnr, validUntil: "2026-12-02", followUpOn: "2026-10-01"));
        using (await Revoke(revoked)) { }
        using (var renewal = await Renew(replaced))
        {
            Assert.That(renewal.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        }

        // 23:30 on 1 December in Stockholm (22:30 UTC), the revoked certificate's last day.
        Clock.SetUtcNow(new DateTimeOffset(2026, 12, 1, 22, 30, 0, TimeSpan.Zero));
        var lastDay = await Revocations();
        // An hour later it is 2 December in Stockholm (still 1 December in UTC): the replaced certificate's last day.
        Clock.SetUtcNow(new DateTimeOffset(2026, 12, 1, 23, 30, 0, TimeSpan.Zero));
        var dayAfter = await Revocations(lastDay.ETag);
        Clock.SetUtcNow(new DateTimeOffset(2026, 12, 2, 23, 30, 0, TimeSpan.Zero));
        var bothEnded = await Revocations(dayAfter.ETag);

        Assert.That(lastDay.Revoked, Is.EqualTo(new[] { revoked }));
        Assert.That(lastDay.Replaced, Is.EqualTo(new[] { replaced }));
        Assert.That(dayAfter.Status, Is.EqualTo(HttpStatusCode.OK), "the day turned and the list with it");
        Assert.That(dayAfter.Revoked, Is.Empty, "it ended yesterday: a verifier's day is never before the list's issue time");
        Assert.That(dayAfter.Replaced, Is.EqualTo(new[] { replaced }));
        Assert.That(dayAfter.IssuedAt, Is.EqualTo(new DateTimeOffset(2026, 12, 1, 23, 30, 0, TimeSpan.Zero)));
        Assert.That(dayAfter.ETag, Is.Not.EqualTo(lastDay.ETag));
        Assert.That((bothEnded.Status, bothEnded.Revoked.Length, bothEnded.Replaced.Length), Is.EqualTo((HttpStatusCode.OK, 0, 0)));
    }

    [Test]
    public async Task Revocations_AReusedListIsSignedWithTheTimeItWasFoundCurrent_AndARevocationIsInTheVeryNextAnswer()
    {
        var first = await IssueOk();
        var second = await IssueOk(Samples.Certificate(childPnr: Samples.OtherChildPnr));
        using (await Revoke(first)) { }

        var built = await Revocations();
        Clock.Advance(TimeSpan.FromMinutes(20));
        var reused = await Revocations();
        var unchanged = await Revocations(reused.ETag);
        using (await Revoke(second)) { }
        var next = await Revocations(reused.ETag);

        Assert.That(built.Revoked, Is.EqualTo(new[] { first }));
        Assert.That(built.IssuedAt, Is.EqualTo(TestClock.Reference));
        Assert.That(reused.ETag, Is.EqualTo(built.ETag));
        Assert.That(reused.Revoked, Is.EqualTo(new[] { first }));
        Assert.That(reused.IssuedAt, Is.EqualTo(TestClock.Reference.AddMinutes(20)), "signed again, under the time it was found current");
        Assert.That(unchanged.Status, Is.EqualTo(HttpStatusCode.NotModified));
        Assert.That(unchanged.ETag, Is.EqualTo(built.ETag));
        Assert.That(next.Status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(next.ETag, Is.Not.EqualTo(built.ETag));
        Assert.That(next.Revoked, Is.EquivalentTo(new[] { first, second }));
        Assert.That(next.Revoked, Is.Ordered.Using<Guid>((a, b) => string.CompareOrdinal(a.ToString(), b.ToString())), "in id order");
    }

    [Test]
    public async Task Revocations_AChangeMadeThroughAnotherNodeOrInTheDatabase_IsInTheNextAnswer()
    {
        var first = await IssueOk();
        var second = await IssueOk(Samples.Certificate(childPnr: Samples.OtherChildPnr));
        var third = await IssueOk(Samples.Certificate(childPnr: "201304051236"));
        var empty = await Revocations();
        await using var otherNode = App.WithDatabase(App.Database);

        using (var request = new HttpRequestMessage(HttpMethod.Post, $"/api/certificates/{first}/revocation")
        {
            Content = JsonContent.Create(new { reason = "Behandlingen är avslutad." }),
            Headers = { IfMatch = { new EntityTagHeaderValue("\"1\"") } },
        })
        using (var revoked = await otherNode.ClientFor(Tokens.Clinician()).SendAsync(request))
        {
            Assert.That(revoked.StatusCode, Is.EqualTo(HttpStatusCode.OK), await revoked.Content.ReadAsStringAsync());
        }
        var afterOtherNode = await Revocations(empty.ETag);
        // A node of some other kind, or a person at the database: straight to the table, past this node.
        await Execute("UPDATE certificates SET status = 'replaced', version = version + 1 WHERE id = @Id", new { Id = second });
        var afterUpdate = await Revocations(afterOtherNode.ETag);
        await Execute("UPDATE certificates SET status = 'revoked', version = version + 1, revoked_at = @At, revoked_by = 'db' WHERE id = @Id",
            new { Id = third, At = Clock.GetUtcNow() });
        var onTheOtherNode = await Revocations(node: otherNode);
        var afterSecondUpdate = await Revocations(afterUpdate.ETag);

        Assert.That((empty.Revoked.Length, empty.Replaced.Length), Is.EqualTo((0, 0)));
        Assert.That(afterOtherNode.Status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(afterOtherNode.Revoked, Is.EqualTo(new[] { first }));
        Assert.That(afterUpdate.Status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(afterUpdate.Replaced, Is.EqualTo(new[] { second }));
        Assert.That(afterSecondUpdate.Revoked, Is.EquivalentTo(new[] { first, third }));
        Assert.That(onTheOtherNode.ETag, Is.EqualTo(afterSecondUpdate.ETag));
    }

    [Test]
    public async Task VerifierPage_NeedsNoSignIn_SendsNothing_AndRunsUnderThePagePolicy()
    {
        var anonymous = App.Anonymous();

        using var page = await anonymous.GetAsync("/verifiera");
        var html = await page.Content.ReadAsStringAsync();
        using var worker = await anonymous.GetAsync("/verifiera-sw.js");

        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(html, Does.Contain("<h1>Kontrollera ett egenvårdsintyg</h1>").And.Contain("src=\"/js/verifiera.js\""));
        Assert.That(html, Does.Not.Match("<(input|textarea|select)[^>]* name="), "no field the page could send anywhere");
        Assert.That(page.Headers.GetValues("Content-Security-Policy").Single(),
            Is.EqualTo(EgenvardRegistry.Infrastructure.Http.SecurityHeaders.PagePolicy));
        Assert.That(worker.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(worker.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/javascript"));
    }

    private sealed record PublishedList(HttpStatusCode Status, EntityTagHeaderValue ETag, DateTimeOffset IssuedAt, Guid[] Revoked,
        Guid[] Replaced);

    /// <summary>
    /// GET /api/revocations from <paramref name="node"/> (this test's host unless given). An answer with a body must carry
    /// a COSE list, signed under the published key, that says exactly what its JSON says.
    /// </summary>
    private async Task<PublishedList> Revocations(EntityTagHeaderValue? ifNoneMatch = null, RegistryApp? node = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/revocations");
        if (ifNoneMatch is not null)
        {
            request.Headers.IfNoneMatch.Add(ifNoneMatch);
        }
        using var response = await (node ?? App).ClientFor(null).SendAsync(request);
        var etag = response.Headers.ETag!;
        if (response.StatusCode == HttpStatusCode.NotModified)
        {
            return new PublishedList(response.StatusCode, etag, default, [], []);
        }
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var body = await response.ReadJson();
        Guid[] Ids(string name) => [.. body[name]!.AsArray().Select(node => node!.GetValue<Guid>())];
        var json = new PublishedList(response.StatusCode, etag, body["issuedAt"]!.GetValue<DateTimeOffset>(), Ids("revoked"),
            Ids("replaced"));

        var signed = await SignedList(Convert.FromBase64String(body["cose"]!.GetValue<string>()));
        Assert.That((signed.IssuedAt, signed.Revoked, signed.Replaced), Is.EqualTo((json.IssuedAt, json.Revoked, json.Replaced)));
        return json;
    }

    /// <summary>What a COSE revocation list says, once its signature holds under the published key.</summary>
    private async Task<(DateTimeOffset IssuedAt, Guid[] Revoked, Guid[] Replaced)> SignedList(byte[] cose)
    {
        var message = CoseSign1.TryDecode(cose)!;
        using var key = await PublishedKey();
        Assert.That((message.ContentType, message.VerifyWith(key)), Is.EqualTo((RevocationList.ContentType, true)));
        var reader = new CborReader(message.Payload, CborConformanceMode.Canonical);
        Assert.That(reader.ReadStartMap(), Is.EqualTo(3));
        Assert.That(reader.ReadInt32(), Is.EqualTo(1));
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(reader.ReadInt64());
        Guid[] SignedIds(int label)
        {
            Assert.That(reader.ReadInt32(), Is.EqualTo(label));
            var ids = new Guid[reader.ReadStartArray()!.Value];
            for (var i = 0; i < ids.Length; i++)
            {
                ids[i] = new Guid(reader.ReadByteString(), bigEndian: true);
            }
            reader.ReadEndArray();
            return ids;
        }
        var (revoked, replaced) = (SignedIds(2), SignedIds(3));
        reader.ReadEndMap();
        return (issuedAt, revoked, replaced);
    }

    /// <summary>GET /api/revocations asking for the signed list alone.</summary>
    private async Task<(HttpResponseMessage Response, byte[] Body)> CoseRevocations(EntityTagHeaderValue? ifNoneMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/revocations");
        request.Headers.Accept.ParseAdd("application/cose");
        if (ifNoneMatch is not null)
        {
            request.Headers.IfNoneMatch.Add(ifNoneMatch);
        }
        var response = await Client(null).SendAsync(request);
        return (response, await response.Content.ReadAsByteArrayAsync());
    }

    private async Task<JsonObject> Signed(Guid id, string token)
    {
        using var response = await Client(token).GetAsync($"/api/certificates/{id}/signed");
        var json = await response.ReadJson();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), json.ToJsonString());
        return json;
    }

    private async Task<JsonObject> VerifyPaper(string payload, string token)
    {
        using var response = await Client(token).PostAsJsonAsync("/api/signed-certificates/verify", new { payload });
        var json = await response.ReadJson();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), json.ToJsonString());
        return json;
    }

    private async Task<JsonObject> PublishedJwk()
    {
        using var response = await Client(null).GetAsync("/api/signing-keys");
        var keys = (await response.ReadJson())["keys"]!.AsArray();
        Assert.That(keys, Has.Count.EqualTo(1));
        return keys[0]!.AsObject();
    }

    private async Task<string> PublishedKeyId() => (await PublishedJwk())["kid"]!.GetValue<string>();

    private async Task<ECDsa> PublishedKey()
    {
        var jwk = await PublishedJwk();
        Assert.That((jwk["kty"]!.GetValue<string>(), jwk["crv"]!.GetValue<string>()), Is.EqualTo(("EC", "P-256")));
        return ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = FromBase64Url(jwk["x"]!.GetValue<string>()), Y = FromBase64Url(jwk["y"]!.GetValue<string>()) },
        });
    }

    private static byte[] FromBase64Url(string text) =>
        Convert.FromBase64String(text.Replace('-', '+').Replace('_', '/') + new string('=', (4 - text.Length % 4) % 4));

    /// <summary>The paper with one byte of its signed content changed, wrapped again as a well-formed EGV1 text.</summary>
    private static string Forge(string text)
    {
        var bytes = Egv1.TryUnwrap(text)!;
        var at = Encoding.UTF8.GetString(bytes).IndexOf("Alva", StringComparison.Ordinal);
        bytes[at] = (byte)'E';
        return Egv1.Wrap(bytes);
    }
}
