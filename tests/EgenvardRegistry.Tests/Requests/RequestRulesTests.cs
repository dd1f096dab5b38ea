using System.Globalization;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Requests;

namespace EgenvardRegistry.Tests.Requests;

/// <summary>The request's pure rules: when it lapses (in Stockholm dates), its reference, and what its fields may hold.</summary>
public sealed class RequestRulesTests
{
    private static readonly DateOnly Today = new(2026, 11, 23);

    private static DateTimeOffset Stockholm(int year, int month, int day, int hour, int minute = 0)
    {
        var local = new DateTime(year, month, day, hour, minute, 0);
        return new DateTimeOffset(local, StockholmTime.Zone.GetUtcOffset(local));
    }

    [TestCase(2026, 11, 23, 0, 1, "2027-01-22")]
    [TestCase(2026, 11, 23, 23, 59, "2027-01-22")]
    [TestCase(2026, 11, 24, 0, 0, "2027-01-23")]
    public void OpenUntil_CountsStockholmDates_NotUtcInstants(int year, int month, int day, int hour, int minute, string expected) =>
        Assert.That(RequestRules.OpenUntil(Stockholm(year, month, day, hour, minute), 60).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Is.EqualTo(expected));

    [TestCase("2027-01-22", "open")]
    [TestCase("2027-01-23", "expired")]
    public void StatusToday_AnOpenRequestLapsesTheDayAfterItsLastDay(string today, string expected) =>
        Assert.That(RequestRules.StatusToday("open", Stockholm(2026, 11, 23, 9), DateOnly.Parse(today, CultureInfo.InvariantCulture), 60), Is.EqualTo(expected));

    [TestCase("withdrawn")]
    [TestCase("fulfilled")]
    public void StatusToday_AClosedRequestKeepsItsStatus(string status) =>
        Assert.That(RequestRules.StatusToday(status, Stockholm(2025, 1, 1, 9), Today, 60), Is.EqualTo(status));

    [Test]
    public void OpenSince_AgreesWithStatusToday_AtTheStockholmMidnight()
    {
        var openSince = RequestRules.OpenSince(Today, 60);

        Assert.That(openSince, Is.EqualTo(Stockholm(2026, 9, 24, 0)));
        Assert.That(RequestRules.StatusToday("open", openSince, Today, 60), Is.EqualTo("open"));
        Assert.That(RequestRules.StatusToday("open", openSince.AddTicks(-1), Today, 60), Is.EqualTo("expired"));
    }

    [Test]
    public void LapsesAt_IsTheMidnightAfterTheLastDay_AcrossTheChangeToSummerTime()
    {
        // Made on 1 February: open through 31 March with 58 days; summer time began on 29 March 2026.
        Assert.That(RequestRules.LapsesAt(Stockholm(2026, 2, 1, 10), 58), Is.EqualTo(new DateTimeOffset(2026, 3, 31, 22, 0, 0, TimeSpan.Zero)));
    }

    [Test]
    public void NewReference_IsShort_AndAvoidsCharactersThatReadAlike()
    {
        var references = Enumerable.Range(0, 500).Select(_ => RequestRules.NewReference()).ToList();

        Assert.That(references, Is.All.Match("^BEG-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{2}$"));
        Assert.That(references.Distinct().Count(), Is.GreaterThan(490));
    }

    [Test]
    public void Validate_NormalisesTheRequest()
    {
        var errors = new ValidationErrors();

        var request = RequestRules.Validate(new CreateRequestBody("150312-2382", "  Alva Lind ", [" insulin", "other"], " Hej!\r\nVi hörs. ",
            [new RequestGuardianInput(" Sara Lind ", " sara.lind@example.se ")]), Today, errors);

        Assert.That(errors.Any, Is.False);
        Assert.That(request, Is.Not.Null);
        Assert.That((request!.ChildPersonnummer, request.ChildName, request.Message), Is.EqualTo(("201503122382", "Alva Lind", "Hej!\nVi hörs.")));
        Assert.That(request.Measures, Is.EqualTo(new[] { "insulin", "other" }));
        Assert.That(request.Guardians, Is.EqualTo(new[] { new RequestRecipient("Sara Lind", "sara.lind@example.se") }));
    }

    [TestCase("Ring 0701234567 om ni undrar.")]
    [TestCase("Skolans nummer: 021-17 30 00.")]
    public void Validate_AMessageWithAPhoneNumber_IsFine_UnlessItIsAValidPersonnummer(string message)
    {
        var errors = new ValidationErrors();

        RequestRules.Validate(new CreateRequestBody("201503122382", "Alva", ["insulin"], message, []), Today, errors);

        Assert.That(errors.All.Select(error => error.Field), Is.Empty);
    }

    [TestCase("Gäller 201503122382.")]
    [TestCase("Gäller 150312-2382.")]
    [TestCase("Gäller 19811218-9876, pappa.")]
    public void Validate_AMessageWithAPersonnummer_IsRefused(string message)
    {
        var errors = new ValidationErrors();

        RequestRules.Validate(new CreateRequestBody("201503122382", "Alva", ["insulin"], message, []), Today, errors);

        Assert.That(errors.All.Select(error => (error.Field, error.Code)), Is.EqualTo(new[] { ("message", RequestErrors.MessageWithPersonnummer) }));
    }
}
