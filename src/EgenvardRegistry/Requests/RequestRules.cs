using System.Security.Cryptography;
using System.Text.RegularExpressions;
using EgenvardRegistry.Certificates;
using EgenvardRegistry.Concerns;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Mail;

namespace EgenvardRegistry.Requests;

/// <summary>What <see cref="RequestRules"/> can find wrong with a certificate request.</summary>
public static class RequestErrors
{
    public static readonly ErrorCode ChildNameRequired =
        new("request.child-name.required", "Required: the child's name (the e-mail to the guardians names the child by first name).");

    public static readonly ErrorCode MeasuresRequired =
        new("request.measures.required", "At least one measure code: what the school has been told the child needs.");

    public static readonly ErrorCode TooManyMeasures =
        new("request.measures.too-many", $"At most {RequestRules.MaxMeasures} measures.");

    public static readonly ErrorCode MessageWithPersonnummer =
        new("request.message.personnummer", "Must not contain a personal identity number: the message is e-mailed to the guardians.");

    public static readonly ErrorCode GuardianEmailRequired =
        new("request.guardian.email.required", "Required: the address the request is e-mailed to.");

    public static readonly ErrorCode GuardianEmailTwice = new("request.guardian.email.twice", "The same address is given twice.");

    public static readonly ErrorCode GuardiansUnknown = new("request.guardians.unknown",
        "The registry knows no guardian with an e-mail address for this child: give the guardians' names and e-mail addresses.");

    public static readonly ErrorCode StatusUnknown = new("request.status.unknown", $"One of {string.Join(", ", RequestStatus.All)}.");

    public static readonly ErrorCode AnswersUnknownRequest =
        new("request.answered.unknown", "There is no certificate request with this id.");

    public static readonly ErrorCode AnswersClosedRequest =
        new("request.answered.closed", "The request is no longer open (answered, withdrawn or lapsed); nothing was issued.");

    public static readonly ErrorCode AnswersOtherChild =
        new("request.answered.other-child", "The request is about another child; nothing was issued.");
}

/// <summary>
/// Checks and normalises a school's certificate request, makes its reference, and decides when an open request lapses.
/// No I/O. A request lapses after <see cref="RequestOptions.ExpireAfterDays"/> whole days, counted in Stockholm dates
/// from the day it was made: made on 23 November with 60 days, it is open through 22 January and expired from 23 January.
/// </summary>
public static partial class RequestRules
{
    public const int MaxMeasures = 11;
    public const int MaxMessageLength = 500;
    public const int MaxGuardians = CertificateRules.MaxGuardians;
    public const int MaxNameLength = CertificateRules.MaxNameLength;

    /// <summary>The school page marks a request this many days or fewer before it lapses ("Upphör om N dagar").</summary>
    public const int LapsingSoonDays = 14;

    // No 0/O or 1/I: a reference is read aloud over the phone and typed from paper.
    private const string ReferenceAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

    public static NewRequest? Validate(CreateRequestBody request, DateOnly today, ValidationErrors errors)
    {
        var personnummer = Identifiers.Personnummer.Normalize(request.Personnummer, today, errors, "personnummer");
        var childName = Name(errors, "childName", request.ChildName, RequestErrors.ChildNameRequired);
        var measures = Measures(errors, request.Measures);
        var message = Message(errors, request.Message, today);
        var guardians = Guardians(errors, request.Guardians);
        return errors.Any ? null : new NewRequest(personnummer!, childName!, measures, message, guardians);
    }

    /// <summary>The status filter of a school's list: open when none is given.</summary>
    public static string? Status(string? value, ValidationErrors errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            return RequestStatus.Open;
        }
        if (!RequestStatus.All.Contains(value))
        {
            errors.Add("status", RequestErrors.StatusUnknown);
            return null;
        }
        return value;
    }

    /// <summary>A short reference the guardian shows the care unit, e.g. <c>BEG-7K3M-Q2</c>.</summary>
    public static string NewReference()
    {
        var characters = RandomNumberGenerator.GetItems<char>(ReferenceAlphabet, 6);
        return $"BEG-{new string(characters, 0, 4)}-{new string(characters, 4, 2)}";
    }

    public static DateOnly CreatedOn(DateTimeOffset createdAt) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(createdAt, StockholmTime.Zone).DateTime);

    /// <summary>The last day an open request is open.</summary>
    public static DateOnly OpenUntil(DateTimeOffset createdAt, int expireAfterDays) => CreatedOn(createdAt).AddDays(expireAfterDays);

    /// <summary>The status today: an open request past <see cref="OpenUntil"/> has lapsed, whether or not the job has recorded it yet.</summary>
    public static string StatusToday(string status, DateTimeOffset createdAt, DateOnly today, int expireAfterDays) =>
        status == RequestStatus.Open && today > OpenUntil(createdAt, expireAfterDays) ? RequestStatus.Expired : status;

    /// <summary>
    /// The instant from which a request made then is still open today: Stockholm midnight starting the day
    /// <paramref name="expireAfterDays"/> days ago. SQL compares <c>created_at</c> with it, so reads agree with <see cref="StatusToday"/>.
    /// </summary>
    public static DateTimeOffset OpenSince(DateOnly today, int expireAfterDays) => StockholmMidnight(today.AddDays(-expireAfterDays));

    /// <summary>When an open request lapses: the Stockholm midnight after its last open day.</summary>
    public static DateTimeOffset LapsesAt(DateTimeOffset createdAt, int expireAfterDays) =>
        StockholmMidnight(OpenUntil(createdAt, expireAfterDays).AddDays(1));

    public static int AgeInDays(DateTimeOffset createdAt, DateOnly today) => today.DayNumber - CreatedOn(createdAt).DayNumber;

    private static DateTimeOffset StockholmMidnight(DateOnly date)
    {
        var local = date.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, StockholmTime.Zone.GetUtcOffset(local)).ToUniversalTime();
    }

    private static List<string> Measures(ValidationErrors errors, IReadOnlyList<string?>? codes)
    {
        var measures = new List<string>();
        if (codes is null || codes.Count == 0)
        {
            errors.Add("measures", RequestErrors.MeasuresRequired);
            return measures;
        }
        if (codes.Count > MaxMeasures)
        {
            errors.Add("measures", RequestErrors.TooManyMeasures);
            return measures;
        }
        for (var i = 0; i < codes.Count; i++)
        {
            var code = codes[i]?.Trim();
            if (!MeasureCatalogue.IsKnown(code))
            {
                errors.Add($"measures[{i}]", MeasureCatalogue.Unknown);
            }
            else if (measures.Contains(code!))
            {
                errors.Add($"measures[{i}]", CertificateErrors.MeasureTwice);
            }
            else
            {
                measures.Add(code!);
            }
        }
        return measures;
    }

    private static string? Message(ValidationErrors errors, string? value, DateOnly today)
    {
        // Optional; line breaks and tabs as in a concern's text, and nothing else that is not text.
        var problem = FreeText.Check(value, MaxMessageLength, multiLine: true, out var message);
        FreeText.Report(errors, "message", problem, MaxMessageLength, CertificateErrors.TooLong, multiLine: true);
        if (problem != TextProblem.None)
        {
            return null;
        }
        // The message goes out by e-mail, where a personnummer must never appear.
        if (PersonnummerShape().Matches(message).Any(match => Identifiers.Personnummer.TryNormalize(match.Value, today, out _)))
        {
            errors.Add("message", RequestErrors.MessageWithPersonnummer);
            return null;
        }
        return message;
    }

    private static List<RequestRecipient> Guardians(ValidationErrors errors, IReadOnlyList<RequestGuardianInput?>? inputs)
    {
        var guardians = new List<RequestRecipient>();
        if (inputs is null || inputs.Count == 0)
        {
            return guardians;
        }
        if (inputs.Count > MaxGuardians)
        {
            errors.Add("guardians", CertificateErrors.TooManyGuardians);
            return guardians;
        }
        for (var i = 0; i < inputs.Count; i++)
        {
            var path = $"guardians[{i}]";
            if (inputs[i] is not { } input)
            {
                errors.Add(path, CertificateErrors.GuardianMissing);
                continue;
            }
            var name = Name(errors, $"{path}.name", input.Name, CertificateErrors.GuardianNameRequired);
            string? email = null;
            if (string.IsNullOrWhiteSpace(input.Email))
            {
                errors.Add($"{path}.email", RequestErrors.GuardianEmailRequired);
            }
            else if (MailAddresses.NormalizeEmail(input.Email, errors, $"{path}.email") is { } normalized)
            {
                if (guardians.Any(other => string.Equals(other.Email, normalized, StringComparison.OrdinalIgnoreCase)))
                {
                    errors.Add($"{path}.email", RequestErrors.GuardianEmailTwice);
                }
                else
                {
                    email = normalized;
                }
            }
            if (name is not null && email is not null)
            {
                guardians.Add(new RequestRecipient(name, email));
            }
        }
        return guardians;
    }

    /// <summary>A name: one line, trimmed, NFC, at most <see cref="MaxNameLength"/> characters, no control characters.</summary>
    private static string? Name(ValidationErrors errors, string field, string? value, ErrorCode required) =>
        FreeText.Required(errors, field, value, MaxNameLength, required, CertificateErrors.TooLong);

    /// <summary>Ten or twelve digits, with or without a separator before the last four: a personnummer's shapes.</summary>
    [GeneratedRegex(@"(?<!\d)(?:\d{8}|\d{6})[-+]?\d{4}(?!\d)")]
    private static partial Regex PersonnummerShape();
}
