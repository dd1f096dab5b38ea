using System.Formats.Cbor;
using System.Security.Cryptography;

namespace EgenvardRegistry.Signing;

/// <summary>
/// A COSE_Sign1 message (RFC 9052, section 4.2) with ES256 only: <c>18([protected bstr, unprotected {}, payload bstr,
/// signature bstr])</c>, where the protected header is <c>{1: -7, 4: kid}</c> (plus <c>3: content type</c> for
/// anything that is not a certificate) and the signature is ECDSA P-256 over SHA-256 of
/// <c>["Signature1", protected, h'', payload]</c>, as r‖s (64 bytes, IEEE P1363, as WebCrypto reads it).
/// </summary>
public sealed record CoseSign1(byte[] ProtectedHeader, int? Algorithm, byte[]? KeyId, string? ContentType, byte[] Payload, byte[] Signature)
{
    public const int Tag = 18;
    public const int Es256 = -7;
    private const int AlgorithmLabel = 1;
    private const int ContentTypeLabel = 3;
    private const int KeyIdLabel = 4;

    public static byte[] Sign(ECDsa key, byte[] keyId, byte[] payload, string? contentType = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        var header = new CborWriter(CborConformanceMode.Canonical);
        header.WriteStartMap(contentType is null ? 2 : 3);
        header.WriteInt32(AlgorithmLabel);
        header.WriteInt32(Es256);
        if (contentType is not null)
        {
            header.WriteInt32(ContentTypeLabel);
            header.WriteTextString(contentType);
        }
        header.WriteInt32(KeyIdLabel);
        header.WriteByteString(keyId);
        header.WriteEndMap();
        var protectedHeader = header.Encode();

        var signature = key.SignData(ToBeSigned(protectedHeader, payload), HashAlgorithmName.SHA256,
            DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var message = new CborWriter(CborConformanceMode.Canonical);
        message.WriteTag((CborTag)Tag);
        message.WriteStartArray(4);
        message.WriteByteString(protectedHeader);
        message.WriteStartMap(0);
        message.WriteEndMap();
        message.WriteByteString(payload);
        message.WriteByteString(signature);
        message.WriteEndArray();
        return message.Encode();
    }

    /// <summary>The Sig_structure that is signed: <c>["Signature1", protected, external_aad = h'', payload]</c>.</summary>
    public static byte[] ToBeSigned(byte[] protectedHeader, byte[] payload)
    {
        var writer = new CborWriter(CborConformanceMode.Canonical);
        writer.WriteStartArray(4);
        writer.WriteTextString("Signature1");
        writer.WriteByteString(protectedHeader);
        writer.WriteByteString([]);
        writer.WriteByteString(payload);
        writer.WriteEndArray();
        return writer.Encode();
    }

    /// <summary>
    /// The message, or null when the bytes are not a tagged COSE_Sign1 (anything left over counts as not). The key id
    /// is the protected one, else the unprotected one (RFC 9052's examples carry it there); it is not checked here.
    /// </summary>
    public static CoseSign1? TryDecode(byte[] bytes)
    {
        try
        {
            var reader = new CborReader(bytes, CborConformanceMode.Lax);
            if (reader.ReadTag() != (CborTag)Tag)
            {
                return null;
            }
            if (reader.ReadStartArray() != 4)
            {
                return null;
            }
            var protectedHeader = reader.ReadByteString();
            var (algorithm, keyId, contentType) = ReadHeader(new CborReader(protectedHeader, CborConformanceMode.Lax), mustEnd: true);
            var (_, unprotectedKeyId, _) = ReadHeader(reader, mustEnd: false);
            var payload = reader.ReadByteString();
            var signature = reader.ReadByteString();
            reader.ReadEndArray();
            return reader.BytesRemaining == 0
                ? new CoseSign1(protectedHeader, algorithm, keyId ?? unprotectedKeyId, contentType, payload, signature)
                : null;
        }
        catch (Exception exception) when (exception is CborContentException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    /// <summary>True when the algorithm is ES256 and the signature is <paramref name="key"/>'s over this message.</summary>
    public bool VerifyWith(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Algorithm == Es256 && Signature.Length == 64
            && key.VerifyData(ToBeSigned(ProtectedHeader, Payload), Signature, HashAlgorithmName.SHA256,
                DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    private static (int? Algorithm, byte[]? KeyId, string? ContentType) ReadHeader(CborReader reader, bool mustEnd)
    {
        (int? algorithm, byte[]? keyId, string? contentType) = (null, null, null);
        if (mustEnd && reader.BytesRemaining == 0)
        {
            return (null, null, null); // an empty protected header is h'' (RFC 9052, section 3)
        }
        var count = reader.ReadStartMap();
        for (var i = 0; count is null ? reader.PeekState() != CborReaderState.EndMap : i < count; i++)
        {
            if (reader.PeekState() is not (CborReaderState.UnsignedInteger or CborReaderState.NegativeInteger))
            {
                reader.SkipValue();
                reader.SkipValue();
                continue;
            }
            switch (reader.ReadInt32())
            {
                case AlgorithmLabel when reader.PeekState() is CborReaderState.NegativeInteger or CborReaderState.UnsignedInteger:
                    algorithm = reader.ReadInt32();
                    break;
                case KeyIdLabel when reader.PeekState() == CborReaderState.ByteString:
                    keyId = reader.ReadByteString();
                    break;
                case ContentTypeLabel when reader.PeekState() == CborReaderState.TextString:
                    contentType = reader.ReadTextString();
                    break;
                default:
                    reader.SkipValue();
                    break;
            }
        }
        reader.ReadEndMap();
        if (mustEnd && reader.BytesRemaining != 0)
        {
            throw new FormatException("Bytes after the protected header.");
        }
        return (algorithm, keyId, contentType);
    }
}
