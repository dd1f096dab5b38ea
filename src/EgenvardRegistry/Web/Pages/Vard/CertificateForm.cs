using System.Globalization;
using System.Text.RegularExpressions;
using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure;

namespace EgenvardRegistry.Web.Pages.Vard;

/// <summary>
/// The issue and renewal form as posted. Its shape follows the API's request, so a rule's JSON path names the field
/// (<c>measures[0].ifHarm</c> is <c>Form.Measures[0].IfHarm</c>). Dates are text, parsed here.
/// </summary>
public sealed partial class CertificateForm
{
    public const string DateFormat = "yyyy-MM-dd";

    /// <summary>A date the browser did not send as YYYY-MM-DD; the API never sees one, its JSON binding refuses it.</summary>
    public static readonly ErrorCode NotADate = new("date.format", "Not a date (YYYY-MM-DD).");

    /// <summary>How the error summary names a rule's field ({n} is the item's number), by JSON path with indices removed.</summary>
    private static readonly Dictionary<string, string> Labels = new()
    {
        ["child.personnummer"] = "Barnets personnummer",
        ["child.name"] = "Barnets namn",
        ["guardians"] = "Vårdnadshavare",
        ["guardians[]"] = "Vårdnadshavare {n}",
        ["guardians[].personnummer"] = "Vårdnadshavare {n}: personnummer",
        ["guardians[].name"] = "Vårdnadshavare {n}: namn",
        ["guardians[].email"] = "Vårdnadshavare {n}: e-postadress",
        ["measures"] = "Åtgärder",
        ["measures[]"] = "Åtgärd {n}",
        ["measures[].code"] = "Åtgärd {n}: åtgärd",
        ["measures[].description"] = "Åtgärd {n}: beskrivning",
        ["measures[].performer"] = "Åtgärd {n}: vem utför",
        ["measures[].instructions"] = "Åtgärd {n}: instruktioner",
        ["measures[].ifHarm"] = "Åtgärd {n}: vid skada eller risk för skada",
        ["measures[].ifChanged"] = "Åtgärd {n}: vid ändrade förhållanden",
        ["instructionGivenBy"] = "Hur information och instruktion ges",
        ["validFrom"] = "Giltigt från",
        ["validUntil"] = "Giltigt till (omprövning)",
        ["followUpOn"] = "Uppföljning",
        ["careUnit"] = "Vårdenhet",
        ["careUnit.hsaId"] = "Vårdenhetens HSA-id",
        ["careUnit.name"] = "Vårdenhetens namn",
        ["careUnit.phone"] = "Vårdenhetens telefonnummer",
        ["sharedWith"] = "Förskolor och skolor",
        ["sharedWith[]"] = "Enhet {n}",
    };

    /// <summary>The label a page shows for a field the table does not know; a test keeps every rule's field in the table.</summary>
    public const string UnknownLabel = "Uppgift";

    public PersonFields Child { get; set; } = new();

    public List<GuardianFields> Guardians { get; set; } = [new()];

    public List<MeasureFields> Measures { get; set; } = [new()];

    public string? InstructionGivenBy { get; set; }

    public string? ValidFrom { get; set; }

    public string? ValidUntil { get; set; }

    public string? FollowUpOn { get; set; }

    public CareUnitFields CareUnit { get; set; } = new();

    /// <summary>
    /// The units to share with, one row each as typed: a unit's name, its label from the directory's list, or its code.
    /// The page reads them into unit ids (<see cref="CertificateFormPage"/>); an empty row is no unit.
    /// </summary>
    public List<string?> SharedWith { get; set; } = [];

    /// <param name="sharedWith">The unit ids the rows of <see cref="SharedWith"/> were read into.</param>
    public IssueCertificateRequest ToIssueRequest(string careUnitHsaId, IReadOnlyList<string?> sharedWith, ValidationErrors errors) => new(
        new PersonInput(Child.Personnummer, Child.Name),
        GuardianInputs(),
        MeasureInputs(),
        InstructionGivenBy,
        Date("validFrom", ValidFrom, errors),
        Date("validUntil", ValidUntil, errors),
        Date("followUpOn", FollowUpOn, errors),
        new CareUnitInput(careUnitHsaId, CareUnit.Name, CareUnit.Phone),
        sharedWith);

    /// <summary>A renewal sends the whole form: what the clinician left unchanged is the old certificate's content.</summary>
    public RenewCertificateRequest ToRenewRequest(string careUnitHsaId, IReadOnlyList<string?> sharedWith, ValidationErrors errors) => new(
        Date("validFrom", ValidFrom, errors),
        Date("validUntil", ValidUntil, errors),
        Date("followUpOn", FollowUpOn, errors),
        GuardianInputs(),
        MeasureInputs(),
        InstructionGivenBy,
        new CareUnitInput(careUnitHsaId, CareUnit.Name, CareUnit.Phone),
        sharedWith);

    /// <summary>The form as <paramref name="certificate"/> says, its units as ids (the page shows them by label).</summary>
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
        SharedWith = [.. certificate.SharedWith],
    };

    public static string Text(DateOnly date) => date.ToString(DateFormat, CultureInfo.InvariantCulture);

    private List<GuardianInput?> GuardianInputs() =>
        [.. Guardians.Select(g => (GuardianInput?)new GuardianInput(g.Personnummer, g.Name, g.Email))];

    private List<MeasureInput?> MeasureInputs() =>
        [.. Measures.Select(m => (MeasureInput?)new MeasureInput(
            m.Code, m.Code == MeasureCatalogue.Other ? m.Description : null, m.Performer, m.Instructions, m.IfHarm, m.IfChanged))];

    /// <summary>A date the browser did not send as YYYY-MM-DD is the form's own error; a missing one is the rules'.</summary>
    private static DateOnly? Date(string path, string? text, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        if (DateOnly.TryParseExact(text.Trim(), DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }
        errors.Add(path, NotADate);
        return null;
    }

    /// <summary>
    /// The form field a rule's JSON path lands on: <c>measures[0].ifHarm</c> → <c>Form.Measures[0].IfHarm</c>, labelled
    /// "Åtgärd 1: vid skada eller risk för skada"; <c>sharedWith[1]</c> → <c>Form.SharedWith[1]</c>, "Enhet 2". The care
    /// unit's HSA-id (taken from the sign-in) belongs to the care unit's group.
    /// </summary>
    public static FormField FieldFor(string path)
    {
        var index = Index().Match(path) is { Success: true } match ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        var label = Labels.GetValueOrDefault(Index().Replace(path, "[]"), UnknownLabel)
            .Replace("{n}", (index + 1).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var field = path == "careUnit.hsaId" ? "careUnit" : path;
        return new FormField("Form." + string.Join('.', field.Split('.').Select(part => char.ToUpperInvariant(part[0]) + part[1..])), label);
    }

    [GeneratedRegex(@"\[(\d+)\]")]
    private static partial Regex Index();
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
