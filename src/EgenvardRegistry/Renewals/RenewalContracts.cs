using EgenvardRegistry.Certificates;
using EgenvardRegistry.Concerns;
using EgenvardRegistry.Infrastructure.Auth;

namespace EgenvardRegistry.Renewals;

// Request shapes: everything nullable, so a missing field becomes a field-level validation error.

/// <param name="DoneOn">The day the follow-up was done: not after today, not before the certificate was issued.</param>
/// <param name="Note">Optional, at most 2000 characters; line breaks and tabs but no other control characters.</param>
public sealed record FollowUpRequest(DateOnly? DoneOn, string? Note);

// Response shapes.

/// <summary>A follow-up as its reader sees it: guardians see the date and note, not which clinician recorded it.</summary>
public sealed record FollowUpResponse(Guid Id, Guid CertificateId, DateOnly DoneOn, string? Note, DateTimeOffset RecordedAt,
    StaffMember? RecordedBy)
{
    public static FollowUpResponse From(FollowUp followUp, Caller caller) => new(followUp.Id, followUp.CertificateId,
        followUp.DoneOn, followUp.Note, followUp.RecordedAt, caller.Role == Roles.Guardian ? null : followUp.RecordedBy);
}

/// <summary>
/// Enough of a certificate to know which child and measures are due: no personnummer and nothing about the guardians;
/// the certificate itself has the rest.
/// </summary>
public sealed record RenewalCertificate(
    Guid Id, string ChildName, IReadOnlyList<MeasureSummary> Measures, DateOnly ValidFrom, DateOnly ValidUntil, DateOnly FollowUpOn)
{
    public static RenewalCertificate From(Certificate certificate) => new(certificate.Id, certificate.ChildName,
        [.. certificate.Measures.Select(measure => new MeasureSummary(measure.Code, measure.Description))],
        certificate.ValidFrom, certificate.ValidUntil, certificate.FollowUpOn);
}

/// <param name="RemindersSent">The reminder e-mails already sent to the guardians, earliest threshold first.</param>
/// <param name="OpenConcerns">Concerns from schools on this certificate that wait for the care unit's answer.</param>
/// <param name="OpenRequests">Schools' open requests for a certificate for the same child.</param>
public sealed record RenewalItem(
    RenewalCertificate Certificate, int DaysLeft, IReadOnlyList<SentReminder> RemindersSent, int OpenConcerns, int OpenRequests,
    bool FollowUpOverdue)
{
    public static RenewalItem From(RenewalWorklistItem item) => new(RenewalCertificate.From(item.Certificate), item.DaysLeft,
        item.RemindersSent, item.OpenConcerns, item.OpenRequests, item.FollowUpOverdue);
}

/// <param name="NextOffset">The <c>offset</c> that fetches the next page; null on the last.</param>
public sealed record RenewalWorklistResponse(IReadOnlyList<RenewalItem> Items, int? NextOffset);
