using System.Globalization;
using EgenvardRegistry.Certificates;

namespace EgenvardRegistry.Web.Pages.Vard;

/// <summary>
/// The issue and renewal form as posted. Its shape follows the API's request, so a rule's JSON path names the field
/// (<c>measures[0].ifHarm</c> is <c>Form.Measures[0].IfHarm</c>). Dates are text, parsed here.
/// </summary>
public sealed class CertificateForm
{
    public const string DateFormat = "yyyy-MM-dd";

    public PersonFields Child { get; set; } = new();

    public List<GuardianFields> Guardians { get; set; } = [new()];

    public List<MeasureFields> Measures { get; set; } = [new()];

    public string? InstructionGivenBy { get; set; }

    public string? ValidFrom { get; set; }

    public string? ValidUntil { get; set; }

    public string? FollowUpOn { get; set; }

    public CareUnitFields CareUnit { get; set; } = new();

    /// <summary>School unit codes separated by commas, spaces or new lines.</summary>
    public string? SharedWith { get; set; }

    public IReadOnlyList<string?> SharedWithCodes =>
        [.. (SharedWith ?? "").Split([',', ';', ' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries)];

    public IssueCertificateRequest ToIssueRequest(string careUnitHsaId, FormErrors errors) => new(
        new PersonInput(Child.Personnummer, Child.Name),
        GuardianInputs(),
        MeasureInputs(),
        InstructionGivenBy,
        Date(nameof(ValidFrom), ValidFrom, errors),
        Date(nameof(ValidUntil), ValidUntil, errors),
        Date(nameof(FollowUpOn), FollowUpOn, errors),
        new CareUnitInput(careUnitHsaId, CareUnit.Name, CareUnit.Phone),
        SharedWithCodes);

    /// <summary>A renewal sends the whole form: what the clinician left unchanged is the old certificate's content.</summary>
    public RenewCertificateRequest ToRenewRequest(string careUnitHsaId, FormErrors errors) => new(
        Date(nameof(ValidFrom), ValidFrom, errors),
        Date(nameof(ValidUntil), ValidUntil, errors),
        Date(nameof(FollowUpOn), FollowUpOn, errors),
        GuardianInputs(),
        MeasureInputs(),
        InstructionGivenBy,
        new CareUnitInput(careUnitHsaId, CareUnit.Name, CareUnit.Phone),
        SharedWithCodes);

    public static CertificateForm From(Certificate certificate) => new()
    {
        Child = new PersonFields { Personnummer = certificate.ChildPersonnummer, Name = certificate.ChildName },
        Guardians = [.. certificate.Guardians.Select(g => new GuardianFields { Personnummer = g.Personnummer, Name = g.Name, Email = g.Email })],
        Measures = [.. certificate.Measures.Select(m => new MeasureFields
        {
            Code = m.Code, Description = m.Description, Performer = m.Performer,
            Instructions = m.Instructions, IfHarm = m.IfHarm, IfChanged = m.IfChanged,
        })],
        InstructionGivenBy = certificate.InstructionGivenBy,
        ValidFrom = Text(certificate.ValidFrom),
        ValidUntil = Text(certificate.ValidUntil),
        FollowUpOn = Text(certificate.FollowUpOn),
        CareUnit = new CareUnitFields { Name = certificate.CareUnit.Name, Phone = certificate.CareUnit.Phone },
        SharedWith = string.Join(", ", certificate.SharedWith),
    };

    public static string Text(DateOnly date) => date.ToString(DateFormat, CultureInfo.InvariantCulture);

    private List<GuardianInput?> GuardianInputs() =>
        [.. Guardians.Select(g => (GuardianInput?)new GuardianInput(g.Personnummer, g.Name, g.Email))];

    private List<MeasureInput?> MeasureInputs() =>
        [.. Measures.Select(m => (MeasureInput?)new MeasureInput(
            m.Code, m.Code == MeasureCatalogue.Other ? m.Description : null, m.Performer, m.Instructions, m.IfHarm, m.IfChanged))];

    /// <summary>A date the browser did not send as YYYY-MM-DD is the form's own error; a missing one is the rules'.</summary>
    private static DateOnly? Date(string property, string? text, FormErrors errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        if (DateOnly.TryParseExact(text.Trim(), DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }
        var path = char.ToLowerInvariant(property[0]) + property[1..];
        var label = SwedishErrors.Translate(path, "Required.").Label;
        errors.Add($"Form.{property}", label, "Ange datumet som ÅÅÅÅ-MM-DD, till exempel 2027-08-14.");
        return null;
    }
}

public sealed class PersonFields
{
    public string? Personnummer { get; set; }

    public string? Name { get; set; }
}

public sealed class GuardianFields
{
    public string? Personnummer { get; set; }

    public string? Name { get; set; }

    public string? Email { get; set; }
}

public sealed class MeasureFields
{
    public string? Code { get; set; }

    public string? Description { get; set; }

    public string? Performer { get; set; }

    public string? Instructions { get; set; }

    public string? IfHarm { get; set; }

    public string? IfChanged { get; set; }
}

public sealed class CareUnitFields
{
    public string? Name { get; set; }

    public string? Phone { get; set; }
}
