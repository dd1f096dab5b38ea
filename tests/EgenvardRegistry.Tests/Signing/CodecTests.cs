using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Text;
using EgenvardRegistry.Certificates;
using EgenvardRegistry.Signing;
using QRCoder;

namespace EgenvardRegistry.Tests.Signing;

/// <summary>Base45, COSE_Sign1 and the EGV1 text, against the published examples where there are some.</summary>
[TestFixture]
public class CodecTests
{
    // RFC 9285, section 4.3 and 4.4.
    [TestCase("AB", "BB8")]
    [TestCase("Hello!!", "%69 VD92EX0")]
    [TestCase("base-45", "UJCLQE7W581")]
    [TestCase("ietf!", "QED8WEX0")]
    [TestCase("", "")]
    public void Base45_Rfc9285Examples_EncodeAndDecode(string text, string encoded)
    {
        Assert.That(Base45.Encode(Encoding.ASCII.GetBytes(text)), Is.EqualTo(encoded));
        Assert.That(Base45.TryDecode(encoded), Is.EqualTo(Encoding.ASCII.GetBytes(text)));
    }

    // "GGW" is 65535 + 1 (RFC 9285, section 6); a length of 3k+1 and letters outside the alphabet are not Base45.
    [TestCase("GGW")]
    [TestCase("BB8A")]
    [TestCase("bb8")]
    [TestCase("BB8Å")]
    public void Base45_NotBase45_IsRefused(string text)
    {
        Assert.That(Base45.TryDecode(text), Is.Null);
    }

    // RFC 9052, appendix C.2.1 (single ECDSA signature) with the P-256 key "11" of appendix C.7.
    private const string Rfc9052Sign1 =
        "D28443A10126A10442313154546869732069732074686520636F6E74656E742E5840" +
        "8EB33E4CA31D1C465AB05AAC34CC6B23D58FEF5C083106C4D25A91AEF0B0117E" +
        "2AF9A291AA32E14AB834DC56ED2A223444547E01F11D3B0916E5A4C345CACB36";

    private static ECDsa Rfc9052Key11() => ECDsa.Create(new ECParameters
    {
        Curve = ECCurve.NamedCurves.nistP256,
        Q = new ECPoint
        {
            X = Convert.FromHexString("bac5b11cad8f99f9c72b05cf4b9e26d244dc189f745228255a219a86d6a09eff"),
            Y = Convert.FromHexString("20138bf82dc1b6d562be0fa54ab7804a3a64b6d72ccfed6b6fb6ed28bbfc117e"),
        },
    });

    [Test]
    public void CoseSign1_Rfc9052Example_DecodesAndVerifies()
    {
        var message = CoseSign1.TryDecode(Convert.FromHexString(Rfc9052Sign1));
        using var key = Rfc9052Key11();

        Assert.That(message, Is.Not.Null);
        Assert.That(message!.ProtectedHeader, Is.EqualTo(Convert.FromHexString("A10126")));
        Assert.That(message.Algorithm, Is.EqualTo(CoseSign1.Es256));
        Assert.That(Encoding.ASCII.GetString(message.KeyId!), Is.EqualTo("11"));
        Assert.That(Encoding.ASCII.GetString(message.Payload), Is.EqualTo("This is the content."));
        Assert.That(message.Signature, Has.Length.EqualTo(64));
        // Sig_structure: ["Signature1", h'A10126', h'', payload].
        Assert.That(Convert.ToHexString(CoseSign1.ToBeSigned(message.ProtectedHeader, message.Payload)),
            Is.EqualTo("846A5369676E61747572653143A1012640" + "54546869732069732074686520636F6E74656E742E"));
        Assert.That(message.VerifyWith(key), Is.True);
        var tampered = message with { Payload = Encoding.ASCII.GetBytes("This is the content!") };
        Assert.That(tampered.VerifyWith(key), Is.False);
    }

    [Test]
    public void CoseSign1_OwnMessage_HasTheRfc9052LayoutAndRoundTrips()
    {
        using var key = SigningKey.From(ECDsa.Create(ECCurve.NamedCurves.nistP256));
        var payload = Encoding.UTF8.GetBytes("innehåll");

        var bytes = CoseSign1.Sign(key.Key, key.KeyIdBytes, payload);

        // 18([h'A2 01 26 04 48 <kid>', {}, payload, signature(64)])
        var reader = new CborReader(bytes);
        Assert.That(reader.ReadTag(), Is.EqualTo((CborTag)18));
        Assert.That(reader.ReadStartArray(), Is.EqualTo(4));
        Assert.That(reader.ReadByteString(), Is.EqualTo(Convert.FromHexString("A2012604" + "48").Concat(key.KeyIdBytes).ToArray()));
        Assert.That(reader.ReadStartMap(), Is.Zero);
        reader.ReadEndMap();
        Assert.That(reader.ReadByteString(), Is.EqualTo(payload));
        Assert.That(reader.ReadByteString(), Has.Length.EqualTo(64));
        var message = CoseSign1.TryDecode(bytes)!;
        Assert.That(message.KeyId, Is.EqualTo(key.KeyIdBytes));
        Assert.That(message.ContentType, Is.Null);
        Assert.That(message.VerifyWith(key.Key), Is.True);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.That(message.VerifyWith(other), Is.False);
    }

    [Test]
    public void SigningKey_Id_IsTheStartOfTheRfc7638Thumbprint()
    {
        // RFC 7638's canonical JWK of key "11": {"crv":"P-256","kty":"EC","x":"usWx…","y":"IBOL…"}.
        using var key = SigningKey.From(Rfc9052Key11());
        var canonical = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"usWxHK2PmfnHKwXPS54m0kTcGJ90UiglWiGahtagnv8\"," +
                        "\"y\":\"IBOL-C3BttVivg-lSreASjpkttcsz-1rb7btKLv8EX4\"}";

        Assert.That(key.KeyIdBytes, Is.EqualTo(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))[..8]));
        Assert.That(key.ToJwk().X, Is.EqualTo("usWxHK2PmfnHKwXPS54m0kTcGJ90UiglWiGahtagnv8"));
        Assert.That(key.KeyId, Has.Length.EqualTo(11));
    }

    [Test]
    public void SignedCertificate_RoundTrips_AndRefusesWhatIsNotGenuine()
    {
        using var key = SigningKey.From(ECDsa.Create(ECCurve.NamedCurves.nistP256));
        using var ring = new SigningKeyRing(key);
        var payload = Payload(measures: 1);

        var text = SignedCertificates.Sign(payload, key);
        var check = SignedCertificates.Check(text, ring);

        Assert.That(text, Does.StartWith("EGV1:"));
        Assert.That(check.Refusal, Is.Null);
        Assert.That(check.KeyId, Is.EqualTo(key.KeyId));
        Assert.That(check.Payload, Is.EqualTo(payload).Using<SignedCertificatePayload>(SamePayload));
        using var stranger = SigningKey.From(ECDsa.Create(ECCurve.NamedCurves.nistP256));
        Assert.That(SignedCertificates.Check(SignedCertificates.Sign(payload, stranger), ring).Refusal, Is.EqualTo(SignedReasons.UnknownKey));
        Assert.That(SignedCertificates.Check(Forged(payload, key), ring).Refusal, Is.EqualTo(SignedReasons.InvalidSignature));
        Assert.That(SignedCertificates.Check("EGV1:" + text[6..], ring).Refusal, Is.EqualTo(SignedReasons.Malformed));
        Assert.That(SignedCertificates.Check("https://egenvard.test/skola/intyg/1", ring).Refusal, Is.EqualTo(SignedReasons.Malformed));
        // A revocation list is signed with the same key, but is never a certificate.
        var list = Egv1.Wrap(new RevocationList(DateTimeOffset.UnixEpoch, [payload.Id], []).Sign(key));
        Assert.That(SignedCertificates.Check(list, ring).Refusal, Is.EqualTo(SignedReasons.Malformed));
    }

    [Test]
    public void RevocationList_SignedOverIdsEncodedOnce_IsTheCanonicalMapOfItsIssueTimeAndIds()
    {
        using var key = SigningKey.From(ECDsa.Create(ECCurve.NamedCurves.nistP256));
        Guid[] revoked = [Guid.Parse("0199a1b2-0000-7000-8000-000000000001"), Guid.Parse("0199a1b2-0000-7000-8000-0000000000ff")];
        Guid[] replaced = [Guid.Parse("0199a1b2-0000-7000-8000-000000000abc")];
        var encoded = RevocationList.EncodeIds(revoked, replaced);

        var first = CoseSign1.TryDecode(RevocationList.Sign(key, DateTimeOffset.FromUnixTimeSeconds(1_795_000_000), encoded))!;
        var later = CoseSign1.TryDecode(RevocationList.Sign(key, DateTimeOffset.FromUnixTimeSeconds(4_102_444_800), encoded))!;

        // The map written in one go, as a canonical CBOR writer writes it.
        static byte[] Expected(long issuedAt, Guid[] revoked, Guid[] replaced)
        {
            var writer = new CborWriter(CborConformanceMode.Canonical);
            writer.WriteStartMap(3);
            writer.WriteInt32(1);
            writer.WriteInt64(issuedAt);
            foreach (var (label, ids) in new[] { (2, revoked), (3, replaced) })
            {
                writer.WriteInt32(label);
                writer.WriteStartArray(ids.Length);
                foreach (var id in ids)
                {
                    writer.WriteByteString(id.ToByteArray(bigEndian: true));
                }
                writer.WriteEndArray();
            }
            writer.WriteEndMap();
            return writer.Encode();
        }
        Assert.That(first.Payload, Is.EqualTo(Expected(1_795_000_000, revoked, replaced)));
        Assert.That(later.Payload, Is.EqualTo(Expected(4_102_444_800, revoked, replaced)), "an issue time of five bytes");
        Assert.That(CoseSign1.TryDecode(new RevocationList(DateTimeOffset.FromUnixTimeSeconds(1_795_000_000), revoked, replaced)
            .Sign(key))!.Payload, Is.EqualTo(first.Payload));
        Assert.That((first.ContentType, first.VerifyWith(key.Key), later.VerifyWith(key.Key)),
            Is.EqualTo((RevocationList.ContentType, true, true)));
        Assert.That(CoseSign1.TryDecode(RevocationList.Sign(key, DateTimeOffset.UnixEpoch, RevocationList.EncodeIds([], [])))!.Payload,
            Is.EqualTo(Expected(0, [], [])));
    }

    [Test]
    public void RevocationList_IdOrder_IsTheOrderOfTheIdsText_AsPostgresAndSqliteOrderThem()
    {
        var ids = Enumerable.Range(0, 2000).Select(_ => Guid.NewGuid()).ToList();

        Assert.That(ids.Order().Select(id => id.ToString()), Is.EqualTo(ids.Select(id => id.ToString()).Order(StringComparer.Ordinal)));
    }

    [Test]
    public void SignedCertificate_ManyMeasuresAndLongNames_FitsAQrCodeAtLevelQ()
    {
        using var key = SigningKey.From(ECDsa.Create(ECCurve.NamedCurves.nistP256));
        var typical = SignedCertificates.Sign(Payload(measures: 2), key);
        var largest = SignedCertificates.Sign(Payload(measures: CertificateRules.MaxMeasures, nameLength: CertificateRules.MaxNameLength), key);

        using var generator = new QRCodeGenerator();
        using var typicalCode = generator.CreateQrCode(typical, QRCodeGenerator.ECCLevel.Q);
        using var largestCode = generator.CreateQrCode(largest, QRCodeGenerator.ECCLevel.Q);

        Assert.That(typical.Skip(5), Is.All.Matches<char>(c => "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".Contains(c)));
        Assert.That(typicalCode.Version, Is.LessThanOrEqualTo(15), $"{typical.Length} characters");
        Assert.That(largestCode.Version, Is.LessThanOrEqualTo(40), $"{largest.Length} characters");
    }

    /// <summary>The same certificate signed, with one measure changed after signing.</summary>
    private static string Forged(SignedCertificatePayload payload, SigningKey key)
    {
        var genuine = CoseSign1.TryDecode(Egv1.TryUnwrap(SignedCertificates.Sign(payload, key))!)!;
        var forged = (payload with { Measures = [new SignedMeasure("adrenaline", "staff")] }).ToCbor();
        var writer = new CborWriter();
        writer.WriteTag((CborTag)18);
        writer.WriteStartArray(4);
        writer.WriteByteString(genuine.ProtectedHeader);
        writer.WriteStartMap(0);
        writer.WriteEndMap();
        writer.WriteByteString(forged);
        writer.WriteByteString(genuine.Signature);
        writer.WriteEndArray();
        return Egv1.Wrap(writer.Encode());
    }

    internal static SignedCertificatePayload Payload(int measures, int nameLength = 0)
    {
        string Long(string start) => nameLength == 0 ? start : (start + " " + new string('x', nameLength)).Substring(0, nameLength);
        string[] codes = ["insulin", "blood-glucose", "adrenaline", "inhaler", "seizure-medication", "oral-medication",
            "tube-feeding", "catheterisation", "stoma-care", "oxygen"];
        return new SignedCertificatePayload(Guid.CreateVersion7(), Long("Alva Lind"), new DateOnly(2015, 3, 12),
            codes.Take(measures).Select((code, i) => new SignedMeasure(code, i % 2 == 0 ? "child-with-staff" : "staff")).ToList(),
            new DateOnly(2026, 8, 15), new DateOnly(2027, 8, 14), Long("Barndiabetesmottagningen Västerås"), "021-17 30 00",
            new DateTimeOffset(2026, 8, 15, 8, 0, 0, TimeSpan.Zero));
    }

    private static bool SamePayload(SignedCertificatePayload a, SignedCertificatePayload b) =>
        a with { Measures = [] } == b with { Measures = [] } && a.Measures.SequenceEqual(b.Measures);
}
