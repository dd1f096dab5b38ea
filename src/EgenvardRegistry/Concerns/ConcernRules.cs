using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure;

namespace EgenvardRegistry.Concerns;

/// <summary>What <see cref="ConcernRules"/> can find wrong with a concern, an answer or a worklist query.</summary>
public static class ConcernErrors
{
    public static readonly ErrorCode CategoryRequired =
        new("concern.category.required", $"Required: one of {string.Join(", ", ConcernCategories.Swedish.Keys)}.");
    public static readonly ErrorCode CategoryUnknown =
        new("concern.category.unknown", $"Unknown category; one of {string.Join(", ", ConcernCategories.Swedish.Keys)}.");
    public static readonly ErrorCode DescriptionRequired = new("concern.description.required", "Required: what happened.");
    public static readonly ErrorCode GuardiansInformedRequired =
        new("concern.guardians-informed.required", "Required: true or false, whether the guardians were told.");


    public static readonly ErrorCode AnswerTextRequired = new("concern.answer.text.required", "Required: the care unit's answer.");
    public static readonly ErrorCode ReassessmentPassed = new("concern.reassessment-on.passed", "Must not be before today.");
    public static readonly ErrorCode ReassessmentTooLate =
        new("concern.reassessment-on.too-late", $"At most {ConcernRules.MaxReassessmentMonths} months from today.");

    public static readonly ErrorCode StatusUnknown = new("concern.status.unknown", $"One of {string.Join(", ", ConcernStatus.All)}.");
}

/// <summary>
/// Checks a school's concern and a clinician's answer and normalises them; decides what followed a concern. Free text
/// needs no personnummer and may hold line breaks, but no other control characters (PostgreSQL refuses NUL in text,
/// and a page or log should never be handed one).
/// </summary>
public static class ConcernRules
{
    public const int MaxTextLength = 2000;
    public const int MaxReassessmentMonths = CertificateRules.MaxValidityMonths;

    public static NewConcern? Validate(ReportConcernRequest request, ValidationErrors errors)
    {
        var category = request.Category?.Trim();
        if (string.IsNullOrEmpty(category))
        {
            errors.Add("category", ConcernErrors.CategoryRequired);
        }
        else if (!ConcernCategories.IsKnown(category))
        {
            errors.Add("category", ConcernErrors.CategoryUnknown);
        }
        var description = Text(errors, "description", request.Description, ConcernErrors.DescriptionRequired);
        if (request.GuardiansInformed is null)
        {
            errors.Add("guardiansInformed", ConcernErrors.GuardiansInformedRequired);
        }
        return ConcernCategories.IsKnown(category) && description is not null && request.GuardiansInformed is { } informed
            ? new NewConcern(category!, description, informed)
            : null;
    }

    public static NewAnswer? Validate(AnswerConcernRequest request, DateOnly today, ValidationErrors errors)
    {
        var text = Text(errors, "text", request.Text, ConcernErrors.AnswerTextRequired);
        if (request.ReassessmentOn is { } date && date < today)
        {
            errors.Add("reassessmentOn", ConcernErrors.ReassessmentPassed);
        }
        else if (request.ReassessmentOn > today.AddMonths(MaxReassessmentMonths))
        {
            errors.Add("reassessmentOn", ConcernErrors.ReassessmentTooLate);
        }
        return text is not null && !errors.Any ? new NewAnswer(text, request.ReassessmentOn) : null;
    }

    /// <summary>The status filter of a worklist query: open when none is given.</summary>
    public static string? Status(string? value, ValidationErrors errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            return ConcernStatus.Open;
        }
        if (!ConcernStatus.All.Contains(value))
        {
            errors.Add("status", ConcernErrors.StatusUnknown);
            return null;
        }
        return value;
    }

    /// <summary>
    /// The certificate's renewal or revocation, if it came after the concern was reported. A replaced certificate's
    /// renewal is the one certificate that names it in <c>replaces</c>; a revoked one was revoked at most once.
    /// </summary>
    public static FollowingChange? FollowedBy(DateTimeOffset reportedAt, string certificateStatus, Guid certificateId,
        DateTimeOffset? revokedAt, Guid? renewalId, DateTimeOffset? renewedAt) => certificateStatus switch
        {
            CertificateStatus.Replaced when renewalId is { } renewal && renewedAt is { } at && at >= reportedAt =>
                new FollowingChange(FollowingChanges.Renewed, renewal, at),
            CertificateStatus.Revoked when revokedAt is { } at && at >= reportedAt =>
                new FollowingChange(FollowingChanges.Revoked, certificateId, at),
            _ => null,
        };

    /// <summary>Whole days since the concern was reported, counted in Stockholm dates (reported today is 0).</summary>
    public static int AgeInDays(DateTimeOffset reportedAt, DateOnly today) =>
        today.DayNumber - DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(reportedAt, StockholmTime.Zone).DateTime).DayNumber;

    /// <summary>Trimmed, line breaks as <c>\n</c>, NFC; null after reporting what is wrong.</summary>
    public static string? Text(ValidationErrors errors, string field, string? value, ErrorCode required) =>
        FreeText.Required(errors, field, value, MaxTextLength, required, CertificateErrors.TooLong, multiLine: true);
}
