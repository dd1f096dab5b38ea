using System.Text.Encodings.Web;
using EgenvardRegistry.Infrastructure.Mail;
using EgenvardRegistry.Web;

namespace EgenvardRegistry.Guardians;

/// <summary>What one "your address changed" notice says; the outbox row's id gives the Message-ID.</summary>
/// <param name="To">The old address: the one the change took the messages away from.</param>
/// <param name="NewEmailMasked">The new address partly hidden (<see cref="MailAddresses.Mask"/>); null when it was removed.</param>
/// <param name="ChangedBy">Who changed it, in general terms: <see cref="EmailChangers"/>.</param>
/// <param name="ChangedAt">When it changed.</param>
/// <param name="GuardianPageUrl">The guardian page, where the address is changed back.</param>
public sealed record EmailChangedEmailContent(
    Guid NotificationId,
    string To,
    string GuardianName,
    string? NewEmailMasked,
    string ChangedBy,
    DateTimeOffset ChangedAt,
    Uri GuardianPageUrl);

/// <summary>
/// The Swedish security notice to a guardian's old address that the address changed, plain text and HTML: to what (the new
/// address masked), when, by whom in general terms (the guardian or care), and what to do if it was not them. It is sent
/// whether or not reminders are on. Never a personnummer, a child, a diagnosis or a measure.
/// </summary>
public static class EmailChangedEmail
{
    public const string Subject = "Din e-postadress i Egenvårdsregistret har ändrats";

    private static readonly HtmlEncoder Html = MailLayout.Html;

    public static EmailMessage Compose(EmailChangedEmailContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var guardian = MailText.OneLine(content.GuardianName);
        var masked = MailText.OneLine(content.NewEmailMasked);
        var when = SwedishText.StockholmTime(content.ChangedAt);
        var guardianPage = content.GuardianPageUrl.AbsoluteUri;

        var greeting = guardian.Length == 0 ? "Hej!" : $"Hej {guardian}!";
        const string Address = "E-postadressen som Egenvårdsregistret skickar dina påminnelser och meddelanden till";
        var (what, whatHtml) = masked.Length == 0
            ? ($"{Address} togs bort den {when}.", Html.Encode($"{Address} togs bort den {when}."))
            : ($"{Address} ändrades den {when} till {masked}.",
                $"{Html.Encode($"{Address} ändrades den {when} till")} <strong>{Html.Encode(masked)}</strong>.");
        var who = content.ChangedBy == EmailChangers.Care
            ? "Ändringen gjordes av vården, när ett egenvårdsintyg där du står som vårdnadshavare utfärdades eller förnyades."
            : "Ändringen gjordes av dig själv, inloggad på sidan för vårdnadshavare.";
        var why = "Det här meddelandet går till din tidigare adress, så att du får veta om ändringen. "
            + (masked.Length == 0 ? "Registret skickar inga påminnelser förrän det finns en ny adress."
                : "Påminnelser skickas från och med nu till den nya adressen.");
        const string NotYou = "Var det inte du, eller är adressen fel? Logga in på sidan för vårdnadshavare och ändra adressen, "
            + "eller kontakta vårdenheten som utfärdade ditt barns intyg.";

        var text = MailLayout.Text([greeting, "", what, "", who, "", why, "", NotYou, $"Sidan för vårdnadshavare: {guardianPage}", ""],
            MailLayout.NoReply);
        var html = MailLayout.HtmlBody(Subject,
            [
                $"<p>{Html.Encode(greeting)}</p>",
                $"<p>{whatHtml}</p>",
                $"<p>{Html.Encode(who)}</p>",
                $"<p>{Html.Encode(why)}</p>",
                $"<p><strong>{Html.Encode(NotYou)}</strong></p>",
                $"<p><a href=\"{Html.Encode(guardianPage)}\">Sidan för vårdnadshavare i Egenvårdsregistret</a></p>",
            ],
            Html.Encode(MailLayout.NoReply));
        return MailLayout.Message(content.To, guardian, Subject, text, html, content.NotificationId, content.GuardianPageUrl.IdnHost);
    }
}
