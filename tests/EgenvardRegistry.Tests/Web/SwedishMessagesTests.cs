using System.Globalization;
using System.Reflection;
using EgenvardRegistry.Certificates;
using EgenvardRegistry.Identifiers;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Web;

namespace EgenvardRegistry.Tests.Web;

/// <summary>Every validation error the service can report has its one Swedish text in the table the pages use.</summary>
public sealed class SwedishMessagesTests
{
    /// <summary>Every error code in the service, wherever a rule declares it: a new code without Swedish fails here.</summary>
    private static IReadOnlyList<ErrorCode> AllCodes() =>
    [
        .. typeof(ErrorCode).Assembly.GetTypes()
            .Where(type => !type.ContainsGenericParameters)
            .SelectMany(type => type.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static))
            .Where(field => field.FieldType == typeof(ErrorCode))
            .Select(field => (ErrorCode)field.GetValue(null)!),
    ];

    private static IEnumerable<TestCaseData> Codes() => AllCodes().Select(code => new TestCaseData(code).SetArgDisplayNames(code.Name));

    [TestCaseSource(nameof(Codes))]
    public void EveryCode_HasASwedishText(ErrorCode code)
    {
        Assert.That(SwedishMessages.Texts.TryGetValue(code, out var swedish), Is.True, $"no Swedish text for {code.Name}");
        Assert.That(swedish, Is.Not.Empty.And.Not.EqualTo(code.English));
        // Both are composite format strings for the same arguments (at most two so far).
        Assert.That(() => string.Format(CultureInfo.InvariantCulture, swedish!, 1, 2), Throws.Nothing);
        Assert.That(() => string.Format(CultureInfo.InvariantCulture, code.English, 1, 2), Throws.Nothing);
    }

    [Test]
    public void Table_HasNoTextForACodeNoRuleDeclares() =>
        Assert.That(SwedishMessages.Texts.Keys, Is.SubsetOf(AllCodes()));

    [Test]
    public void CodeNames_AreUnique() =>
        Assert.That(AllCodes().Select(code => code.Name), Is.Unique);

    [Test]
    public void NotAValidPersonnummer_IsOneCode_WithOneEnglishAndOneSwedishText()
    {
        var codes = AllCodes().Where(code => code.English.Contains("personnummer", StringComparison.Ordinal)).ToList();
        var swedish = SwedishMessages.Texts.Values.Where(text => text.Contains("giltigt personnummer", StringComparison.Ordinal)).ToList();

        Assert.That(codes, Is.EqualTo(new[] { Personnummer.Invalid }));
        Assert.That(swedish, Is.EqualTo(new[] { "Ange ett giltigt personnummer eller samordningsnummer, till exempel 20150312-2382." }));
    }

    [Test]
    public void For_FillsInTheErrorsArguments()
    {
        Assert.That(SwedishMessages.For(new ValidationError("sharedWith[1]", CertificateErrors.NotASchoolUnit, [2])),
            Is.EqualTo("Enhet nummer 2 är varken en skolenhetskod (8 siffror) eller en förskolas id (F och 7 tecken)."));
        Assert.That(SwedishMessages.For(new ValidationError("child.name", CertificateErrors.TooLong, [CertificateRules.MaxNameLength])),
            Is.EqualTo("Skriv högst 200 tecken."));
    }

    [Test]
    public void For_ACodeTheTableLacks_IsNeverEnglish() =>
        Assert.That(SwedishMessages.For(new ValidationError("x", new ErrorCode("x.unknown", "Something new."), [])),
            Is.EqualTo(SwedishMessages.Unknown));
}
