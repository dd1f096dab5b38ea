using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure.Auth;

namespace EgenvardRegistry.Concerns;

// Request shapes: everything nullable, so a missing field becomes a field-level validation error.

public sealed record ReportConcernRequest(string? Category, string? Description, bool? GuardiansInformed);

public sealed record AnswerConcernRequest(string? Text, DateOnly? ReassessmentOn);

// Response shapes.

/// <summary>A concern as its reader sees it. Guardians see what was reported and answered, never which staff member.</summary>
public sealed record ConcernResponse(
    Guid Id,
    Guid CertificateId,
    string SchoolUnit,
    string Category,
    bool Urgent,
    string Description,
    bool GuardiansInformed,
    string Status,
    DateTimeOffset ReportedAt,
    StaffMember? ReportedBy,
    ConcernAnswerResponse? Answer,
    FollowingChange? FollowedBy)
{
    public static ConcernResponse From(Concern concern, Caller caller)
    {
        var staffVisible = caller.Role != Roles.Guardian;
        return new ConcernResponse(
            concern.Id,
            concern.CertificateId,
            concern.SchoolUnit,
            concern.Category,
            concern.Urgent,
            concern.Description,
            concern.GuardiansInformed,
            concern.Status,
            concern.ReportedAt,
            staffVisible ? concern.ReportedBy : null,
            concern.Answer is { } answer
                ? new ConcernAnswerResponse(answer.Text, answer.ReassessmentOn, answer.AnsweredAt, staffVisible ? answer.AnsweredBy : null)
                : null,
            concern.FollowedBy);
    }
}

/// <param name="ReassessmentOn">"Ny bedömning bokad": the date of the booked re-assessment, or null.</param>
public sealed record ConcernAnswerResponse(string Text, DateOnly? ReassessmentOn, DateTimeOffset AnsweredAt, StaffMember? AnsweredBy);

/// <summary>One line of the care unit's worklist: the concern, the certificate it is about, and how many days it has waited.</summary>
public sealed record CareUnitConcern(ConcernResponse Concern, ConcernCertificate Certificate, int AgeInDays);

/// <summary>Enough of the certificate to know which child and measures a concern is about; the certificate itself has the rest.</summary>
public sealed record ConcernCertificate(
    Guid Id, string ChildName, string Status, bool Expired, DateOnly ValidUntil, IReadOnlyList<string> Measures)
{
    public static ConcernCertificate From(Certificate certificate, DateOnly today) => new(
        certificate.Id, certificate.ChildName, certificate.Status, certificate.IsExpired(today), certificate.ValidUntil,
        certificate.Measures.Select(measure => measure.Code).ToList());
}
