using System.Globalization;
using System.Net;
using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure.Mail;

namespace EgenvardRegistry.Reminders;

/// <summary>The reminder e-mail in Swedish (placeholder until the mail branch lands).</summary>
public static class ReminderEmail
{
    private static readonly CultureInfo Swedish = CultureInfo.GetCultureInfo("sv-SE");

    public static EmailMessage Compose(ReminderContent content)
    {
        var measures = string.Join(", ", content.MeasureCodes.Select(code => MeasureCatalogue.Swedish[code].ToLower(Swedish)));
        var date = content.ValidUntil.ToString("d MMMM yyyy", Swedish);
        var subject = $"Egenvårdsintyget för {content.ChildFirstName} går ut {date}";
        var text = $"""
            Hej {content.GuardianName}!

            Egenvårdsintyget för {content.ChildFirstName} ({measures}) gäller till och med {date}.
            Boka förnyelse hos {content.CareUnitName}, telefon {content.CareUnitPhone}.

            Se intyget: {content.GuardianPageUrl}
            Vill du inte få fler påminnelser? {content.UnsubscribeUrl}
            """;
        var html = $"<p>{WebUtility.HtmlEncode(text).Replace("\n", "<br>", StringComparison.Ordinal)}</p>";
        return new EmailMessage(content.To, subject, text, html, $"notification-{content.NotificationId:N}@{content.GuardianPageUrl.Host}",
            new Dictionary<string, string>
            {
                ["List-Unsubscribe"] = $"<{content.UnsubscribeUrl}>",
                ["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click",
            });
    }
}
