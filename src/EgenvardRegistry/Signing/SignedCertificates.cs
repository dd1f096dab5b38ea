using System.Formats.Cbor;
using EgenvardRegistry.Certificates;

namespace EgenvardRegistry.Signing;

/// <summary>Why a signed certificate is or is not valid, as <c>POST /api/signed-certificates/verify</c> answers.</summary>
public static class SignedReasons
{
    public const string Valid = "valid";
    public const string Expired = "expired";
    public const string NotYetValid = "not-yet-valid";
    public const string Revoked = "revoked";
    public const string InvalidSignature = "invalid-signature";
    public const string UnknownKey = "unknown-key";
    public const string Malformed = "malformed";
}

/// <summary>
/// A signature check: the payload when the text is a certificate signed by a key of the ring, else why not
/// (<see cref="SignedReasons.Malformed"/>, <see cref="SignedReasons.UnknownKey"/>, <see cref="SignedReasons.InvalidSignature"/>).
/// </summary>
public sealed record SignatureCheck(SignedCertificatePayload? Payload, string? Refusal, string? KeyId);

public static class SignedCertificates
{
    public static string Sign(SignedCertificatePayload payload, SigningKey key)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(key);
        return Egv1.Wrap(CoseSign1.Sign(key.Key, key.KeyIdBytes, payload.ToCbor()));
    }

    /// <summary>
    /// Reads and checks the signature. A certificate's protected header is exactly algorithm and key id: a message with
    /// a content type is something else the registry signs (a revocation list), never a certificate.
    /// </summary>
    public static SignatureCheck Check(string? text, SigningKeyRing keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (Egv1.TryUnwrap(text) is not { } bytes || CoseSign1.TryDecode(bytes) is not { } message
            || message.ContentType is not null || message.KeyId is null)
        {
            return new SignatureCheck(null, SignedReasons.Malformed, null);
        }
        var keyId = SigningKey.Base64Url(message.KeyId);
        if (keys.Find(message.KeyId) is not { } key)
        {
            return new SignatureCheck(null, SignedReasons.UnknownKey, keyId);
        }
        if (!message.VerifyWith(key.Key))
        {
            return new SignatureCheck(null, SignedReasons.InvalidSignature, keyId);
        }
        return SignedCertificatePayload.TryRead(message.Payload) is { } payload
            ? new SignatureCheck(payload, null, keyId)
            : new SignatureCheck(null, SignedReasons.Malformed, keyId);
    }

    /// <summary>
    /// A genuine paper's state today: revoked (or replaced by a renewal: that paper no longer holds) before the dates,
    /// as the registry's own status outranks what the paper says.
    /// </summary>
    public static string Reason(SignedCertificatePayload payload, string? status, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return status is CertificateStatus.Revoked or CertificateStatus.Replaced ? SignedReasons.Revoked
            : today > payload.ValidUntil ? SignedReasons.Expired
            : today < payload.ValidFrom ? SignedReasons.NotYetValid
            : SignedReasons.Valid;
    }
}

/// <summary>
/// The revocation list: ids of revoked and of replaced certificates, as of <see cref="IssuedAt"/>. Its CBOR map:
/// <c>1</c> issued at (seconds since 1970), <c>2</c> revoked ids, <c>3</c> replaced ids (16-byte strings). It is signed as a
/// COSE_Sign1 with content type <see cref="ContentType"/>, so it can never pass for a certificate.
/// </summary>
public sealed record RevocationList(DateTimeOffset IssuedAt, IReadOnlyList<Guid> Revoked, IReadOnlyList<Guid> Replaced)
{
    public const string ContentType = "application/egv-revocations+cbor";

    public byte[] Sign(SigningKey key) => Sign(key, IssuedAt, EncodeIds(Revoked, Replaced));

    /// <summary>
    /// Entries 2 and 3 of the map, encoded once so that the same ids can be signed again under a later issue time
    /// without encoding tens of thousands of them each time.
    /// </summary>
    public static byte[] EncodeIds(IReadOnlyList<Guid> revoked, IReadOnlyList<Guid> replaced)
    {
        ArgumentNullException.ThrowIfNull(revoked);
        ArgumentNullException.ThrowIfNull(replaced);
        var writer = new CborWriter(CborConformanceMode.Canonical, allowMultipleRootLevelValues: true);
        Span<byte> bytes = stackalloc byte[16];
        foreach (var (label, ids) in new[] { (2, revoked), (3, replaced) })
        {
            writer.WriteInt32(label);
            writer.WriteStartArray(ids.Count);
            foreach (var id in ids)
            {
                id.TryWriteBytes(bytes, bigEndian: true, out _);
                writer.WriteByteString(bytes);
            }
            writer.WriteEndArray();
        }
        return writer.Encode();
    }

    /// <summary>Signs the map <c>{1: issuedAt, …encodedIds}</c>; its keys come in canonical order as they are written.</summary>
    public static byte[] Sign(SigningKey key, DateTimeOffset issuedAt, ReadOnlySpan<byte> encodedIds)
    {
        ArgumentNullException.ThrowIfNull(key);
        var head = new CborWriter(CborConformanceMode.Canonical, allowMultipleRootLevelValues: true);
        head.WriteInt32(1);
        head.WriteInt64(issuedAt.ToUnixTimeSeconds());
        var payload = new byte[1 + head.BytesWritten + encodedIds.Length];
        payload[0] = 0xA3; // a map of three entries (major type 5, count 3)
        head.Encode(payload.AsSpan(1));
        encodedIds.CopyTo(payload.AsSpan(1 + head.BytesWritten));
        return CoseSign1.Sign(key.Key, key.KeyIdBytes, payload, ContentType);
    }
}
