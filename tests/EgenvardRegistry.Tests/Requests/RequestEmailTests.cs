using EgenvardRegistry.Requests;
using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.Tests.Requests;

public sealed class RequestEmailTests
{
    private static RequestEmailContent Content(string? unitName = "Solbackeskolan", string? message = "Hör av er om ni har frågor.") => new(
        MailSamples.FixedNotificationId, "sara.lind@example.se", "Sara Lind", "Alva", "12345678", unitName, "BEG-7K3M-Q2", message,
        new DateOnly(2027, 1, 22), new Uri("https://egenvard.region.example.se/vardnadshavare"));

    [Test]
    public void Compose_SaysWhoAsksForWhomAndWhatToDo_InBothParts()
    {
        var message = RequestEmail.Compose(Content());

        Assert.That(message.Subject, Is.EqualTo("Solbackeskolan ber om ett egenvårdsintyg för Alva"));
        Assert.That(message.TextBody, Does.StartWith("Hej Sara Lind!\r\n\r\nSolbackeskolan ber om ett egenvårdsintyg för Alva."));
        Assert.That(message.TextBody, Does.Contain(
            "Så här gör du: boka en bedömning hos den vårdenhet där Alva får vård och visa referensen BEG-7K3M-Q2."));
        Assert.That(message.TextBody, Does.Contain("Meddelande från skolan:\r\n> Hör av er om ni har frågor.\r\n"));
        Assert.That(message.TextBody, Does.Contain("Begäran gäller till och med 22 januari 2027."));
        Assert.That(message.HtmlBody, Does.Contain("<html lang=\"sv\">").And.Contain("<strong>BEG-7K3M-Q2</strong>"));
        Assert.That(message.MessageId, Is.EqualTo($"notification-{MailSamples.FixedNotificationId:N}@egenvard.region.example.se"));
        Assert.That(message.Headers.Keys, Does.Not.Contain("List-Unsubscribe"), "a request is sent once, not a list to leave");
    }

    [Test]
    public void Compose_WithoutAUnitNameOrMessage_NamesTheUnitByCode_AndLeavesTheQuoteOut()
    {
        var message = RequestEmail.Compose(Content(unitName: null, message: null));

        Assert.That(message.Subject, Is.EqualTo("Skolenhet 12345678 ber om ett egenvårdsintyg för Alva"));
        Assert.That(message.TextBody + message.HtmlBody, Does.Not.Contain("Meddelande från skolan"));
    }

    [Test]
    public void Compose_EncodesTheSchoolsMessageInHtml()
    {
        var message = RequestEmail.Compose(Content(message: "<script>alert(1)</script>\nRad två"));

        Assert.That(message.HtmlBody, Does.Contain("&lt;script&gt;alert(1)&lt;/script&gt;<br>Rad två"));
        Assert.That(message.HtmlBody, Does.Not.Contain("<script>"));
    }
}
