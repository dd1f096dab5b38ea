using EgenvardRegistry.Certificates;
using EgenvardRegistry.Concerns;

namespace EgenvardRegistry.Renewals;

/// <summary>
/// A clinician's record that the planned follow-up of a certificate was done (<i>uppföljning gjord</i>): on which date,
/// with an optional note, recorded by whom. It belongs to the certificate it was recorded on and is never changed.
/// </summary>
public sealed record FollowUp(Guid Id, Guid CertificateId, DateOnly DoneOn, string? Note, DateTimeOffset RecordedAt, StaffMember RecordedBy);

/// <summary>A validated follow-up about to be recorded; its date is checked against the certificate's issue date by the store.</summary>
public sealed record NewFollowUp(DateOnly DoneOn, string? Note);

/// <summary>
/// Reminder e-mails sent to a certificate's guardians at one threshold: <see cref="DaysBefore"/> days before
/// <c>validUntil</c>, first sent at <see cref="SentAt"/>, to <see cref="Recipients"/> guardians.
/// </summary>
public sealed record SentReminder(int DaysBefore, DateTimeOffset SentAt, int Recipients);

/// <summary>One line of the care unit's renewal worklist.</summary>
/// <param name="DaysLeft">Days from today (Stockholm) to <c>validUntil</c>; 0 on the last valid day.</param>
/// <param name="OpenConcerns">Concerns schools have raised on the certificate that await the care unit's answer.</param>
/// <param name="OpenRequests">Schools' open requests for a certificate for the same child (one may ask for another measure).</param>
/// <param name="FollowUpOverdue">
/// <c>followUpOn</c> is before today and no follow-up has been recorded on the certificate.
/// </param>
public sealed record RenewalWorklistItem(
    Certificate Certificate, int DaysLeft, IReadOnlyList<SentReminder> RemindersSent, int OpenConcerns, int OpenRequests,
    bool FollowUpOverdue);

/// <summary>A page of the worklist; <see cref="NextOffset"/> is the <c>offset</c> of the next page, null on the last.</summary>
public sealed record RenewalWorklist(IReadOnlyList<RenewalWorklistItem> Items, int? NextOffset);

/// <summary>A validated worklist query.</summary>
public sealed record RenewalQuery(int WithinDays, int Limit, int Offset);

public enum FollowUpOutcome
{
    Done,
    NotFound,
    Conflict,
    Invalid,
}

/// <summary>How recording a follow-up ended: <see cref="FollowUp"/> when recorded, <see cref="Errors"/> when its date was refused.</summary>
public sealed record FollowUpResult(FollowUpOutcome Outcome, FollowUp? FollowUp = null, Infrastructure.ValidationErrors? Errors = null);
