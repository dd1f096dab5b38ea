using EgenvardRegistry.Identifiers;

namespace EgenvardRegistry.Tests.Identifiers;

public sealed class UnitIdTests
{
    [TestCase("12345678", "12345678", false)]
    [TestCase(" 00000001 ", "00000001", false)]
    [TestCase("F1980001", "F1980001", true)]
    [TestCase("f1980001", "F1980001", true)]
    [TestCase("F0180A1B", "F0180A1B", true)]
    [TestCase("F2584ZZZ", "F2584ZZZ", true)]
    public void TryParse_ASkolenhetskodOrAPreschoolId_GivesItsCanonicalForm(string input, string canonical, bool preschool)
    {
        Assert.That(UnitId.TryParse(input, out var unit), Is.True);
        Assert.That((unit.Value, unit.IsPreschool, unit.ToString()), Is.EqualTo((canonical, preschool, canonical)));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("1234567")]
    [TestCase("123456789")]
    [TestCase("1234567a")]
    [TestCase("F198001")]
    [TestCase("F19800001")]
    [TestCase("F1980000")]
    [TestCase("F0080001")]
    [TestCase("F2680001")]
    [TestCase("F19A0001")]
    [TestCase("G1980001")]
    [TestCase("F1980-01")]
    [TestCase("F198000å")]
    [TestCase("１２３４５６７８")]
    public void TryParse_AnythingElse_IsRefused(string? input) =>
        Assert.That(UnitId.TryParse(input, out _), Is.False);

    [Test]
    public void APreschoolId_NeverEqualsASkolenhetskod_ForEveryMunicipalityAndSerial()
    {
        // The first character tells the forms apart: a digit for Skolverket's codes, F for the registry's own.
        Assert.That(UnitId.TryParse("F1980001", out var preschool), Is.True);
        Assert.That(UnitId.TryParse("19800001", out var school), Is.True);
        Assert.That(preschool, Is.Not.EqualTo(school));
        Assert.That(SchoolUnitCode.IsValid(preschool.Value), Is.False);
    }

    [TestCase("12345678", true)]
    [TestCase("F1980001", true)]
    [TestCase("f1980001", false)]
    [TestCase(" 12345678", false)]
    public void IsValid_AcceptsOnlyTheCanonicalForm(string value, bool valid) =>
        Assert.That(UnitId.IsValid(value), Is.EqualTo(valid));
}
