using System.Formats.Cbor;
using System.Globalization;
using EgenvardRegistry.Certificates;

namespace EgenvardRegistry.Signing;

/// <summary>
/// What a printed certificate's QR code says, signed: enough for a school to see whose certificate it is, for which
/// measures and until when, and whom to call. Never the personnummer, never instructions or guardians.
/// </summary>
/// <remarks>
/// The CBOR map has small integer keys, the only place they are defined (the page's script reads the same ones):
/// <list type="table">
/// <item><term>1</term><description>certificate id, 16 bytes (RFC 9562 order)</description></item>
/// <item><term>2</term><description>the child's name as on the certificate (first and last name)</description></item>
/// <item><term>3</term><description>the child's birth date, <c>YYYY-MM-DD</c></description></item>
/// <item><term>4</term><description>measures: an array of <c>[code, performer]</c></description></item>
/// <item><term>5</term><description>validFrom, <c>YYYY-MM-DD</c></description></item>
/// <item><term>6</term><description>validUntil, <c>YYYY-MM-DD</c></description></item>
/// <item><term>7</term><description>care unit's name</description></item>
/// <item><term>8</term><description>care unit's phone</description></item>
/// <item><term>9</term><description>issued at, seconds since 1970 (UTC)</description></item>
/// </list>
/// The key id that signed it is in the COSE protected header (label 4), so it is signed as well.
/// </remarks>
public sealed record SignedCertificatePayload(
    Guid Id,
    string ChildName,
    DateOnly BirthDate,
    IReadOnlyList<SignedMeasure> Measures,
    DateOnly ValidFrom,
    DateOnly ValidUntil,
    string CareUnitName,
    string CareUnitPhone,
    DateTimeOffset IssuedAt)
{
    private const string DateFormat = "yyyy-MM-dd";

    public static SignedCertificatePayload Of(Guid id, string childPersonnummer, string childName,
        IEnumerable<Measure> measures, DateOnly validFrom, DateOnly validUntil, CareUnit careUnit, DateTimeOffset issuedAt) =>
        new(id, childName, Identifiers.Personnummer.BirthDate(childPersonnummer),
            measures.Select(measure => new SignedMeasure(measure.Code, measure.Performer)).ToList(),
            validFrom, validUntil, careUnit.Name, careUnit.Phone,
            DateTimeOffset.FromUnixTimeSeconds(issuedAt.ToUnixTimeSeconds()));

    public static SignedCertificatePayload Of(Certificate certificate) => Of(certificate.Id, certificate.ChildPersonnummer,
        certificate.ChildName, certificate.Measures, certificate.ValidFrom, certificate.ValidUntil, certificate.CareUnit,
        certificate.IssuedAt);

    public byte[] ToCbor()
    {
        var writer = new CborWriter(CborConformanceMode.Canonical);
        writer.WriteStartMap(9);
        writer.WriteInt32(1);
        writer.WriteByteString(Id.ToByteArray(bigEndian: true));
        writer.WriteInt32(2);
        writer.WriteTextString(ChildName);
        writer.WriteInt32(3);
        writer.WriteTextString(Date(BirthDate));
        writer.WriteInt32(4);
        writer.WriteStartArray(Measures.Count);
        foreach (var measure in Measures)
        {
            writer.WriteStartArray(2);
            writer.WriteTextString(measure.Code);
            writer.WriteTextString(measure.Performer);
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
        writer.WriteInt32(5);
        writer.WriteTextString(Date(ValidFrom));
        writer.WriteInt32(6);
        writer.WriteTextString(Date(ValidUntil));
        writer.WriteInt32(7);
        writer.WriteTextString(CareUnitName);
        writer.WriteInt32(8);
        writer.WriteTextString(CareUnitPhone);
        writer.WriteInt32(9);
        writer.WriteInt64(IssuedAt.ToUnixTimeSeconds());
        writer.WriteEndMap();
        return writer.Encode();
    }

    /// <summary>The payload, or null when the bytes are not exactly such a map.</summary>
    public static SignedCertificatePayload? TryRead(byte[] cbor)
    {
        try
        {
            var reader = new CborReader(cbor, CborConformanceMode.Canonical);
            if (reader.ReadStartMap() != 9)
            {
                return null;
            }
            Expect(reader, 1);
            var idBytes = reader.ReadByteString();
            if (idBytes.Length != 16)
            {
                return null;
            }
            Expect(reader, 2);
            var name = reader.ReadTextString();
            Expect(reader, 3);
            var birthDate = ParseDate(reader.ReadTextString());
            Expect(reader, 4);
            var count = reader.ReadStartArray() ?? throw new FormatException("Indefinite array.");
            var measures = new List<SignedMeasure>(count);
            for (var i = 0; i < count; i++)
            {
                if (reader.ReadStartArray() != 2)
                {
                    return null;
                }
                measures.Add(new SignedMeasure(reader.ReadTextString(), reader.ReadTextString()));
                reader.ReadEndArray();
            }
            reader.ReadEndArray();
            Expect(reader, 5);
            var validFrom = ParseDate(reader.ReadTextString());
            Expect(reader, 6);
            var validUntil = ParseDate(reader.ReadTextString());
            Expect(reader, 7);
            var unitName = reader.ReadTextString();
            Expect(reader, 8);
            var unitPhone = reader.ReadTextString();
            Expect(reader, 9);
            var issuedAt = DateTimeOffset.FromUnixTimeSeconds(reader.ReadInt64());
            reader.ReadEndMap();
            return reader.BytesRemaining == 0
                ? new SignedCertificatePayload(new Guid(idBytes, bigEndian: true), name, birthDate, measures, validFrom,
                    validUntil, unitName, unitPhone, issuedAt)
                : null;
        }
        catch (Exception exception) when (exception is CborContentException or InvalidOperationException or FormatException
                                              or ArgumentOutOfRangeException or OverflowException)
        {
            return null;
        }
    }

    private static void Expect(CborReader reader, int key)
    {
        if (reader.ReadInt32() != key)
        {
            throw new FormatException($"Expected key {key}.");
        }
    }

    private static string Date(DateOnly date) => date.ToString(DateFormat, CultureInfo.InvariantCulture);

    private static DateOnly ParseDate(string text) => DateOnly.ParseExact(text, DateFormat, CultureInfo.InvariantCulture);
}

/// <summary>A measure's code and who performs it (<c>child</c>, <c>staff</c>, <c>child-with-staff</c>).</summary>
public sealed record SignedMeasure(string Code, string Performer);
