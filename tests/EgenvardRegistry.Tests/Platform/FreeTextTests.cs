using EgenvardRegistry.Infrastructure;

namespace EgenvardRegistry.Tests.Platform;

public sealed class FreeTextTests
{
    [TestCase("  Sara Lind  ", false, "Sara Lind")]
    [TestCase("A\u030Asa", false, "\u00C5sa")]
    [TestCase("Rad ett\r\nrad två\rrad tre", true, "Rad ett\nrad två\nrad tre")]
    [TestCase("Kolumn\tkolumn", true, "Kolumn\tkolumn")]
    [TestCase("Smiley \U0001F600", false, "Smiley \U0001F600")]
    public void Check_KeepsTheTextTrimmedAndNfc(string value, bool multiLine, string expected)
    {
        Assert.That(FreeText.Check(value, 100, multiLine, out var text), Is.EqualTo(TextProblem.None));
        Assert.That(text, Is.EqualTo(expected));
    }

    // Built in code: an attribute's string cannot hold a lone surrogate (it is stored as UTF-8).
    private static IEnumerable<TestCaseData> Unreadable() =>
        from text in new (string Value, bool MultiLine)[]
        {
            ("Sara\r\nBcc: x@example.com", false),
            ("Sara\tLind", false),
            ("Nul\0 mitt i", true),
            ("Escape \u001b[2J", true),
            ("C1 \u0085 mitt i", true),
            ("Radavgränsare \u2028 mitt i", true),
            ("Halvt tecken " + (char)0xD800 + " mitt i", true),
            ("Baklänges " + (char)0xDC00 + (char)0xD800 + " mitt i", false),
        }
        select new TestCaseData(text.Value, text.MultiLine).SetArgDisplayNames(
            string.Concat(text.Value.Select(c => c < ' ' || c > '~' ? $"\\u{(int)c:x4}" : c.ToString())), text.MultiLine.ToString());

    [TestCaseSource(nameof(Unreadable))]
    public void Check_RefusesControlCharactersAndBrokenUnicode(string value, bool multiLine)
    {
        Assert.That(FreeText.Check(value, 100, multiLine, out _), Is.EqualTo(TextProblem.Unreadable));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase(" \n\t ")]
    public void Check_AbsentOrBlank_IsBlank(string? value)
    {
        Assert.That(FreeText.Check(value, 100, multiLine: true, out _), Is.EqualTo(TextProblem.Blank));
    }

    [Test]
    public void Check_CountsLengthAfterNormalising()
    {
        var decomposed = string.Concat(Enumerable.Repeat("a\u030A", 10)); // 20 chars, 10 after NFC
        Assert.That(FreeText.Check(decomposed, 10, multiLine: false, out var text), Is.EqualTo(TextProblem.None));
        Assert.That(text, Has.Length.EqualTo(10));
        Assert.That(FreeText.Check(new string('a', 11), 10, multiLine: false, out _), Is.EqualTo(TextProblem.TooLong));
    }

    [Test]
    public void Required_ReportsOneErrorPerProblem()
    {
        var errors = new ValidationErrors();
        var required = new ErrorCode("x.required", "Required.");
        var tooLong = new ErrorCode("x.too-long", "At most {0}.");

        FreeText.Required(errors, "a", null, 5, required, tooLong);
        FreeText.Required(errors, "b", "one\ntwo", 50, required, tooLong);
        FreeText.Required(errors, "c", "one\ntwo", 50, required, tooLong, multiLine: true);
        FreeText.Required(errors, "d", "abcdefg", 5, required, tooLong);

        Assert.That(errors.All.Select(error => (error.Field, error.Code.Name)), Is.EqualTo(new[]
        {
            ("a", "x.required"), ("b", "text.control-characters"), ("d", "x.too-long"),
        }));
    }
}
