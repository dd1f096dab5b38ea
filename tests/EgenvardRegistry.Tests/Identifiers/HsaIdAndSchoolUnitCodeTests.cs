using EgenvardRegistry.Identifiers;

namespace EgenvardRegistry.Tests.Identifiers;

[TestFixture]
public class HsaIdAndSchoolUnitCodeTests
{
    [TestCase("SE2321000016-D1AB")]
    [TestCase("SE2321000016-1")]
    [TestCase("SE2321000016-abc123")]
    [TestCase("SE2321000016-ABCDEFGHIJKLMNOPQR")]
    public void HsaId_WellFormed_IsValid(string value)
    {
        Assert.That(HsaId.IsValid(value), Is.True);
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("SE2321000016-")]
    [TestCase("SE2321000016")]
    [TestCase("se2321000016-D1AB")]
    [TestCase("Se2321000016-D1AB")]
    [TestCase("NO2321000016-D1AB")]
    [TestCase("SE232100001-D1AB")]
    [TestCase("SE23210000160-D1AB")]
    [TestCase("SE232100001X-D1AB")]
    [TestCase("SE2321000016D1AB")]
    [TestCase("SE2321000016_D1AB")]
    [TestCase("SE2321000016-D1-AB")]
    [TestCase("SE2321000016-D1 AB")]
    [TestCase(" SE2321000016-D1AB")]
    [TestCase("SE2321000016-D1AB ")]
    [TestCase("SE2321000016-ÅÄÖ")]
    [TestCase("SE٢٣٢١٠٠٠٠١٦-D1AB")]
    [TestCase("SE2321000016-ABCDEFGHIJKLMNOPQRS")]
    public void HsaId_Malformed_IsInvalid(string? value)
    {
        Assert.That(HsaId.IsValid(value), Is.False);
    }

    [Test]
    public void HsaId_LongestAllowed_Is31Characters()
    {
        var longest = "SE2321000016-" + new string('A', 18);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(longest, Has.Length.EqualTo(31));
            Assert.That(HsaId.IsValid(longest), Is.True);
            Assert.That(HsaId.IsValid(longest + "A"), Is.False);
        }
    }

    [TestCase("12345678")]
    [TestCase("00000000")]
    public void SchoolUnitCode_EightDigits_IsValid(string value)
    {
        Assert.That(SchoolUnitCode.IsValid(value), Is.True);
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("1234567")]
    [TestCase("123456789")]
    [TestCase("1234567A")]
    [TestCase(" 12345678")]
    [TestCase("1234 5678")]
    [TestCase("1234-5678")]
    [TestCase("١٢٣٤٥٦٧٨")]
    [TestCase("１２３４５６７８")]
    public void SchoolUnitCode_NotExactlyEightAsciiDigits_IsInvalid(string? value)
    {
        Assert.That(SchoolUnitCode.IsValid(value), Is.False);
    }
}
