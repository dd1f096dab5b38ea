using EgenvardRegistry.Reminders;
using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.Tests.Reminders;

public sealed class ReminderEmailTests
{
    private const string GuardianPage = "https://egenvard.region.example.se/guardians/me";
    private const string Unsubscribe = "https://egenvard.region.example.se/unsubscribe?token=sig.aBcD-eFgH_iJkL&v=1";

    [Test]
    public void Compose_Subject_NamesTheChildByFirstNameAndTheDaysLeft()
    {
        var message = ReminderEmail.Compose(MailSamples.Reminder());

        Assert.That(message.Subject, Is.EqualTo("Egenvårdsintyget för Alva går ut om 14 dagar"));
    }

    [TestCase(14, "Egenvårdsintyget för Alva går ut om 14 dagar", "gäller till och med 14 augusti 2027. Det är 14 dagar kvar.")]
    [TestCase(1, "Egenvårdsintyget för Alva går ut om 1 dag", "gäller till och med 14 augusti 2027. Det är 1 dag kvar.")]
    [TestCase(0, "Egenvårdsintyget för Alva går ut i dag", "gäller till och med 14 augusti 2027. I dag är sista dagen.")]
    [TestCase(-1, "Egenvårdsintyget för Alva har gått ut", "gällde till och med 14 augusti 2027 och har gått ut.")]
    public void Compose_DaysLeft_InSwedishInSubjectAndBothParts(int daysLeft, string subject, string status)
    {
        var message = ReminderEmail.Compose(MailSamples.Reminder(daysLeft));

        Assert.That(message.Subject, Is.EqualTo(subject));
        Assert.That(message.TextBody, Does.Contain($"Egenvårdsintyget för Alva {status}"));
        Assert.That(message.HtmlBody, Does.Contain($"Egenvårdsintyget för <strong>Alva</strong> {status}"));
    }

    [TestCase(14, "i god tid")]
    [TestCase(0, "så snart som möjligt")]
    public void Compose_AsksToBookTheRenewalWithTheCareUnit(int daysLeft, string when)
    {
        var message = ReminderEmail.Compose(MailSamples.Reminder(daysLeft));

        Assert.That(message.TextBody, Does.Contain(
            $"Boka en ny bedömning {when} hos Barndiabetesmottagningen Västerås, telefon 021-17 30 00."));
        Assert.That(message.HtmlBody, Does.Contain(
            $"Boka en ny bedömning {when} hos <strong>Barndiabetesmottagningen Västerås</strong>, telefon <strong>021-17 30 00</strong>."));
    }

    [Test]
    public void Compose_TextPart_ReadsAsASwedishLetterWithBothLinks()
    {
        var text = ReminderEmail.Compose(MailSamples.Reminder()).TextBody;

        Assert.That(text, Does.StartWith("Hej Sara Lind!\r\n\r\n"));
        Assert.That(text, Does.Contain("Intyget omfattar insulin och blodsockermätning."));
        Assert.That(text, Does.Contain($"Se intyget: {GuardianPage}\r\n"));
        Assert.That(text, Does.Contain("Med vänliga hälsningar\r\nEgenvårdsregistret"));
        Assert.That(text, Does.EndWith($"Vill du inte få fler påminnelser? Avsluta dem här: {Unsubscribe}\r\n"));
        Assert.That(text.Replace("\r\n", "", StringComparison.Ordinal), Does.Not.Contain("\n").And.Not.Contain("\r"));
    }

    [Test]
    public void Compose_HtmlPart_IsSwedishHtmlWithBothLinks()
    {
        var html = ReminderEmail.Compose(MailSamples.Reminder()).HtmlBody;

        Assert.That(html, Does.StartWith("<!DOCTYPE html>\r\n<html lang=\"sv\">"));
        Assert.That(html, Does.Contain("<p>Hej Sara Lind!</p>"));
        Assert.That(html, Does.Contain("Intyget omfattar insulin och blodsockermätning.</p>"));
        Assert.That(html, Does.Contain($"<a href=\"{GuardianPage}\">Se intyget i Egenvårdsregistret</a>"));
        Assert.That(html, Does.Contain(
            "Vill du inte få fler påminnelser? <a href=\"https://egenvard.region.example.se/unsubscribe?token=sig.aBcD-eFgH_iJkL&amp;v=1\">Avsluta dem här</a>."));
        Assert.That(html, Does.Contain("<title>Egenvårdsintyget för Alva går ut om 14 dagar</title>"));
    }

    [TestCase(new[] { "adrenaline" }, "adrenalinpenna")]
    [TestCase(new[] { "seizure-medication", "tube-feeding" }, "krampstillande läkemedel och sondmatning")]
    [TestCase(new[] { "insulin", "inhaler", "oxygen" }, "insulin, inhalator och syrgas")]
    [TestCase(new[] { "stoma-care", "stoma-care" }, "stomivård")]
    [TestCase(new[] { "catheterisation", "retired-code" }, "kateterisering och annan åtgärd")]
    public void Compose_Measures_InPlainSwedishInRunningText(string[] codes, string named)
    {
        var message = ReminderEmail.Compose(MailSamples.Reminder(measures: codes));

        Assert.That(message.TextBody, Does.Contain($" Intyget omfattar {named}.\r\n"));
        Assert.That(message.HtmlBody, Does.Contain($" Intyget omfattar {named}.</p>"));
    }

    [Test]
    public void Compose_MessageId_IsTheNotificationAtTheServicesHost_SoAResendCarriesTheSame()
    {
        var first = ReminderEmail.Compose(MailSamples.Reminder());
        var resend = ReminderEmail.Compose(MailSamples.Reminder(daysLeft: 13));
        var other = ReminderEmail.Compose(MailSamples.Reminder(notificationId: Guid.Parse("1a2b3c4d-5e6f-4a8b-9c0d-bebfc0d1e2f3")));

        Assert.That(first.MessageId, Is.EqualTo("notification-0a1b2c3d4e5f4a7b8c9daebfc0d1e2f3@egenvard.region.example.se"));
        Assert.That(resend.MessageId, Is.EqualTo(first.MessageId));
        Assert.That(other.MessageId, Is.Not.EqualTo(first.MessageId));
    }

    [Test]
    public void Compose_Headers_OfferOneClickUnsubscribe()
    {
        var message = ReminderEmail.Compose(MailSamples.Reminder());

        Assert.That(message.Headers["List-Unsubscribe"], Is.EqualTo($"<{Unsubscribe}>"));
        Assert.That(message.Headers["List-Unsubscribe-Post"], Is.EqualTo("List-Unsubscribe=One-Click"));
        Assert.That(message.Headers["Auto-Submitted"], Is.EqualTo("auto-generated"));
        Assert.That(message.To, Is.EqualTo(MailSamples.GuardianEmail));
    }

    [Test]
    public void Compose_Recipient_IsTheGuardiansAddressWithTheirNameOnOneLine()
    {
        var plain = ReminderEmail.Compose(MailSamples.Reminder());
        var broken = ReminderEmail.Compose(MailSamples.Reminder() with { GuardianName = "Sara\r\nBcc: someone@example.com\t Lind" });

        Assert.That((plain.To, plain.ToName), Is.EqualTo((MailSamples.GuardianEmail, "Sara Lind")));
        Assert.That(broken.ToName, Is.EqualTo("Sara Bcc: someone@example.com Lind"));
    }

    [Test]
    public void Compose_MarkupInNames_IsEncodedInHtml()
    {
        var message = ReminderEmail.Compose(MailSamples.Reminder(
            childFirstName: "<script>alert('x')</script>", careUnitName: "Barn & Unga <BUP>"));

        Assert.That(message.HtmlBody, Does.Not.Contain("<script>").And.Not.Contain("<BUP>").And.Not.Contain("& Unga"));
        Assert.That(message.HtmlBody, Does.Contain("<strong>&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;</strong>"));
        Assert.That(message.HtmlBody, Does.Contain("<strong>Barn &amp; Unga &lt;BUP&gt;</strong>"));
        Assert.That(message.HtmlBody, Does.Contain("<title>Egenvårdsintyget för &lt;script&gt;"));
        Assert.That(message.TextBody, Does.Contain("Egenvårdsintyget för <script>alert('x')</script> gäller"));
    }

    [Test]
    public void Compose_LineBreakInAName_CannotAddAHeader()
    {
        var message = ReminderEmail.Compose(MailSamples.Reminder(childFirstName: "Alva\r\nBcc: someone@example.com"));

        Assert.That(message.Subject, Is.EqualTo("Egenvårdsintyget för Alva Bcc: someone@example.com går ut om 14 dagar"));
    }

    [TestCase(-1)]
    [TestCase(0)]
    [TestCase(1)]
    [TestCase(14)]
    public void Compose_NothingLooksLikeAPersonnummer(int daysLeft)
    {
        var message = ReminderEmail.Compose(MailSamples.Reminder(daysLeft));

        string[] everything = [message.To, message.ToName, message.Subject, message.TextBody, message.HtmlBody, message.MessageId,
            .. message.Headers.Keys, .. message.Headers.Values];
        Assert.That(MailSamples.PersonnummerLike(everything), Is.Empty);
        Assert.That(MailSamples.PersonnummerLike(["Alva, 20150312-2382", "150312+2382", "201503122382"]), Has.Count.EqualTo(3),
            "the check recognises a personnummer");
    }

    [TestCase("javascript:alert(1)")]
    [TestCase("file:///etc/passwd")]
    public void Compose_LinkThatIsNotAWebAddress_IsRefused(string link)
    {
        var content = MailSamples.Reminder() with { UnsubscribeUrl = new Uri(link) };

        Assert.That(() => ReminderEmail.Compose(content), Throws.ArgumentException);
    }
}
