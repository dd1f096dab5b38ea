using EgenvardRegistry.Certificates;
using EgenvardRegistry.Tests.Infrastructure;
using EgenvardRegistry.Web;

namespace EgenvardRegistry.Tests.Web;

/// <summary>The certificate rules' errors become Swedish messages on the right form fields; no English reaches a page.</summary>
public sealed class SwedishErrorsTests
{
    private static readonly DateOnly Today = new(2026, 11, 23);

    private static MeasureInput Measure(string? code = "insulin", string? performer = "child-with-staff", string? text = "Text") =>
        new(code, null, performer, text, text, text);

    /// <summary>Requests that between them make the rules say every one of their messages.</summary>
    private static IEnumerable<IssueCertificateRequest> BadRequests()
    {
        var guardian = new GuardianInput(Tokens.GuardianPnr, "Sara Lind", null);
        var unit = new CareUnitInput("SE2321000016-D1AB", "Enheten", "021-17 30 00");
        yield return new IssueCertificateRequest(null, null, null, null, null, null, null, null, null);
        yield return new IssueCertificateRequest(new PersonInput("123", new string('x', 201)),
            [new GuardianInput(Samples.ChildPnr, null, "inte-en-adress"), new GuardianInput(Samples.ChildPnr, "B", null)],
            [Measure(code: "okand", performer: "ingen", text: null), Measure(code: "other"), null],
            "Text", Today, Today.AddMonths(14), Today.AddMonths(20),
            new CareUnitInput("SE-fel", null, "ring mig"), ["1234", null]);
        yield return new IssueCertificateRequest(new PersonInput(Samples.ChildPnr, "Alva"),
            [guardian, guardian, null], [Measure(), Measure()], "Text", Today, Today.AddDays(-1), Today, unit, [.. Enumerable.Repeat("12345678", 21)]);
        yield return new IssueCertificateRequest(new PersonInput(Samples.ChildPnr, "Alva"),
            [guardian, guardian], [.. Enumerable.Repeat(Measure(), 11)], "Text", Today.AddYears(-2), Today.AddYears(-1), Today, unit, []);
        yield return new IssueCertificateRequest(new PersonInput(Samples.ChildPnr, "Alva"),
            [], [], "Text", Today, Today.AddMonths(6), Today.AddMonths(7), new CareUnitInput(null, "Enheten", null), []);
    }

    [Test]
    public void Translate_EveryMessageTheRulesGive_IsSwedish()
    {
        var seen = 0;
        foreach (var request in BadRequests())
        {
            var (_, errors) = CertificateRules.Validate(request, Today);
            foreach (var (path, messages) in errors.ToProblemErrors())
            {
                foreach (var message in messages)
                {
                    var error = SwedishErrors.Translate(path, message);
                    Assert.That(error.Message, Is.Not.EqualTo(SwedishErrors.Unknown), $"{path}: {message}");
                    Assert.That(error.Label, Is.Not.EqualTo("Uppgift"), path);
                    seen++;
                }
            }
        }
        Assert.That(seen, Is.GreaterThan(30));
    }

    [TestCase("measures[2].ifHarm", "Form.Measures[2].IfHarm", "Form_Measures_2__IfHarm")]
    [TestCase("child.personnummer", "Form.Child.Personnummer", "Form_Child_Personnummer")]
    [TestCase("careUnit.phone", "Form.CareUnit.Phone", "Form_CareUnit_Phone")]
    [TestCase("careUnit.hsaId", "Form.CareUnit", "Form_CareUnit")]
    [TestCase("sharedWith[1]", "Form.SharedWith", "Form_SharedWith")]
    [TestCase("guardians", "Form.Guardians", "Form_Guardians")]
    public void FieldName_FollowsTheJsonPath(string path, string field, string id)
    {
        Assert.That(SwedishErrors.FieldName(path), Is.EqualTo(field));
        Assert.That(SwedishErrors.Id(field), Is.EqualTo(id));
    }

    [Test]
    public void Translate_NumbersTheItem()
    {
        var error = SwedishErrors.Translate("measures[1].ifHarm", "Say what to do, and whom to contact, if harm or risk of harm occurs.");

        Assert.That(error.Label, Is.EqualTo("Åtgärd 2: vid skada eller risk för skada"));
        Assert.That(error.Message, Does.StartWith("Ange vad som ska göras"));
    }

    [TestCase(2027, 8, 14, "14 augusti 2027")]
    [TestCase(2026, 1, 1, "1 januari 2026")]
    public void Date_IsWrittenTheSwedishWay(int year, int month, int day, string expected) =>
        Assert.That(SwedishText.Date(new DateOnly(year, month, day)), Is.EqualTo(expected));
}
