using EgenvardRegistry.Infrastructure.Telemetry;
using EgenvardRegistry.Reminders;
using EgenvardRegistry.Tests.Infrastructure;
using EgenvardRegistry.Verification;

namespace EgenvardRegistry.Tests.Telemetry;

/// <summary>What no metric may carry, and the only tags the registry's own instruments may have.</summary>
public static class Identifiers
{
    private static readonly Dictionary<string, string[]> AllowedTags = new()
    {
        ["outcome"] =
        [
            VerificationReasons.Valid, VerificationReasons.None, VerificationReasons.Expired, VerificationReasons.Revoked,
            VerificationReasons.NotYetValid, VerificationReasons.MeasureNotCovered,
        ],
        ["status"] = ["queued", "sent", "retrying", "failed", "cancelled"],
        ["kind"] =
        [
            NotificationKinds.Reminder, NotificationKinds.CertificateRequest, NotificationKinds.ShareWithdrawn,
            NotificationKinds.EmailChanged,
        ],
    };

    /// <summary>A personnummer as people write it: 12 or 10 digits, with or without the dash.</summary>
    public static IEnumerable<string> PersonnummerForms(string twelveDigits) =>
    [
        twelveDigits,
        twelveDigits[2..],
        $"{twelveDigits[..8]}-{twelveDigits[8..]}",
        $"{twelveDigits[2..8]}-{twelveDigits[8..]}",
    ];

    /// <summary>
    /// Every tag value of every measurement is free of <paramref name="forbidden"/> (compared case-insensitively, so a
    /// GUID in either case counts), and the registry's own instruments use only their closed sets of words.
    /// </summary>
    public static void AssertNoneIn(IReadOnlyList<RecordedMetrics.Measurement> measurements, IReadOnlyCollection<string> forbidden)
    {
        Assert.That(forbidden, Has.None.Empty);
        var leaks = measurements
            .SelectMany(m => m.Tags.Select(tag => (m.Instrument, tag.Key, tag.Value)))
            .Where(tag => tag.Value is { } value && forbidden.Any(f => value.Contains(f, StringComparison.OrdinalIgnoreCase)))
            .ToList();
        Assert.That(leaks, Is.Empty, "identifiers in metric tags");
        var ours = measurements.Where(m => m.Meter == RegistryMetrics.MeterName).SelectMany(m => m.Tags).ToList();
        Assert.That(ours.Where(tag => !AllowedTags.TryGetValue(tag.Key, out var words) || !words.Contains(tag.Value)), Is.Empty,
            "the registry's tags are words from closed sets");
    }
}
