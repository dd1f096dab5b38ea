using System.Globalization;
using System.Text.Json;
using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure.Mail;
using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.Tests.Certificates;

/// <summary>The issue rules alone, without HTTP or storage.</summary>
public sealed class CertificateRulesTests
{
    private static readonly DateOnly Today = new(2026, 11, 23);
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private static IssueCertificateRequest Request(string from, string until, string followUp) =>
        Samples.Certificate(validFrom: from, validUntil: until, followUpOn: followUp).Deserialize<IssueCertificateRequest>(Web)!;

    // AddMonths clamps to the month's end: 31 Jan + 13 months is 28 Feb the year after next.
    [TestCase("2026-01-31", "2027-02-28", true)]
    [TestCase("2026-01-31", "2027-03-01", false)]
    [TestCase("2026-11-23", "2027-12-23", true)]
    [TestCase("2026-11-23", "2027-12-24", false)]
    public void Validate_ThirteenMonthCeiling(string from, string until, bool accepted)
    {
        var (certificate, errors) = CertificateRules.Validate(Request(from, until, from), Today);

        Assert.That(certificate is not null, Is.EqualTo(accepted));
        Assert.That(errors.Any, Is.EqualTo(!accepted));
    }

    [Test]
    public void Validate_NormalisesAndTrims()
    {
        var body = Samples.Certificate();
        body["child"]!["personnummer"] = " 150312-2382 ";
        body["child"]!["name"] = "  Alva Lind ";
        body["sharedWith"] = new System.Text.Json.Nodes.JsonArray("12345678", "12345678", "87654321");

        var (certificate, _) = CertificateRules.Validate(body.Deserialize<IssueCertificateRequest>(Web)!, Today);

        Assert.That(certificate!.ChildPersonnummer, Is.EqualTo("201503122382"));
        Assert.That(certificate.ChildName, Is.EqualTo("Alva Lind"));
        Assert.That(certificate.SharedWith, Is.EqualTo(new[] { "12345678", "87654321" }));
        Assert.That(certificate.ValidFrom, Is.EqualTo(DateOnly.Parse("2026-08-15", CultureInfo.InvariantCulture)));
    }

    [Test]
    public void Validate_Samordningsnummer_IsAcceptedForTheChild()
    {
        var body = Samples.Certificate(childPnr: "19701063-2391");

        var (certificate, errors) = CertificateRules.Validate(body.Deserialize<IssueCertificateRequest>(Web)!, Today);

        Assert.That(errors.ToProblemErrors(), Is.Empty);
        Assert.That(certificate!.ChildPersonnummer, Is.EqualTo("197010632391"));
    }

    [Test]
    public void Validate_EmptyRequest_NamesEveryMissingPart()
    {
        var (_, errors) = CertificateRules.Validate(new IssueCertificateRequest(null, null, null, null, null, null, null, null, null), Today);

        Assert.That(errors.ToProblemErrors().Keys, Is.EquivalentTo(new[]
        {
            "child.personnummer", "child.name", "guardians", "measures", "instructionGivenBy",
            "validFrom", "validUntil", "followUpOn", "careUnit",
        }));
    }

    // The mail senders parse addresses by the same rules, so an address saved here is one they can send to.
    [TestCase("sara.lind@example.se", true)]
    [TestCase("sara+skola@sub.example.se", true)]
    [TestCase("åsa@exempel.se", true)]
    [TestCase("not-an-address", false)]
    [TestCase("sara@localhost", false)]
    [TestCase("Sara Lind <sara@example.se>", false)]
    [TestCase("<sara@example.se>", false)]
    [TestCase("sara@example.se, olof@example.se", false)]
    [TestCase("sara.lind(at)example.se", false)]
    [TestCase("sara(comment)@example.se", false)]
    [TestCase("sara..lind@example.se", false)]
    [TestCase("sara@example.se\r\nBcc: someone@example.com", false)]
    public void IsValidEmail_APlainAddressWithADottedDomain(string email, bool valid)
    {
        Assert.That(MailAddresses.IsValidEmail(email), Is.EqualTo(valid));
    }
}
