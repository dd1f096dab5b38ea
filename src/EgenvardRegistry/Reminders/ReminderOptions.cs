using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace EgenvardRegistry.Reminders;

/// <summary>When guardians are reminded and how hard delivery tries (<c>Reminders:*</c>).</summary>
public sealed class ReminderOptions : IValidatableObject
{
    public const string Section = "Reminders";

    /// <summary>Days before <c>validUntil</c> at which a reminder is due, e.g. <c>30,14,7,0</c>.</summary>
    public string DaysBefore { get; set; } = "30,14,7,0";

    /// <summary>Quartz cron for the scan, in Europe/Stockholm.</summary>
    public string Cron { get; set; } = "0 0 7 * * ?";

    /// <summary>Run the scheduler (the cron scan and one scan at start-up). Off, only the admin endpoint runs a cycle.</summary>
    public bool SchedulerEnabled { get; set; } = true;

    /// <summary>Attempts before a message is marked failed; with the back-off below, the default spans about two days.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 15;

    /// <summary>Wait before the second attempt; each later wait doubles (with jitter), capped at <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Rows one dispatcher claims at a time.</summary>
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 50;

    /// <summary>Signs the one-click unsubscribe links in e-mails: at least 32 bytes of UTF-8, the same on every node.</summary>
    public string LinkSigningKey { get; set; } = "";

    /// <summary>The service's public address, for the links in e-mails (guardian page, unsubscribe).</summary>
    [Required]
    public Uri PublicBaseUrl { get; set; } = new("http://localhost:5050/");

    public IReadOnlyList<int> Thresholds() => [.. DaysBefore
        .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
        .Select(day => int.Parse(day, CultureInfo.InvariantCulture))
        .Distinct()
        .OrderDescending()];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var days = DaysBefore.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (days.Length == 0 || days.Any(day => !int.TryParse(day, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > 400))
        {
            yield return new ValidationResult(
                $"Reminders:DaysBefore must be a comma-separated list of whole days from 0 to 400, not '{DaysBefore}'.",
                [nameof(DaysBefore)]);
        }
        if (!IsValidCron(Cron))
        {
            yield return new ValidationResult($"Reminders:Cron is not a valid Quartz cron expression: '{Cron}'.", [nameof(Cron)]);
        }
        if (FirstRetryDelay <= TimeSpan.Zero || MaxRetryDelay < FirstRetryDelay)
        {
            yield return new ValidationResult(
                "Reminders:FirstRetryDelay must be positive and Reminders:MaxRetryDelay at least as long.", [nameof(FirstRetryDelay)]);
        }
        if (System.Text.Encoding.UTF8.GetByteCount(LinkSigningKey) < 32)
        {
            yield return new ValidationResult(
                "Reminders:LinkSigningKey must be set, at least 32 bytes of UTF-8: it signs the unsubscribe links in e-mails.",
                [nameof(LinkSigningKey)]);
        }
        if (!PublicBaseUrl.IsAbsoluteUri)
        {
            yield return new ValidationResult("Reminders:PublicBaseUrl must be an absolute URL.", [nameof(PublicBaseUrl)]);
        }
    }

    private static bool IsValidCron(string cron)
    {
        try
        {
            _ = new Quartz.CronExpression(cron);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
