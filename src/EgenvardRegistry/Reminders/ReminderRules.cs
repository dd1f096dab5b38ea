namespace EgenvardRegistry.Reminders;

/// <summary>Which threshold a certificate is at, and when a failed delivery is tried again. No I/O.</summary>
public static class ReminderRules
{
    /// <summary>
    /// For each threshold, the range of <c>validUntil</c> dates for which it is the latest due threshold today.
    /// With 30, 14, 7, 0: 30 days covers 15–30 days left, 14 covers 8–14, 7 covers 1–7 and 0 the last day. A scan that
    /// missed days so finds each certificate in exactly one band and sends only the latest threshold.
    /// </summary>
    public static IReadOnlyList<ThresholdBand> Bands(DateOnly today, IReadOnlyList<int> thresholds)
    {
        var descending = thresholds.Distinct().OrderDescending().ToList();
        return [.. descending.Select((days, index) => new ThresholdBand(
            days,
            today.AddDays(index == descending.Count - 1 ? 0 : descending[index + 1] + 1),
            today.AddDays(days)))];
    }

    /// <summary>
    /// When to try again after <paramref name="attempts"/> failed attempts: the first delay doubled per attempt, capped,
    /// with ±20 % jitter so that many messages failing together do not retry together.
    /// </summary>
    /// <param name="jitter">A number in [0, 1); 0.5 means no jitter.</param>
    public static DateTimeOffset NextAttempt(DateTimeOffset now, int attempts, TimeSpan firstDelay, TimeSpan maxDelay, double jitter)
    {
        var exponent = Math.Min(Math.Max(attempts - 1, 0), 30);
        var delay = Math.Min(firstDelay.TotalSeconds * Math.Pow(2, exponent), maxDelay.TotalSeconds);
        return now + TimeSpan.FromSeconds(delay * (0.8 + 0.4 * jitter));
    }

    /// <summary>"Alva Maria Lind" → "Alva": the e-mail names the child by first name only.</summary>
    public static string FirstName(string fullName) =>
        fullName.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? fullName;
}

/// <summary>Certificates whose <c>validUntil</c> lies in [<see cref="From"/>, <see cref="Until"/>] are at <see cref="Days"/>.</summary>
public sealed record ThresholdBand(int Days, DateOnly From, DateOnly Until);
