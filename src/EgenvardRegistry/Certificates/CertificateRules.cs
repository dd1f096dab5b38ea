using EgenvardRegistry.Identifiers;
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
    public const int MaxNameLength = 200;
    public const int MaxTextLength = 2000;

    public static (NewCertificate? Certificate, ValidationErrors Errors) Validate(IssueCertificateRequest request, DateOnly today)
    {
        var errors = new ValidationErrors();

        var childPnr = Personnummer(errors, "child.personnummer", request.Child?.Personnummer, today);
        var childName = Text(errors, "child.name", request.Child?.Name, MaxNameLength);

        var guardians = new List<CertificateGuardian>();
        if (request.Guardians is null || request.Guardians.Count == 0)
        {
            errors.Add("guardians", "At least one guardian is required.");
        }
        else if (request.Guardians.Count > MaxGuardians)
        {
            errors.Add("guardians", $"At most {MaxGuardians} guardians.");
        }
        else
        {
            for (var i = 0; i < request.Guardians.Count; i++)
            {
                var guardian = request.Guardians[i];
                var path = $"guardians[{i}]";
                if (guardian is null)
                {
                    errors.Add(path, "A guardian is required here.");
                    continue;
                }
                var pnr = Personnummer(errors, $"{path}.personnummer", guardian.Personnummer, today);
                var name = Text(errors, $"{path}.name", guardian.Name, MaxNameLength);
                var email = Email(errors, $"{path}.email", guardian.Email);
                if (pnr is not null && pnr == childPnr)
                {
                    errors.Add($"{path}.personnummer", "A guardian cannot be the child.");
                }
                else if (pnr is not null && guardians.Any(other => other.Personnummer == pnr))
                {
                    errors.Add($"{path}.personnummer", "The same guardian is listed twice.");
                }
                if (pnr is not null && name is not null)
                {
                    guardians.Add(new CertificateGuardian(pnr, name, email));
                }
            }
        }

        var measures = Measures(errors, request.Measures);
        var instructionGivenBy = Text(errors, "instructionGivenBy", request.InstructionGivenBy, MaxTextLength);
        Dates(errors, request, today);

        CareUnit? careUnit = null;
        if (request.CareUnit is null)
        {
            errors.Add("careUnit", "The care unit (the school's contact when the egenvård does not work) is required.");
        }
        else
        {
            var hsaId = request.CareUnit.HsaId?.Trim();
            if (string.IsNullOrEmpty(hsaId))
            {
                errors.Add("careUnit.hsaId", "Required.");
            }
            else if (!HsaId.IsValid(hsaId))
            {
                errors.Add("careUnit.hsaId", "Not a valid HSA-id (SE + 10 digits + '-' + letters or digits).");
            }
            var name = Text(errors, "careUnit.name", request.CareUnit.Name, MaxNameLength);
            var phone = Phone(errors, "careUnit.phone", request.CareUnit.Phone);
            if (hsaId is not null && HsaId.IsValid(hsaId) && name is not null && phone is not null)
            {
                careUnit = new CareUnit(hsaId, name, phone);
            }
        }

        var shares = new List<string>();
        if (request.SharedWith is { Count: > MaxSharedWith })
        {
            errors.Add("sharedWith", $"At most {MaxSharedWith} school units.");
        }
        else if (request.SharedWith is not null)
        {
            for (var i = 0; i < request.SharedWith.Count; i++)
            {
                var code = request.SharedWith[i]?.Trim();
                if (!SchoolUnitCode.IsValid(code))
                {
                    errors.Add($"sharedWith[{i}]", "Not a school unit code (8 digits).");
                }
                else if (!shares.Contains(code!))
                {
                    shares.Add(code!);
                }
            }
        }

        if (errors.Any)
        {
            return (null, errors);
        }
        return (new NewCertificate(
            childPnr!, childName!, guardians, measures, instructionGivenBy!,
            request.ValidFrom!.Value, request.ValidUntil!.Value, request.FollowUpOn!.Value, careUnit!, shares), errors);
    }

    private static List<Measure> Measures(ValidationErrors errors, IReadOnlyList<MeasureInput?>? inputs)
    {
        var measures = new List<Measure>();
        if (inputs is null || inputs.Count == 0)
        {
            errors.Add("measures", "At least one measure is required.");
            return measures;
        }
        if (inputs.Count > MaxMeasures)
        {
            errors.Add("measures", $"At most {MaxMeasures} measures.");
            return measures;
        }
        for (var i = 0; i < inputs.Count; i++)
        {
            var input = inputs[i];
            var path = $"measures[{i}]";
            if (input is null)
            {
                errors.Add(path, "A measure is required here.");
                continue;
            }
            var code = input.Code?.Trim();
            string? description = null;
            if (string.IsNullOrEmpty(code))
            {
                errors.Add($"{path}.code", "Required.");
            }
            else if (!MeasureCatalogue.IsKnown(code))
            {
                errors.Add($"{path}.code", $"Unknown measure; one of {string.Join(", ", MeasureCatalogue.Swedish.Keys)}.");
            }
            else if (code == MeasureCatalogue.Other)
            {
                description = Text(errors, $"{path}.description", input.Description, MaxNameLength,
                    "Describe the measure when the code is 'other'.");
            }
            else if (measures.Any(measure => measure.Code == code))
            {
                errors.Add($"{path}.code", "The same measure is listed twice.");
            }
            else if (!string.IsNullOrWhiteSpace(input.Description))
            {
                description = Text(errors, $"{path}.description", input.Description, MaxNameLength);
            }
            var performer = input.Performer?.Trim();
            if (!Performers.IsKnown(performer))
            {
                errors.Add($"{path}.performer", $"Who performs the measure: one of {string.Join(", ", Performers.Swedish.Keys)}.");
            }
            var instructions = Text(errors, $"{path}.instructions", input.Instructions, MaxTextLength);
            var ifHarm = Text(errors, $"{path}.ifHarm", input.IfHarm, MaxTextLength,
                "Say what to do, and whom to contact, if harm or risk of harm occurs.");
            var ifChanged = Text(errors, $"{path}.ifChanged", input.IfChanged, MaxTextLength,
                "Say what to do, and whom to contact, if the situation changes.");
            if (MeasureCatalogue.IsKnown(code) && Performers.IsKnown(performer)
                && instructions is not null && ifHarm is not null && ifChanged is not null)
            {
                measures.Add(new Measure(code!, description, performer!, instructions, ifHarm, ifChanged));
            }
        }
        return measures;
    }

    private static void Dates(ValidationErrors errors, IssueCertificateRequest request, DateOnly today)
    {
        if (request.ValidFrom is null)
        {
            errors.Add("validFrom", "Required.");
        }
        if (request.ValidUntil is null)
        {
            errors.Add("validUntil", "Required: when the assessment is reconsidered.");
        }
        if (request.FollowUpOn is null)
        {
            errors.Add("followUpOn", "Required: when follow-up happens.");
        }
        if (request is not { ValidFrom: { } from, ValidUntil: { } until })
        {
            return;
        }
        if (until < from)
        {
            errors.Add("validUntil", "Must not be before validFrom.");
        }
        else if (until > from.AddMonths(MaxValidityMonths))
        {
            errors.Add("validUntil", $"At most {MaxValidityMonths} months after validFrom.");
        }
        else if (until < today)
        {
            errors.Add("validUntil", "The certificate would already have expired.");
        }
        if (request.FollowUpOn is { } followUp && until >= from && (followUp < from || followUp > until))
        {
            errors.Add("followUpOn", "Must fall within the validity period (validFrom to validUntil).");
        }
    }

    private static string? Personnummer(ValidationErrors errors, string path, string? value, DateOnly today)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(path, "Required.");
            return null;
        }
        if (!Identifiers.Personnummer.TryNormalize(value, today, out var normalized))
        {
            // The message never repeats the value: it is a personnummer.
            errors.Add(path, "Not a valid personnummer or samordningsnummer.");
            return null;
        }
        return normalized;
    }

    private static string? Text(ValidationErrors errors, string path, string? value, int maxLength, string? requiredMessage = null)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            errors.Add(path, requiredMessage ?? "Required.");
            return null;
        }
        if (text.Length > maxLength)
        {
            errors.Add(path, $"At most {maxLength} characters.");
            return null;
        }
        return text;
    }

    private static string? Email(ValidationErrors errors, string path, string? value)
    {
        var email = value?.Trim();
        if (string.IsNullOrEmpty(email))
        {
            return null;
        }
        if (!IsValidEmail(email))
        {
            errors.Add(path, "Not a valid e-mail address.");
            return null;
        }
        return email;
    }

    /// <summary>A plain address (no display name) with a dotted domain, at most 254 characters.</summary>
    public static bool IsValidEmail(string email) =>
        email.Length <= 254 && !email.Any(char.IsWhiteSpace)
        && MailAddresses.TryParseAddress(email, out var address) && address.Domain.Contains('.', StringComparison.Ordinal);

    private static string? Phone(ValidationErrors errors, string path, string? value)
    {
        var phone = value?.Trim();
        if (string.IsNullOrEmpty(phone))
        {
            errors.Add(path, "Required: the school calls this number when the egenvård does not work.");
            return null;
        }
        if (phone.Length > 30 || phone.Any(c => !(char.IsAsciiDigit(c) || c is ' ' or '-' or '+' or '(' or ')'))
            || phone.Count(char.IsAsciiDigit) < 5)
        {
            errors.Add(path, "Not a phone number (digits, spaces, '-', '+', parentheses).");
            return null;
        }
        return phone;
    }
}

/// <summary>Validation errors keyed by JSON path, as in RFC 9457 <c>errors</c>.</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = [];

    public bool Any => _errors.Count > 0;

    public void Add(string path, string message)
    {
        if (!_errors.TryGetValue(path, out var messages))
        {
            _errors[path] = messages = [];
        }
        messages.Add(message);
    }

    public Dictionary<string, string[]> ToDictionary() =>
        _errors.ToDictionary(entry => entry.Key, entry => entry.Value.ToArray());
}
