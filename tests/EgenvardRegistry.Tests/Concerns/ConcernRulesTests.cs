using System.Globalization;
using EgenvardRegistry.Concerns;
using EgenvardRegistry.Infrastructure;

namespace EgenvardRegistry.Tests.Concerns;

public sealed class ConcernRulesTests
{
    private static readonly DateOnly Today = new(2026, 11, 23);
    private static readonly DateTimeOffset Reported = DateTimeOffset.Parse("2026-11-20T10:00:00Z", CultureInfo.InvariantCulture);

    [TestCase("2026-11-22T22:59:59Z", 1, Description = "23:59:59 the day before, in Stockholm")]
    [TestCase("2026-11-22T23:00:00Z", 0, Description = "midnight today, in Stockholm")]
    [TestCase("2026-11-22T22:00:00Z", 1)]
    [TestCase("2026-11-13T08:00:00Z", 10)]
    public void AgeInDays_CountsStockholmDates(string reportedAt, int expected)
    {
        var at = DateTimeOffset.Parse(reportedAt, CultureInfo.InvariantCulture);

        Assert.That(ConcernRules.AgeInDays(at, Today), Is.EqualTo(expected));
    }

    [Test]
    public void Validate_NormalisesTheConcern_AndMarksOnlyIncidentsUrgent()
    {
        var errors = new ValidationErrors();

        var concern = ConcernRules.Validate(new ReportConcernRequest(" incident ", " Barnet föll.\r\nInget insulin gavs. ", false), errors);

        Assert.That(errors.Any, Is.False);
        Assert.That(concern, Is.EqualTo(new NewConcern("incident", "Barnet föll.\nInget insulin gavs.", false)));
        Assert.That(concern!.Urgent, Is.True);
        Assert.That(ConcernCategories.Swedish.Keys.Where(ConcernCategories.IsUrgent), Is.EqualTo(new[] { "incident" }));
    }

    // Built at run time: an attribute cannot hold a lone surrogate (metadata stores its strings as UTF-8).
    private static IEnumerable<TestCaseData> Texts() =>
    [
        new TestCaseData("Rad\tmed tabb", true).SetArgDisplayNames("tab"),
        new TestCaseData("Emoji 👍 går bra", true).SetArgDisplayNames("surrogate pair"),
        new TestCaseData("NUL\u0000mitt", false).SetArgDisplayNames("NUL"),
        new TestCaseData("Klocka\u0007mitt", false).SetArgDisplayNames("BEL"),
        new TestCaseData("C1\u0085mitt", false).SetArgDisplayNames("NEL"),
        new TestCaseData("DEL\u007fmitt", false).SetArgDisplayNames("DEL"),
        new TestCaseData("Ensam " + '\ud83d' + " hälft", false).SetArgDisplayNames("lone high surrogate"),
        new TestCaseData("Baklänges " + '\udc4d' + '\ud83d', false).SetArgDisplayNames("reversed pair"),
    ];

    [TestCaseSource(nameof(Texts))]
    public void Text_AllowsLineBreaksTabsAndWholeCharacters_Only(string text, bool allowed)
    {
        var errors = new ValidationErrors();

        var result = ConcernRules.Text(errors, "description", text, ConcernErrors.DescriptionRequired);

        Assert.That(result is not null, Is.EqualTo(allowed));
        Assert.That(errors.All.Select(error => error.Code), allowed ? Is.Empty : Is.EqualTo(new[] { FreeText.UnreadableCharacters }));
    }

    [Test]
    public void Text_OfExactlyTheLimit_IsAccepted_AndOneMoreIsNot()
    {
        var errors = new ValidationErrors();

        Assert.That(ConcernRules.Text(errors, "text", new string('a', ConcernRules.MaxTextLength), ConcernErrors.AnswerTextRequired), Is.Not.Null);
        Assert.That(ConcernRules.Text(errors, "text", new string('a', ConcernRules.MaxTextLength + 1), ConcernErrors.AnswerTextRequired), Is.Null);
        Assert.That(errors.All.Single().Arguments, Is.EqualTo(new object[] { ConcernRules.MaxTextLength }));
    }

    [TestCase(null, true)]
    [TestCase("2026-11-23", true)]
    [TestCase("2027-12-23", true)]
    [TestCase("2026-11-22", false)]
    [TestCase("2027-12-24", false)]
    public void Validate_Answer_ReassessmentFromTodayUpTo13Months(string? date, bool valid)
    {
        var errors = new ValidationErrors();
        var on = date is null ? (DateOnly?)null : DateOnly.Parse(date, CultureInfo.InvariantCulture);

        var answer = ConcernRules.Validate(new AnswerConcernRequest("Vi har bokat en ny bedömning.", on), Today, errors);

        Assert.That(answer is not null, Is.EqualTo(valid));
        Assert.That(errors.All.Select(error => error.Field), valid ? Is.Empty : Is.EqualTo(new[] { "reassessmentOn" }));
    }

    [Test]
    public void FollowedBy_ARenewalOrRevocationAfterTheReport_ButNothingBeforeIt()
    {
        var certificate = Guid.NewGuid();
        var renewal = Guid.NewGuid();

        Assert.Multiple(() =>
        {
            Assert.That(ConcernRules.FollowedBy(Reported, "active", certificate, null, null, null), Is.Null);
            Assert.That(ConcernRules.FollowedBy(Reported, "replaced", certificate, null, renewal, Reported.AddDays(1)),
                Is.EqualTo(new FollowingChange("renewed", renewal, Reported.AddDays(1))));
            Assert.That(ConcernRules.FollowedBy(Reported, "replaced", certificate, null, renewal, Reported.AddDays(-1)), Is.Null);
            Assert.That(ConcernRules.FollowedBy(Reported, "revoked", certificate, Reported, null, null),
                Is.EqualTo(new FollowingChange("revoked", certificate, Reported)));
            Assert.That(ConcernRules.FollowedBy(Reported, "revoked", certificate, Reported.AddSeconds(-1), null, null), Is.Null);
        });
    }

    [TestCase(null, "open")]
    [TestCase("", "open")]
    [TestCase("open", "open")]
    [TestCase("answered", "answered")]
    [TestCase("Open", null)]
    [TestCase("all", null)]
    public void Status_DefaultsToOpen_AndKnowsTwoValues(string? value, string? expected)
    {
        var errors = new ValidationErrors();

        Assert.That(ConcernRules.Status(value, errors), Is.EqualTo(expected));
        Assert.That(errors.Any, Is.EqualTo(expected is null));
    }
}
