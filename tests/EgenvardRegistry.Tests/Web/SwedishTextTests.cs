using System.Globalization;
using EgenvardRegistry.Certificates;
using EgenvardRegistry.Web;

namespace EgenvardRegistry.Tests.Web;

public sealed class SwedishTextTests
{
    private static readonly DateOnly Today = new(2026, 11, 23);

    private static Certificate Certificate(string status, DateOnly from, DateOnly until) => new(
        Guid.NewGuid(), Guid.NewGuid(), "201503122382", "Alva Lind", status, 1, [], [], "", from, until, from,
        new CareUnit("SE2321000016-D1AB", "Mottagningen", "021-17 30 00"), [], DateTimeOffset.UnixEpoch,
        new Issuer("SE2321000016-K7BG", "Karin Berg", null), null, null, null);

    private static Certificate Certificate(string status, string from, string until) =>
        Certificate(status, DateOnly.Parse(from, CultureInfo.InvariantCulture), DateOnly.Parse(until, CultureInfo.InvariantCulture));

    [TestCase("active", "2026-01-01", "2026-11-23", "Giltigt")]
    [TestCase("active", "2026-01-01", "2026-11-22", "Har gått ut")]
    [TestCase("active", "2026-11-24", "2027-11-23", "Inte giltigt ännu")]
    [TestCase("revoked", "2026-01-01", "2026-12-31", "Återkallat")]
    [TestCase("replaced", "2026-01-01", "2026-12-31", "Ersatt")]
    [TestCase("revoked", "2025-01-01", "2025-12-31", "Återkallat")]
    public void Status_SaysInSwedishWhatTheCertificateIsToday(string status, string from, string until, string expected)
    {
        Assert.That(SwedishText.Status(Certificate(status, from, until), Today).Text, Is.EqualTo(expected));
    }

    [TestCase("expired", "active", "2026-01-01", "2026-11-22")]
    [TestCase("revoked", "revoked", "2026-01-01", "2026-12-31")]
    [TestCase("not-yet-valid", "active", "2026-11-24", "2027-11-23")]
    [TestCase("valid", "active", "2026-01-01", "2026-12-31")]
    public void Reason_OfAVerification_SaysWhatTheCertificatesStatusMeans(string reason, string status, string from, string until)
    {
        Assert.That(SwedishText.Reason(reason), Is.EqualTo(SwedishText.Status(Certificate(status, from, until), Today).Meaning));
    }

    [Test]
    public void EveryAuditAction_HasSwedishWording()
    {
        var actions = EgenvardRegistry.Audit.AuditActions.Reads.Concat(EgenvardRegistry.Audit.AuditActions.Writes);

        Assert.That(actions.Where(action => SwedishText.Action(action) == action), Is.Empty);
    }

    [TestCase(2027, 8, 14, "14 augusti 2027")]
    [TestCase(2026, 1, 1, "1 januari 2026")]
    public void Date_IsDayMonthNameYear(int year, int month, int day, string expected) =>
        Assert.That(SwedishText.Date(new DateOnly(year, month, day)), Is.EqualTo(expected));

    [TestCase("2026-11-23T08:00:00Z", "23 november 2026 kl. 09:00")]
    [TestCase("2026-07-01T22:30:00Z", "2 juli 2026 kl. 00:30")]
    [TestCase("2026-03-29T01:00:00Z", "29 mars 2026 kl. 03:00")]
    public void StockholmTime_ShowsTheWallClockInStockholm(string instant, string expected) =>
        Assert.That(SwedishText.StockholmTime(DateTimeOffset.Parse(instant, CultureInfo.InvariantCulture)),
            Is.EqualTo(expected));

    [Test]
    public void Measures_AreNamedInSwedish_WithTheDescriptionOfOther() =>
        Assert.That(SwedishText.Measures([
            new Measure("insulin", null, "child", "", "", ""),
            new Measure("other", "Hjälp med hörapparat", "staff", "", "", ""),
        ]), Is.EqualTo("Insulin, Annan åtgärd: Hjälp med hörapparat"));
}
