using EgenvardRegistry.Certificates;
using EgenvardRegistry.Tests.Infrastructure;
using EgenvardRegistry.Web;
using EgenvardRegistry.Web.Pages.Vard;

namespace EgenvardRegistry.Tests.Web;

/// <summary>The certificate rules' errors land on the certificate form's own fields, with a label the summary can name.</summary>
public sealed class CertificateFormTests
{
    private static readonly DateOnly Today = new(2026, 11, 23);

    private static MeasureInput Measure(string? code = "insulin", string? performer = "child-with-staff", string? text = "Text") =>
        new(code, null, performer, text, text, text);

    /// <summary>Requests that between them make the rules report on every field they check.</summary>
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
            [guardian, null], [Measure(), Measure()], "Text", Today, Today.AddDays(-1), Today, unit, [.. Enumerable.Repeat("12345678", 21)]);
        yield return new IssueCertificateRequest(new PersonInput(Samples.ChildPnr, "Alva"),
            [guardian, guardian, guardian], [.. Enumerable.Repeat(Measure(), 11)], "Text", Today.AddYears(-2), Today.AddYears(-1), Today, unit, []);
        yield return new IssueCertificateRequest(new PersonInput(Samples.ChildPnr, "Alva"),
            [], [], "Text", Today, Today.AddMonths(6), Today.AddMonths(7), new CareUnitInput(null, "Enheten", null), []);
    }

    [Test]
    public void FieldFor_EveryFieldTheRulesReport_HasALabelAndSwedish()
    {
        var seen = 0;
        foreach (var request in BadRequests())
        {
            var (_, errors) = CertificateRules.Validate(request, Today);
            foreach (var error in errors.All)
            {
                Assert.That(CertificateForm.FieldFor(error.Field).Label, Is.Not.EqualTo(CertificateForm.UnknownLabel), error.Field);
                Assert.That(SwedishMessages.For(error), Is.Not.EqualTo(SwedishMessages.Unknown), error.Code.Name);
                seen++;
            }
        }
        Assert.That(seen, Is.GreaterThan(30));
    }

    [TestCase("measures[2].ifHarm", "Form.Measures[2].IfHarm", "Form_Measures_2__IfHarm")]
    [TestCase("child.personnummer", "Form.Child.Personnummer", "Form_Child_Personnummer")]
    [TestCase("careUnit.phone", "Form.CareUnit.Phone", "Form_CareUnit_Phone")]
    [TestCase("careUnit.hsaId", "Form.CareUnit", "Form_CareUnit")]
    [TestCase("sharedWith[1]", "Form.SharedWith[1]", "Form_SharedWith_1_")]
    [TestCase("sharedWith", "Form.SharedWith", "Form_SharedWith")]
    [TestCase("guardians", "Form.Guardians", "Form_Guardians")]
    public void FieldFor_FollowsTheJsonPath(string path, string name, string id)
    {
        Assert.That(CertificateForm.FieldFor(path).Name, Is.EqualTo(name));
        Assert.That(FieldView.IdFor(name), Is.EqualTo(id));
    }

    [Test]
    public void FieldFor_NumbersTheItem() =>
        Assert.That(CertificateForm.FieldFor("measures[1].ifHarm").Label, Is.EqualTo("Åtgärd 2: vid skada eller risk för skada"));
}
