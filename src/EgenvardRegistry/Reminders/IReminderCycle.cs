namespace EgenvardRegistry.Reminders;

/// <summary>
/// One reminder run: scan for certificates at a threshold and write their notifications to the outbox, then drain
/// the outbox. The scheduler's job and <c>POST /api/admin/reminders/run</c> both call this; it is idempotent.
/// </summary>
public interface IReminderCycle
{
    Task<ReminderRunCounts> RunAsync(CancellationToken cancellationToken);
}

/// <param name="Queued">Notifications the scan wrote to the outbox.</param>
/// <param name="Sent">Messages the mail server accepted.</param>
/// <param name="Retrying">Messages that failed transiently and wait for their next attempt.</param>
/// <param name="Failed">Messages that failed for good (5xx, or too many attempts).</param>
public sealed record ReminderRunCounts(int Queued, int Sent, int Retrying, int Failed);
