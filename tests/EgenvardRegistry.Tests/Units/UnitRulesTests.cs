using System.Text;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Units;

namespace EgenvardRegistry.Tests.Units;

/// <summary>Reading the directory's CSV file: its columns, separators, quoting and the line-numbered errors.</summary>
public sealed class UnitRulesTests
{
    private static (IReadOnlyList<Unit>? Units, Dictionary<string, string[]> Errors) Parse(string csv) => Parse(Encoding.UTF8.GetBytes(csv));

    private static (IReadOnlyList<Unit>? Units, Dictionary<string, string[]> Errors) Parse(byte[] file)
    {
        var errors = new ValidationErrors();
        var units = UnitRules.ParseFile(file, errors);
        return (units, errors.ToProblemErrors());
    }

    [Test]
    public void SemicolonFile_WithABom_CrLf_AndBlankLines_GivesTheUnits()
    {
        var (units, errors) = Parse("\uFEFFid;name;kind;municipality;organiser;contactEmail\r\n" +
                                    "12345678;Solbackaskolan;skola;Västerås;Västerås stad;rektor@example.se\r\n" +
                                    "\r\n" +
                                    "f1980001; Solrosens förskola ;FORSKOLA;Västerås;Västerås stad;\r\n");

        Assert.That(errors, Is.Empty);
        Assert.That(units, Is.EqualTo(new[]
        {
            new Unit("12345678", "Solbackaskolan", "skola", "Västerås", "Västerås stad", "rektor@example.se"),
            new Unit("F1980001", "Solrosens förskola", "forskola", "Västerås", "Västerås stad", null),
        }));
    }

    [Test]
    public void CommaFile_WithColumnsInAnotherOrder_QuotedValues_AndNoContactColumn()
    {
        var (units, errors) = Parse("""
            Name,ID,Kind,Organiser,Municipality
            "Ängsskolan, fritids",12340001,fritidshem,"Friskolan ""Ängen"" AB",Eskilstuna
            """);

        Assert.That(errors, Is.Empty);
        Assert.That(units, Is.EqualTo(new[]
        {
            new Unit("12340001", "Ängsskolan, fritids", "fritidshem", "Eskilstuna", "Friskolan \"Ängen\" AB", null),
        }));
    }

    [Test]
    public void BadLines_AreReportedWithTheirLineNumbers_AndNothingIsReturned()
    {
        var (units, errors) = Parse(string.Join('\n',
            "id;name;kind;municipality;organiser;contactEmail",
            "12345678;Solbackaskolan;skola;Västerås;Västerås stad;",
            "1234;Kortskolan;skola;Västerås;Västerås stad;",
            "87654321;;gymnasium;Västerås;Västerås stad;inte-en-adress",
            "F1980001;Solrosens förskola;skola;Västerås;Västerås stad;",
            "12345678;Solbackaskolan igen;skola;Västerås;Västerås stad;",
            "11111111;För få värden;skola",
            "22222222;\"Ej stängd;skola;Västerås;Västerås stad;"));

        Assert.That(units, Is.Null);
        Assert.That(errors.Keys, Is.EquivalentTo(new[]
        {
            "lines[3].id", "lines[4].name", "lines[4].kind", "lines[4].contactEmail", "lines[5].kind", "lines[6].id", "lines[7]", "lines[8]",
        }));
        Assert.That(errors["lines[6].id"], Is.EqualTo(new[] { "The same id as on line 2." }));
        Assert.That(errors["lines[7]"], Is.EqualTo(new[] { "Expected 6 values, as the header names, found 3." }));
        Assert.That(errors["lines[5].kind"][0], Does.StartWith("A preschool id (F…) belongs to a forskola"));
    }

    [Test]
    public void Header_MissingUnknownOrRepeatedColumns_IsAnErrorOnLine1()
    {
        var (units, errors) = Parse("id;namn;kind;kind;organiser\n12345678;Solbackaskolan;skola;skola;Västerås stad");

        Assert.That(units, Is.Null);
        Assert.That(errors["lines[1]"], Is.EquivalentTo(new[]
        {
            "Unknown column 'namn'; the columns are id, name, kind, municipality, organiser and (optional) contactEmail.",
            "The column kind appears twice.",
            "The header lacks the column name.",
            "The header lacks the column municipality.",
        }));
    }

    [TestCase("", "file")]
    [TestCase("\n \n", "file")]
    [TestCase("id;name;kind;municipality;organiser\n\n", "file")]
    public void EmptyFile_OrOnlyAHeader_IsAnError(string csv, string field) =>
        Assert.That(Parse(csv).Errors.Keys, Is.EqualTo(new[] { field }));

    [Test]
    public void NotUtf8_IsAnErrorOnItsLine()
    {
        var header = Encoding.UTF8.GetBytes("id;name;kind;municipality;organiser\n");
        var latin1 = Encoding.Latin1.GetBytes("12345678;Solbackaskolan;skola;Västerås;Västerås stad\n");

        var (units, errors) = Parse([.. header, .. latin1]);

        Assert.That(units, Is.Null);
        Assert.That(errors["lines[2]"], Is.EqualTo(new[] { "Not UTF-8 text." }));
    }

    [Test]
    public void ManyBadLines_ShowTheFirstHundredErrors()
    {
        var csv = "id;name;kind;municipality;organiser\n" + string.Concat(Enumerable.Repeat("x;Skola;skola;Västerås;Västerås stad\n", 150));

        var (units, errors) = Parse(csv);

        Assert.That(units, Is.Null);
        Assert.That(errors.Keys.Count(key => key.StartsWith("lines[", StringComparison.Ordinal)), Is.EqualTo(UnitRules.MaxErrorsShown));
        Assert.That(errors["file"], Is.EqualTo(new[] { "The first 100 errors are shown; there are more." }));
    }

    [Test]
    public void DecomposedLetters_AreStoredComposed_AndFoldForSearch()
    {
        var decomposed = "A\u030Angsskolan"; // Å written as A and a combining ring
        var (units, _) = Parse($"id;name;kind;municipality;organiser\n12345678;{decomposed};skola;Västerås;Västerås stad");

        Assert.That(units![0].Name, Is.EqualTo("Ångsskolan"));
        Assert.That(UnitSearchText.Fold("ÅNGSSKOLAN"), Is.EqualTo(UnitSearchText.Fold(decomposed)));
        Assert.That(UnitSearchText.Contains("50%_x\\"), Is.EqualTo("%50\\%\\_x\\\\%"));
    }
}
