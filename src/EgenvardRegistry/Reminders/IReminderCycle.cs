namespace EgenvardRegistry.Reminders;

/// <summary>
/// The reminder work: scan for certificates at a threshold and write their notifications to the outbox, and drain
/// the outbox. The scheduled jobs and <c>POST /api/admin/reminders/run</c> call this; both methods are idempotent.
/// </summary>
public interface IReminderCycle
{
    /// <summary>Scans, then drains.</summary>
    Task<ReminderRunCounts> RunAsync(CancellationToken cancellationToken);

    /// <summary>Sends every message that is due now; rows that fail transiently wait for their next attempt.</summary>
    Task<ReminderRunCounts> DrainAsync(CancellationToken cancellationToken);
}

/// <param name="Queued">Notifications the scan wrote to the outbox.</param>
/// <param name="Sent">Messages the mail server accepted.</param>
/// <param name="Retrying">Messages that failed transiently and wait for their next attempt.</param>
/// <param name="Failed">Messages that failed for good (5xx, or too many attempts).</param>
public sealed record ReminderRunCounts(int Queued, int Sent, int Retrying, int Failed);
