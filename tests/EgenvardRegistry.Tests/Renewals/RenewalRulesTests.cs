using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Renewals;
using EgenvardRegistry.Web;

namespace EgenvardRegistry.Tests.Renewals;

/// <summary>The worklist's pure rules and its Swedish wording, without a database.</summary>
public sealed class RenewalRulesTests
{
    private static readonly DateOnly Today = new(2026, 11, 23);

    [TestCase(null, null, null, 60, 100, 0)]
    [TestCase("", "", "", 60, 100, 0)]
    [TestCase("1", "1", "0", 1, 1, 0)]
    [TestCase("400", "500", "2000", 400, 500, 2000)]
    public void Query_ReadsTheValuesOrTheDefaults(string? within, string? limit, string? offset, int w, int l, int o)
    {
        var errors = new ValidationErrors();

        var query = RenewalRules.Query(within, limit, offset, errors);

        Assert.That(query, Is.EqualTo(new RenewalQuery(w, l, o)));
        Assert.That(errors.Any, Is.False);
    }

    [TestCase("0", null, null, "withinDays")]
    [TestCase("401", null, null, "withinDays")]
    [TestCase("+30", null, null, "withinDays")]
    [TestCase(" 30", null, null, "withinDays")]
    [TestCase("99999999999", null, null, "withinDays")]
    [TestCase(null, "0", null, "limit")]
    [TestCase(null, null, "-1", "offset")]
    public void Query_OutOfRangeOrNotANumber_IsAFieldError(string? within, string? limit, string? offset, string field)
    {
        var errors = new ValidationErrors();

        Assert.That(RenewalRules.Query(within, limit, offset, errors), Is.Null);
        Assert.That(errors.All.Select(error => error.Field), Is.EqualTo(new[] { field }));
    }

    [Test]
    public void IssueDate_IsTheStockholmDate()
    {
        Assert.That(RenewalRules.IssueDate(new DateTimeOffset(2026, 11, 23, 22, 59, 0, TimeSpan.Zero)), Is.EqualTo(new DateOnly(2026, 11, 23)));
        Assert.That(RenewalRules.IssueDate(new DateTimeOffset(2026, 11, 23, 23, 0, 0, TimeSpan.Zero)), Is.EqualTo(new DateOnly(2026, 11, 24)));
        Assert.That(RenewalRules.IssueDate(new DateTimeOffset(2027, 6, 1, 22, 0, 0, TimeSpan.Zero)), Is.EqualTo(new DateOnly(2027, 6, 2)),
            "summer time: UTC+2");
    }

    [Test]
    public void CountsFor_AFollowUpDoneOnOrAfterTheIssueDate()
    {
        var issued = new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

        Assert.That(RenewalRules.CountsFor(new DateOnly(2026, 11, 22), issued), Is.False);
        Assert.That(RenewalRules.CountsFor(new DateOnly(2026, 11, 23), issued), Is.True);
        Assert.That(RenewalRules.CountsFor(new DateOnly(2027, 2, 1), issued), Is.True);
    }

    [Test]
    public void Validate_TrimsTheNote_AndTakesABlankOneAsNone()
    {
        var errors = new ValidationErrors();

        var withNote = RenewalRules.Validate(new FollowUpRequest(Today, "  Bra.\r\n  "), Today, errors);
        var blank = RenewalRules.Validate(new FollowUpRequest(Today, " \t "), Today, errors);

        Assert.That(withNote, Is.EqualTo(new NewFollowUp(Today, "Bra.")));
        Assert.That(blank, Is.EqualTo(new NewFollowUp(Today, null)));
        Assert.That(errors.Any, Is.False);
    }

    [Test]
    public void Validate_ReportsEveryFieldThatIsWrong()
    {
        var errors = new ValidationErrors();

        Assert.That(RenewalRules.Validate(new FollowUpRequest(Today.AddDays(1), new string('x', 2001)), Today, errors), Is.Null);
        Assert.That(errors.All.Select(error => error.Code), Is.EqualTo(new[] { RenewalErrors.DoneOnInFuture, EgenvardRegistry.Certificates.CertificateErrors.TooLong }));
    }

    [TestCase(0, "Går ut i dag")]
    [TestCase(1, "Går ut i morgon")]
    [TestCase(12, "Går ut om 12 dagar")]
    public void DaysLeft_InSwedish(int days, string expected) => Assert.That(RenewalText.DaysLeft(days), Is.EqualTo(expected));

    [Test]
    public void Reminder_InSwedish_SaysTheThresholdAndTheStockholmDate()
    {
        // 23:30 UTC on 13 November is the 14th in Stockholm.
        var sent = new DateTimeOffset(2026, 11, 13, 23, 30, 0, TimeSpan.Zero);

        Assert.That(RenewalText.Reminder(new SentReminder(30, sent, 1), Today), Is.EqualTo("Påminnelse skickad 30 dagar före, 14 nov"));
        Assert.That(RenewalText.Reminder(new SentReminder(0, sent, 2), Today),
            Is.EqualTo("Påminnelse skickad samma dag som intyget går ut, 14 nov, till 2 vårdnadshavare"));
        Assert.That(RenewalText.Reminder(new SentReminder(14, sent, 1), new DateOnly(2027, 1, 5)),
            Is.EqualTo("Påminnelse skickad 14 dagar före, 14 nov 2026"), "another year is named");
    }

    [TestCase(1, "1 öppet ärende")]
    [TestCase(3, "3 öppna ärenden")]
    public void OpenConcerns_InSwedish(int count, string expected) => Assert.That(RenewalText.OpenConcerns(count), Is.EqualTo(expected));
}
