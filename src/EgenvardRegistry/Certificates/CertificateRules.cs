using EgenvardRegistry.Identifiers;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Mail;

namespace EgenvardRegistry.Certificates;

/// <summary>
/// Checks an issue request against the registry's rules and normalises it: every one of the seven parts of an
/// egenvård assessment present, identifiers valid, dates consistent. Errors are keyed by JSON path.
/// </summary>
public static class CertificateRules
{
    public const int MaxGuardians = 2;
    public const int MaxMeasures = 10;
    public const int MaxSharedWith = 20;
    public const int MaxValidityMonths = 13;

    /// <summary>
    /// How far ahead a certificate may start: a renewal starts at the latest when the certificate it replaces ends, at
    /// most <see cref="MaxValidityMonths"/> from today. It also keeps date arithmetic far from the calendar's end.
    /// </summary>
    public const int MaxStartMonthsAhead = MaxValidityMonths;
    public const int MaxNameLength = 200;
    public const int MaxTextLength = 2000;

    public const int MaxReasonLength = 500;

    public const int MaxCareRelationshipLength = 500;

    public static (NewCertificate? Certificate, ValidationErrors Errors) Validate(IssueCertificateRequest request, DateOnly today)
    {
        var errors = new ValidationErrors();
        var childPnr = Personnummer(errors, "child.personnummer", request.Child?.Personnummer, today, CertificateErrors.ChildPersonnummerRequired);
        var childName = Text(errors, "child.name", request.Child?.Name, MaxNameLength, CertificateErrors.ChildNameRequired);
        var guardians = Guardians(errors, request.Guardians, childPnr, today);
        var measures = Measures(errors, request.Measures);
        var instructionGivenBy = Text(errors, "instructionGivenBy", request.InstructionGivenBy, MaxTextLength,
            CertificateErrors.InstructionGivenByRequired);
        Dates(errors, request, today);
        var careUnit = CareUnit(errors, request.CareUnit);
        var shares = SharedWith(errors, request.SharedWith);
        if (errors.Any)
        {
            return (null, errors);
        }
        return (new NewCertificate(
            childPnr!, childName!, guardians, measures, instructionGivenBy!,
            request.ValidFrom!.Value, request.ValidUntil!.Value, request.FollowUpOn!.Value, careUnit!, shares), errors);
    }

    /// <summary>Why a certificate is revoked: the reason, trimmed, or null after reporting what is wrong with it.</summary>
    public static string? RevocationReason(string? value, ValidationErrors errors)
    {
        var problem = FreeText.Check(value, MaxReasonLength, multiLine: true, out var reason);
        if (problem == TextProblem.Blank)
        {
            errors.Add("reason", CertificateErrors.RevocationReasonRequired, MaxReasonLength);
        }
        FreeText.Report(errors, "reason", problem, MaxReasonLength, CertificateErrors.RevocationReasonTooLong, multiLine: true);
        return problem == TextProblem.None ? reason : null;
    }

    /// <summary>
    /// The care relationship a clinician states to read other care units' certificates in full: absent (null) is fine,
    /// stated means not blank and not too long. False after reporting what is wrong.
    /// </summary>
    public static bool CareRelationship(string? value, ValidationErrors errors, out string? careRelationship)
    {
        careRelationship = null;
        if (value is null)
        {
            return true;
        }
        var problem = FreeText.Check(value, MaxCareRelationshipLength, multiLine: false, out var text);
        if (problem == TextProblem.Blank)
        {
            errors.Add("careRelationship", CertificateErrors.CareRelationshipBlank, MaxCareRelationshipLength);
        }
        FreeText.Report(errors, "careRelationship", problem, MaxCareRelationshipLength, CertificateErrors.CareRelationshipTooLong,
            multiLine: false);
        careRelationship = problem == TextProblem.None ? text : null;
        return problem == TextProblem.None;
    }

    private static List<CertificateGuardian> Guardians(ValidationErrors errors, IReadOnlyList<GuardianInput?>? inputs, string? childPnr,
        DateOnly today)
    {
        var guardians = new List<CertificateGuardian>();
        if (inputs is null || inputs.Count == 0)
        {
            errors.Add("guardians", CertificateErrors.GuardiansRequired);
            return guardians;
        }
        if (inputs.Count > MaxGuardians)
        {
            errors.Add("guardians", CertificateErrors.TooManyGuardians);
            return guardians;
        }
        for (var i = 0; i < inputs.Count; i++)
        {
            var input = inputs[i];
            var path = $"guardians[{i}]";
            if (input is null)
            {
                errors.Add(path, CertificateErrors.GuardianMissing);
                continue;
            }
            var pnr = Personnummer(errors, $"{path}.personnummer", input.Personnummer, today, CertificateErrors.GuardianPersonnummerRequired);
            var name = Text(errors, $"{path}.name", input.Name, MaxNameLength, CertificateErrors.GuardianNameRequired);
            var email = MailAddresses.NormalizeEmail(input.Email, errors, $"{path}.email");
            if (pnr is not null && pnr == childPnr)
            {
                errors.Add($"{path}.personnummer", CertificateErrors.GuardianIsChild);
            }
            else if (pnr is not null && guardians.Any(other => other.Personnummer == pnr))
            {
                errors.Add($"{path}.personnummer", CertificateErrors.GuardianTwice);
            }
            if (pnr is not null && name is not null)
            {
                guardians.Add(new CertificateGuardian(pnr, name, email));
            }
        }
        return guardians;
    }

    private static List<Measure> Measures(ValidationErrors errors, IReadOnlyList<MeasureInput?>? inputs)
    {
        var measures = new List<Measure>();
        if (inputs is null || inputs.Count == 0)
        {
            errors.Add("measures", CertificateErrors.MeasuresRequired);
            return measures;
        }
        if (inputs.Count > MaxMeasures)
        {
            errors.Add("measures", CertificateErrors.TooManyMeasures);
            return measures;
        }
        for (var i = 0; i < inputs.Count; i++)
        {
            if (inputs[i] is not { } input)
            {
                errors.Add($"measures[{i}]", CertificateErrors.MeasureMissing);
            }
            else if (Measure(errors, $"measures[{i}]", input, measures) is { } measure)
            {
                measures.Add(measure);
            }
        }
        return measures;
    }

    /// <summary>One measure; <paramref name="earlier"/> are the valid ones before it, which it must not repeat.</summary>
    private static Measure? Measure(ValidationErrors errors, string path, MeasureInput input, List<Measure> earlier)
    {
        var code = input.Code?.Trim();
        string? description = null;
        if (string.IsNullOrEmpty(code))
        {
            errors.Add($"{path}.code", CertificateErrors.MeasureCodeRequired);
        }
        else if (!MeasureCatalogue.IsKnown(code))
        {
            errors.Add($"{path}.code", MeasureCatalogue.Unknown);
        }
        else if (code == MeasureCatalogue.Other)
        {
            description = Text(errors, $"{path}.description", input.Description, MaxNameLength, CertificateErrors.OtherMeasureUndescribed);
        }
        else if (earlier.Any(measure => measure.Code == code))
        {
            errors.Add($"{path}.code", CertificateErrors.MeasureTwice);
        }
        else if (!string.IsNullOrWhiteSpace(input.Description))
        {
            description = Text(errors, $"{path}.description", input.Description, MaxNameLength, CertificateErrors.OtherMeasureUndescribed);
        }
        var performer = input.Performer?.Trim();
        if (!Performers.IsKnown(performer))
        {
            errors.Add($"{path}.performer", Performers.Unknown);
        }
        var instructions = Text(errors, $"{path}.instructions", input.Instructions, MaxTextLength, CertificateErrors.InstructionsRequired);
        var ifHarm = Text(errors, $"{path}.ifHarm", input.IfHarm, MaxTextLength, CertificateErrors.IfHarmRequired);
        var ifChanged = Text(errors, $"{path}.ifChanged", input.IfChanged, MaxTextLength, CertificateErrors.IfChangedRequired);
        return MeasureCatalogue.IsKnown(code) && Performers.IsKnown(performer) && instructions is not null && ifHarm is not null
            && ifChanged is not null
            ? new Measure(code!, description, performer!, instructions, ifHarm, ifChanged)
            : null;
    }

    private static void Dates(ValidationErrors errors, IssueCertificateRequest request, DateOnly today)
    {
        if (request.ValidFrom is null)
        {
            errors.Add("validFrom", CertificateErrors.ValidFromRequired);
        }
        if (request.ValidUntil is null)
        {
            errors.Add("validUntil", CertificateErrors.ValidUntilRequired);
        }
        if (request.FollowUpOn is null)
        {
            errors.Add("followUpOn", CertificateErrors.FollowUpOnRequired);
        }
        if (request is not { ValidFrom: { } from, ValidUntil: { } until })
        {
            return;
        }
        if (from > today.AddMonths(MaxStartMonthsAhead))
        {
            errors.Add("validFrom", CertificateErrors.ValidFromTooFarAhead);
        }
        if (until < from)
        {
            errors.Add("validUntil", CertificateErrors.ValidUntilBeforeValidFrom);
        }
        else if (from <= DateOnly.MaxValue.AddMonths(-MaxValidityMonths) && until > from.AddMonths(MaxValidityMonths))
        {
            errors.Add("validUntil", CertificateErrors.ValidityTooLong);
        }
        else if (until < today)
        {
            errors.Add("validUntil", CertificateErrors.AlreadyExpired);
        }
        if (request.FollowUpOn is { } followUp && until >= from && (followUp < from || followUp > until))
        {
            errors.Add("followUpOn", CertificateErrors.FollowUpOutsideValidity);
        }
    }

    private static CareUnit? CareUnit(ValidationErrors errors, CareUnitInput? input)
    {
        if (input is null)
        {
            errors.Add("careUnit", CertificateErrors.CareUnitRequired);
            return null;
        }
        var hsaId = input.HsaId?.Trim();
        if (string.IsNullOrEmpty(hsaId))
        {
            errors.Add("careUnit.hsaId", CertificateErrors.CareUnitHsaIdRequired);
        }
        else if (!HsaId.IsValid(hsaId))
        {
            errors.Add("careUnit.hsaId", CertificateErrors.NotAnHsaId);
        }
        var name = Text(errors, "careUnit.name", input.Name, MaxNameLength, CertificateErrors.CareUnitNameRequired);
        var phone = Phone(errors, "careUnit.phone", input.Phone);
        return HsaId.IsValid(hsaId) && name is not null && phone is not null ? new CareUnit(hsaId!, name, phone) : null;
    }

    private static List<string> SharedWith(ValidationErrors errors, IReadOnlyList<string?>? codes)
    {
        var shares = new List<string>();
        if (codes is { Count: > MaxSharedWith })
        {
            errors.Add("sharedWith", CertificateErrors.TooManySchoolUnits);
            return shares;
        }
        for (var i = 0; i < (codes?.Count ?? 0); i++)
        {
            if (!UnitId.TryParse(codes![i], out var unit))
            {
                errors.Add($"sharedWith[{i}]", CertificateErrors.NotASchoolUnit, i + 1);
            }
            else if (!shares.Contains(unit.Value))
            {
                shares.Add(unit.Value);
            }
        }
        return shares;
    }

    private static string? Personnummer(ValidationErrors errors, string path, string? value, DateOnly today, ErrorCode required)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(path, required);
            return null;
        }
        return Identifiers.Personnummer.Normalize(value, today, errors, path);
    }

    private static string? Text(ValidationErrors errors, string path, string? value, int maxLength, ErrorCode required) =>
        FreeText.Required(errors, path, value, maxLength, required, CertificateErrors.TooLong, multiLine: maxLength > MaxNameLength);

    private static string? Phone(ValidationErrors errors, string path, string? value)
    {
        var phone = value?.Trim();
        if (string.IsNullOrEmpty(phone))
        {
            errors.Add(path, CertificateErrors.CareUnitPhoneRequired);
            return null;
        }
        if (phone.Length > 30 || phone.Any(c => !(char.IsAsciiDigit(c) || c is ' ' or '-' or '+' or '(' or ')'))
            || phone.Count(char.IsAsciiDigit) < 5)
        {
            errors.Add(path, CertificateErrors.NotAPhoneNumber);
            return null;
        }
        return phone;
    }
}
