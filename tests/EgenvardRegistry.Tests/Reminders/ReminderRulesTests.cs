using EgenvardRegistry.Reminders;

namespace EgenvardRegistry.Tests.Reminders;

public sealed class ReminderRulesTests
{
    private static readonly DateOnly Today = new(2026, 11, 23);

    [TestCase(31, null)]
    [TestCase(30, 30)]
    [TestCase(15, 30)]
    [TestCase(14, 14)]
    [TestCase(8, 14)]
    [TestCase(7, 7)]
    [TestCase(1, 7)]
    [TestCase(0, 0)]
    [TestCase(-1, null)]
    public void Bands_PutEachDaysLeftInTheLatestDueThreshold(int daysLeft, int? expected)
    {
        var bands = ReminderRules.Bands(Today, [30, 14, 7, 0]);
        var validUntil = Today.AddDays(daysLeft);

        var band = bands.SingleOrDefault(b => b.From <= validUntil && validUntil <= b.Until);

        Assert.That(band?.Days, Is.EqualTo(expected));
    }

    [Test]
    public void Bands_WithoutAZeroThreshold_CoverTheLastDaysToo()
    {
        var bands = ReminderRules.Bands(Today, [10, 3]);

        Assert.That(bands, Is.EqualTo(new[]
        {
            new ThresholdBand(10, Today.AddDays(4), Today.AddDays(10)),
            new ThresholdBand(3, Today, Today.AddDays(3)),
        }));
    }

    [TestCase(1, 0.5, 60)]
    [TestCase(2, 0.5, 120)]
    [TestCase(5, 0.5, 960)]
    [TestCase(12, 0.5, 8 * 3600)]
    [TestCase(40, 0.5, 8 * 3600)]
    [TestCase(1, 0.0, 48)]
    [TestCase(1, 0.999999, 72)]
    public void NextAttempt_DoublesFromTheFirstDelay_CappedWithJitter(int attempts, double jitter, int expectedSeconds)
    {
        var now = new DateTimeOffset(2026, 11, 23, 6, 0, 0, TimeSpan.Zero);

        var next = ReminderRules.NextAttempt(now, attempts, TimeSpan.FromMinutes(1), TimeSpan.FromHours(8), jitter);

        Assert.That((next - now).TotalSeconds, Is.EqualTo(expectedSeconds).Within(0.01));
    }

    [Test]
    public void DefaultRetries_SpanAboutTwoDays()
    {
        var options = new ReminderOptions();
        var now = DateTimeOffset.UnixEpoch;
        var at = now;
        for (var attempt = 1; attempt < options.MaxAttempts; attempt++)
        {
            at = ReminderRules.NextAttempt(at, attempt, options.FirstRetryDelay, options.MaxRetryDelay, 0.5);
        }

        Assert.That((at - now).TotalHours, Is.InRange(36, 60));
    }

    [TestCase("Alva Lind", "Alva")]
    [TestCase("  Anna-Karin  Berg ", "Anna-Karin")]
    [TestCase("Olle", "Olle")]
    public void FirstName_IsTheFirstWord(string name, string expected) =>
        Assert.That(ReminderRules.FirstName(name), Is.EqualTo(expected));
}

public sealed class UnsubscribeLinksTests
{
    private static readonly UnsubscribeLinks Links = new("a-key-of-at-least-thirty-two-bytes!!"u8.ToArray());

    [Test]
    public void Token_RoundTripsTheGuardian()
    {
        var guardian = Guid.NewGuid();

        Assert.That(Links.TryRead(Links.Token(guardian), out var read), Is.True);
        Assert.That(read, Is.EqualTo(guardian));
    }

    [Test]
    public void Token_SignedWithAnotherKey_OrTampered_IsRejected()
    {
        var guardian = Guid.NewGuid();
        var foreign = new UnsubscribeLinks("another-key-of-at-least-thirty-two-bytes"u8.ToArray()).Token(guardian);
        var token = Links.Token(guardian);
        var tampered = (token[0] == 'A' ? "B" : "A") + token[1..];

        Assert.That(Links.TryRead(foreign, out _), Is.False);
        Assert.That(Links.TryRead(tampered, out _), Is.False);
        Assert.That(Links.TryRead("", out _), Is.False);
        Assert.That(Links.TryRead("not base64 !", out _), Is.False);
        Assert.That(Links.TryRead(token + "AAAA", out _), Is.False);
    }

    [Test]
    public void Url_PointsAtTheUnsubscribeRouteUnderTheBase()
    {
        var url = Links.Url(new Uri("https://egenvard.example.se/"), Guid.NewGuid());

        Assert.That(url.GetLeftPart(UriPartial.Path), Is.EqualTo("https://egenvard.example.se/reminders/unsubscribe"));
        Assert.That(url.Query, Does.StartWith("?token="));
    }
}
