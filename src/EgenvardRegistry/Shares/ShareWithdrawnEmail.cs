using System.Text.Encodings.Web;
using EgenvardRegistry.Infrastructure.Mail;
using EgenvardRegistry.Web;

namespace EgenvardRegistry.Shares;

/// <summary>What one "the guardian stopped sharing" e-mail says; the outbox row's id gives the Message-ID.</summary>
/// <param name="To">The unit's contact address as it was at the withdrawal.</param>
/// <param name="UnitName">The unit's name from the directory; without one the e-mail names the unit by its id.</param>
/// <param name="WithdrawnAt">When the guardian withdrew the unit.</param>
/// <param name="CareUnitPhone">The issuing care unit's phone; its name is left out, as it can tell the diagnosis.</param>
/// <param name="MessageIdHost">The registry's public host, for the Message-ID.</param>
public sealed record ShareWithdrawnEmailContent(
    Guid NotificationId,
    string To,
    string UnitId,
    string? UnitName,
    string ChildFirstName,
    DateTimeOffset WithdrawnAt,
    string CareUnitPhone,
    string MessageIdHost);

/// <summary>
/// The Swedish e-mail that tells a unit a guardian stopped sharing a certificate with it, plain text and HTML: the unit
/// can no longer see it, staff must not rely on it from now on, and whom to ask (the guardians; the care unit on the
/// certificate, by phone, about the egenvård). The child by first name only; never a personnummer, a diagnosis, the
/// measures or the care unit's name (a clinic's name can tell the diagnosis).
/// </summary>
public static class ShareWithdrawnEmail
{
    public const string Subject = "Vårdnadshavaren har slutat dela ett egenvårdsintyg med er";

    private static readonly HtmlEncoder Html = MailLayout.Html;

    public static EmailMessage Compose(ShareWithdrawnEmailContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var child = MailText.OneLine(content.ChildFirstName);
        var unitName = MailText.OneLine(content.UnitName);
        var unit = unitName.Length > 0 ? unitName : $"Enhet {MailText.OneLine(content.UnitId)}";
        var phone = MailText.OneLine(content.CareUnitPhone);
        var when = SwedishText.StockholmTime(content.WithdrawnAt);

        var greeting = $"Till {unit}";
        var what = $"Vårdnadshavaren har den {when} slutat dela egenvårdsintyget för {child} med {unit} i Egenvårdsregistret.";
        var consequence = "Ni kan inte längre se intyget, och en kontroll i registret svarar nu att er enhet saknar giltigt intyg. "
            + "Från och med nu får personalen inte förlita sig på intyget.";
        var contact = "Har ni frågor om varför intyget inte längre delas, kontakta barnets vårdnadshavare. "
            + $"Frågor om egenvården besvaras av vårdenheten som utfärdade intyget, telefon {phone}.";

        var text = MailLayout.Text([greeting, "", what, "", consequence, "", contact, ""], MailLayout.NoReply);
        var html = MailLayout.HtmlBody(Subject,
            [
                $"<p>{Html.Encode(greeting)}</p>",
                $"<p>{Html.Encode(what)}</p>",
                $"<p><strong>{Html.Encode(consequence)}</strong></p>",
                $"<p>{Html.Encode(contact)}</p>",
            ],
            Html.Encode(MailLayout.NoReply));
        return MailLayout.Message(content.To, unit, Subject, text, html, content.NotificationId, content.MessageIdHost);
    }
}
