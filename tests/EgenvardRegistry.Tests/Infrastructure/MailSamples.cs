using System.Text.RegularExpressions;
using EgenvardRegistry.Infrastructure.Mail;
using EgenvardRegistry.Reminders;
using MimeKit;

namespace EgenvardRegistry.Tests.Infrastructure;

/// <summary>Reminder contents for the mail tests, helpers to send and read them, and the personnummer check every e-mail must pass.</summary>
public static partial class MailSamples
{
    public const string GuardianEmail = "sara.lind@example.se";

    /// <summary>A fixed id whose hex holds no run of digits (a random GUID may hold ten in a row).</summary>
    public static readonly Guid FixedNotificationId = Guid.Parse("0a1b2c3d-4e5f-4a7b-8c9d-aebfc0d1e2f3");

    public static ReminderContent Reminder(
        int daysLeft = 14,
        string childFirstName = "Alva",
        Guid? notificationId = null,
        string careUnitName = "Barndiabetesmottagningen Västerås",
        params string[] measures) => new(
        NotificationId: notificationId ?? FixedNotificationId,
        To: GuardianEmail,
        GuardianName: "Sara Lind",
        ChildFirstName: childFirstName,
        MeasureCodes: measures.Length == 0 ? ["insulin", "blood-glucose"] : measures,
        ValidUntil: new DateOnly(2027, 8, 14),
        DaysLeft: daysLeft,
        CareUnitName: careUnitName,
        CareUnitPhone: "021-17 30 00",
        GuardianPageUrl: new Uri("https://egenvard.region.example.se/guardians/me"),
        UnsubscribeUrl: new Uri("https://egenvard.region.example.se/unsubscribe?token=sig.aBcD-eFgH_iJkL&v=1"));

    /// <summary>Sends one message in a batch of its own, as a dispatcher with one due message does.</summary>
    public static async Task SendOneAsync(this IEmailSender sender, EmailMessage message, CancellationToken cancellationToken = default)
    {
        await using var batch = sender.StartBatch();
        await batch.SendAsync(message, cancellationToken);
    }

    /// <summary>
    /// The text/plain or text/html alternative, decoded, with CRLF line breaks as composed (MimeKit hands out text
    /// with the platform's line breaks).
    /// </summary>
    public static string Part(this MimeMessage mail, string mediaSubtype) =>
        mail.BodyParts.OfType<TextPart>().Single(part => part.ContentType.MediaSubtype == mediaSubtype).Text.ReplaceLineEndings("\r\n");

    /// <summary>Every header value, decoded, and every part's text: what a reader could see.</summary>
    public static IEnumerable<string> Content(this MimeMessage mail) =>
        mail.Headers.Select(header => header.Value).Concat(mail.BodyParts.OfType<TextPart>().Select(part => part.Text));

    /// <summary>A fresh id, for messages that must be told apart in a shared mailbox, with no run of six digits.</summary>
    public static Guid UniqueNotificationId()
    {
        Guid id;
        do
        {
            id = Guid.NewGuid();
        }
        while (DigitRun().IsMatch(id.ToString("N")));
        return id;
    }

    /// <summary>Ten or twelve digits, with or without a separator before the last four: a personnummer's shapes.</summary>
    public static IReadOnlyList<string> PersonnummerLike(IEnumerable<string> texts) =>
        [.. texts.SelectMany(text => PersonnummerShape().Matches(text).Select(match => match.Value))];

    [GeneratedRegex(@"(?<!\d)(?:\d{8}|\d{6})[-+]?\d{4}(?!\d)")]
    private static partial Regex PersonnummerShape();

    [GeneratedRegex(@"\d{6}")]
    private static partial Regex DigitRun();
}
