namespace EgenvardRegistry.Reminders;

/// <summary>
/// What one reminder e-mail says: enough for a guardian to book the renewal in time, and nothing more (no
/// personnummer, no diagnosis, no instructions).
/// </summary>
/// <param name="NotificationId">The outbox row; the Message-ID is derived from it, so a resend carries the same.</param>
/// <param name="MeasureCodes">Measure codes from the catalogue; the e-mail names them in plain Swedish.</param>
/// <param name="DaysLeft">Whole days from today (Stockholm) to <paramref name="ValidUntil"/>; 0 on the last valid day.</param>
public sealed record ReminderContent(
    Guid NotificationId,
    string To,
    string GuardianName,
    string ChildFirstName,
    IReadOnlyList<string> MeasureCodes,
    DateOnly ValidUntil,
    int DaysLeft,
    string CareUnitName,
    string CareUnitPhone,
    Uri GuardianPageUrl,
    Uri UnsubscribeUrl);
