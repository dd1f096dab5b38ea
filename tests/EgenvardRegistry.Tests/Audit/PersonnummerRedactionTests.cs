using EgenvardRegistry.Infrastructure.Logging;

namespace EgenvardRegistry.Tests.Audit;

/// <summary>What the log redaction takes out, and what it leaves (ids, dates, times and codes a log line needs).</summary>
public sealed class PersonnummerRedactionTests
{
    [TestCase("GET /api/certificates?personnummer=201503122382", "GET /api/certificates?personnummer=[personnummer]")]
    [TestCase("path '/api/certificates/1503122382'", "path '/api/certificates/[personnummer]'")]
    [TestCase("20150312-2382 and 150312-2382", "[personnummer] and [personnummer]")]
    [TestCase("pnr=150312+2382&x=1", "pnr=[personnummer]&x=1")]
    [TestCase("pnr=150312%2B2382", "pnr=[personnummer]")]
    [TestCase("identifier=urn:oid:1.2.752.129.2.1.3.1%7C201503122382", "identifier=urn:oid:1.2.752.129.2.1.3.1%7C[personnummer]")]
    [TestCase("samordningsnummer 201503722381", "samordningsnummer [personnummer]")]
    [TestCase("wrong check digit 201503122383", "wrong check digit [personnummer]")]
    [TestCase("value '198204112380' for the request path", "value '[personnummer]' for the request path")]
    public void ShapesOfAPersonnummer_AreTakenOut(string line, string expected) =>
        Assert.That(PersonnummerRedaction.Redact(line), Is.EqualTo(expected));

    [TestCase("certificate 0f8fad5b-d9cb-469f-a165-201503122382")]
    [TestCase("at 2026-11-29T08:10:00Z, 2026-11-29 08:10")]
    [TestCase("unix time 1764417600, 12.4870ms, 655849 requests")]
    [TestCase("unit 12345678, HSA-id SE2321000016-D1AB")]
    [TestCase("phone 021-17 30 00")]
    [TestCase("twelve digits that are no date: 123456789012")]
    [TestCase("thirteen digits 2015031223821")]
    public void OtherNumbers_AreLeft(string line) =>
        Assert.That(PersonnummerRedaction.Redact(line), Is.EqualTo(line));
}
