using EgenvardRegistry.Identifiers;

namespace EgenvardRegistry.Tests.Identifiers;

[TestFixture]
public class PersonnummerTests
{
    private static readonly DateOnly Today = new(2026, 11, 23);

    [TestCase("201503122382")]
    [TestCase("20150312-2382")]
    [TestCase("20150312+2382")]
    [TestCase("1503122382")]
    [TestCase("150312-2382")]
    [TestCase("  150312-2382 ")]
    [TestCase("\t201503122382\n")]
    public void TryNormalize_AcceptedForms_NormalizeToTwelveDigits(string input)
    {
        var ok = Personnummer.TryNormalize(input, Today, out var normalized);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ok, Is.True);
            Assert.That(normalized, Is.EqualTo("201503122382"));
        }
    }

    [TestCase("811218-9876", "198112189876")]
    [TestCase("198204112380", "198204112380")]
    [TestCase("701063-2391", "197010632391")]
    public void TryNormalize_KnownValidNumbers_AreAccepted(string input, string expected)
    {
        var ok = Personnummer.TryNormalize(input, Today, out var normalized);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ok, Is.True);
            Assert.That(normalized, Is.EqualTo(expected));
        }
    }

    [TestCase("201503122383")]
    [TestCase("20150312-2380")]
    [TestCase("811218-9877")]
    [TestCase("8112189870")]
    [TestCase("701063-2390")]
    public void TryNormalize_WrongCheckDigit_IsRejected(string input)
    {
        AssertRejected(input);
    }

    [TestCase("20230230-1235", TestName = "TryNormalize_February30_IsRejected")]
    [TestCase("20230229-1238", TestName = "TryNormalize_February29InNonLeapYear_IsRejected")]
    [TestCase("20231301-1237", TestName = "TryNormalize_Month13_IsRejected")]
    [TestCase("20230001-1232", TestName = "TryNormalize_Month00_IsRejected")]
    [TestCase("20230100-1232", TestName = "TryNormalize_Day00_IsRejected")]
    [TestCase("000229+1235", TestName = "TryNormalize_February29In1900_IsRejected")]
    public void TryNormalize_InvalidDate_IsRejected(string input)
    {
        AssertRejected(input);
    }

    [TestCase("20240229-1237", "202402291237", TestName = "TryNormalize_February29InLeapYear_IsAccepted")]
    [TestCase("000229-1235", "200002291235", TestName = "TryNormalize_February29In2000_IsAccepted")]
    public void TryNormalize_LeapDay_IsAccepted(string input, string expected)
    {
        var ok = Personnummer.TryNormalize(input, Today, out var normalized);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ok, Is.True);
            Assert.That(normalized, Is.EqualTo(expected));
        }
    }

    [TestCase("701061-2393", "197010612393")]
    [TestCase("701063-2391", "197010632391")]
    [TestCase("7010912397", "197010912397")]
    public void TryNormalize_Samordningsnummer_IsAcceptedAndRecognised(string input, string expected)
    {
        var ok = Personnummer.TryNormalize(input, Today, out var normalized);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ok, Is.True);
            Assert.That(normalized, Is.EqualTo(expected));
            Assert.That(Personnummer.IsSamordningsnummer(normalized), Is.True);
        }
    }

    [TestCase("701060-2394", TestName = "TryNormalize_SamordningsnummerDay60_IsRejected")]
    [TestCase("701092-2396", TestName = "TryNormalize_SamordningsnummerDay92_IsRejected")]
    [TestCase("700291-2333", TestName = "TryNormalize_SamordningsnummerFebruary31_IsRejected")]
    public void TryNormalize_InvalidSamordningsnummer_IsRejected(string input)
    {
        AssertRejected(input);
    }

    [TestCase("198112189876")]
    [TestCase("201503122382")]
    [TestCase("197010312390")]
    public void IsSamordningsnummer_OrdinaryPersonnummer_IsFalse(string normalized)
    {
        Assert.That(Personnummer.IsSamordningsnummer(normalized), Is.False);
    }

    [TestCase("150312-1236", "201503121236")]
    [TestCase("300101-1232", "193001011232")]
    [TestCase("261123-1230", "202611231230")]
    [TestCase("261124-1239", "192611241239")]
    public void TryNormalize_TenDigits_UsesLatestCenturyNotAfterToday(string input, string expected)
    {
        var ok = Personnummer.TryNormalize(input, Today, out var normalized);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ok, Is.True);
            Assert.That(normalized, Is.EqualTo(expected));
        }
    }

    [TestCase("150312+1236", "191503121236")]
    [TestCase("261123+1230", "192611231230")]
    [TestCase("500101+1237", "185001011237")]
    public void TryNormalize_TenDigitsWithPlus_IsAHundredYearsEarlier(string input, string expected)
    {
        var ok = Personnummer.TryNormalize(input, Today, out var normalized);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ok, Is.True);
            Assert.That(normalized, Is.EqualTo(expected));
        }
    }

    [TestCase("300101+1232")]
    [TestCase("491231+1232")]
    public void TryNormalize_TenDigitsWithPlusBefore1850_IsRejected(string input)
    {
        AssertRejected(input);
    }

    [TestCase("20261124-1239")]
    [TestCase("202611241239")]
    [TestCase("20991231-1231")]
    [TestCase("20261184-1236")]
    public void TryNormalize_TwelveDigitsInTheFuture_IsRejected(string input)
    {
        AssertRejected(input);
    }

    [Test]
    public void TryNormalize_TwelveDigitsDatedToday_IsAccepted()
    {
        Assert.That(Personnummer.TryNormalize("20261123-1230", Today, out _), Is.True);
    }

    [TestCase("18491231-1232")]
    [TestCase("17850709-9995")]
    public void TryNormalize_TwelveDigitsBefore1850_IsRejected(string input)
    {
        AssertRejected(input);
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("   ")]
    [TestCase("abcdefghij")]
    [TestCase("15031X-2382")]
    [TestCase("15031223821")]
    [TestCase("150312238")]
    [TestCase("2015031223820")]
    [TestCase("150312 2382")]
    [TestCase("150312-238 2")]
    [TestCase("20150312 2382")]
    [TestCase("150312--2382")]
    [TestCase("150312_2382")]
    [TestCase("1503-122382")]
    [TestCase("-1503122382")]
    [TestCase("2015-03-12-2382")]
    [TestCase("١٥٠٣١٢٢٣٨٢")]
    [TestCase("１５０３１２２３８２")]
    public void TryNormalize_Garbage_IsRejected(string? input)
    {
        AssertRejected(input);
    }

    [Test]
    public void Mask_HidesBirthNumberAndCheckDigit()
    {
        Assert.That(Personnummer.Mask("201503122382"), Is.EqualTo("20150312-****"));
    }

    [TestCase("150312-2382")]
    [TestCase("1503122382")]
    [TestCase("2015031223xx")]
    public void MaskAndIsSamordningsnummer_NonNormalizedInput_Throw(string input)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => Personnummer.Mask(input), Throws.ArgumentException);
            Assert.That(() => Personnummer.IsSamordningsnummer(input), Throws.ArgumentException);
        }
    }

    private static void AssertRejected(string? input)
    {
        var ok = Personnummer.TryNormalize(input, Today, out var normalized);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ok, Is.False);
            Assert.That(normalized, Is.Empty);
        }
    }
}
