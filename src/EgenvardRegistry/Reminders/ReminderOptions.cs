using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Cronos;

namespace EgenvardRegistry.Reminders;

/// <summary>When guardians are reminded and how hard delivery tries (<c>Reminders:*</c>).</summary>
public sealed class ReminderOptions : IValidatableObject
{
    public const string Section = "Reminders";

    /// <summary>Days before <c>validUntil</c> at which a reminder is due, e.g. <c>30,14,7,0</c>.</summary>
    public string DaysBefore { get; set; } = "30,14,7,0";

    /// <summary>When the scan runs: a standard 5-field cron expression, in Europe/Stockholm.</summary>
    public string Cron { get; set; } = "0 7 * * *";

    /// <summary>
    /// How often due outbox rows are sent (5 fields, or 6 with seconds first). Every 30 seconds, so that a retry goes
    /// out within a minute of its back-off even counting the scheduler's own polling.
    /// </summary>
    public string DispatchCron { get; set; } = "*/30 * * * * *";

    /// <summary>Run the jobs on this node (scan, dispatch, purge, one scan at start-up). Off, only the admin endpoint runs a cycle.</summary>
    public bool SchedulerEnabled { get; set; } = true;

    /// <summary>
    /// <see cref="SchedulerEnabled"/> read straight from configuration, for the scheduling module: whether this node runs
    /// jobs decides which services exist, so it is needed before options can be bound.
    /// </summary>
    public static bool SchedulerEnabledIn(IConfiguration configuration) =>
        configuration.GetValue($"{Section}:{nameof(SchedulerEnabled)}", true);

    /// <summary>Attempts before a message is marked failed; with the back-off below, the default spans about two days.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 15;

    /// <summary>Wait before the second attempt; each later wait doubles (with jitter), capped at <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(8);

    /// <summary>
    /// Rows one dispatcher claims at a time. Each may take up to <c>Smtp:TimeoutSeconds</c>, so with a relay the batch
    /// must fit in <see cref="Lease"/> (checked at start): 20 × 30 s is 10 minutes of the default 15.
    /// </summary>
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 20;

    /// <summary>
    /// SMTP sessions a dispatch runs side by side on this node, each over its own connection and claiming its own
    /// batches. More sessions spread the wait for the relay's replies; most relays limit connections per client.
    /// </summary>
    [Range(1, 32)]
    public int DispatchConcurrency { get; set; } = 4;

    /// <summary>
    /// How long a claim on a batch holds before another dispatcher may take its rows (a node that died mid-send). A
    /// message is only handed to the mail server while the claim still has a whole SMTP time-out to run.
    /// </summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(15);

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
        if (!IsValidCron(Cron, allowSeconds: false))
        {
            yield return new ValidationResult(
                $"Reminders:Cron must be a standard 5-field cron expression (minute hour day month weekday), e.g. '0 7 * * *', not '{Cron}'.",
                [nameof(Cron)]);
        }
        if (!IsValidCron(DispatchCron, allowSeconds: true))
        {
            yield return new ValidationResult(
                $"Reminders:DispatchCron must be a cron expression of 5 fields, or 6 with seconds first, e.g. '*/30 * * * * *', not '{DispatchCron}'.",
                [nameof(DispatchCron)]);
        }
        if (FirstRetryDelay <= TimeSpan.Zero || MaxRetryDelay < FirstRetryDelay)
        {
            yield return new ValidationResult(
                "Reminders:FirstRetryDelay must be positive and Reminders:MaxRetryDelay at least as long.", [nameof(FirstRetryDelay)]);
        }
        if (Lease < TimeSpan.FromSeconds(1) || Lease > TimeSpan.FromDays(1))
        {
            yield return new ValidationResult(
                $"Reminders:Lease must be between 00:00:01 and 1.00:00:00, not '{Lease}'.", [nameof(Lease)]);
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

    /// <summary>Parsed with Cronos, the parser Hangfire itself uses, so what passes here is what Hangfire runs.</summary>
    private static bool IsValidCron(string cron, bool allowSeconds)
    {
        var fields = cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        return fields switch
        {
            5 => CronExpression.TryParse(cron, CronFormat.Standard, out _),
            6 when allowSeconds => CronExpression.TryParse(cron, CronFormat.IncludeSeconds, out _),
            _ => false,
        };
    }
}
