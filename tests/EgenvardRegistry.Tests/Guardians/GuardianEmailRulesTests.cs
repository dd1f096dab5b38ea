using EgenvardRegistry.Guardians;
using EgenvardRegistry.Infrastructure.Mail;

namespace EgenvardRegistry.Tests.Guardians;

public sealed class GuardianEmailRulesTests
{
    private const string Own = "sara.egen@example.se";
    private const string Entered = "sara.jobb@example.se";

    [TestCase(null, Own, EmailSources.Guardian, null, CareEntry.Unchanged, TestName = "No address entered: nothing")]
    [TestCase("SARA.EGEN@example.se", Own, EmailSources.Guardian, null, CareEntry.Unchanged, TestName = "The address in use, in other letter case: nothing")]
    [TestCase(Entered, Own, EmailSources.Guardian, null, CareEntry.Suggest, TestName = "Another address than the guardian's own: a suggestion")]
    [TestCase(Entered, Own, EmailSources.Guardian, "Sara.Jobb@example.se", CareEntry.Unchanged, TestName = "The address already suggested: nothing")]
    [TestCase(Entered, Own, EmailSources.Guardian, "sara.annan@example.se", CareEntry.Suggest, TestName = "Another suggestion replaces the unanswered one")]
    [TestCase(Entered, "sara.lind@example.se", EmailSources.Clinician, null, CareEntry.Replace, TestName = "An address care set: replaced")]
    [TestCase(Entered, null, null, null, CareEntry.Replace, TestName = "No address: set")]
    [TestCase(Entered, null, null, "sara.annan@example.se", CareEntry.Replace, TestName = "No address but a suggestion: set")]
    public void OnCareEntry(string? entered, string? current, string? source, string? suggested, CareEntry expected) =>
        Assert.That(GuardianEmailRules.OnCareEntry(entered, current, source, suggested), Is.EqualTo(expected));

    [TestCase("sara.lind@example.com", "s***@example.com")]
    [TestCase("s@example.se", "s***@example.se")]
    [TestCase("åsa@exempel.se", "å***@exempel.se")]
    [TestCase("\"a@b\"@example.se", "\"***@example.se")]
    [TestCase("not-an-address", "***")]
    public void Mask_KeepsTheFirstLetterAndTheDomain(string email, string expected) =>
        Assert.That(MailAddresses.Mask(email), Is.EqualTo(expected));
}
