using EgenvardRegistry.Concerns;

namespace EgenvardRegistry.Requests;

public static class RequestStatus
{
    public const string Open = "open";
    public const string Withdrawn = "withdrawn";
    public const string Fulfilled = "fulfilled";
    public const string Expired = "expired";

    public static readonly IReadOnlyList<string> All = [Open, Withdrawn, Fulfilled, Expired];
}

/// <summary>
/// A school unit's request for an egenvårdsintyg, sent to the child's guardians: the regional routine says a school always
/// asks health care for the certificate through the guardians when one is missing. It is open until a clinician issues a
/// certificate that answers it (fulfilled), the school withdraws it, or it lapses (expired).
/// </summary>
/// <param name="Status">As stored; <see cref="RequestRules.StatusToday"/> says whether an open one has lapsed since.</param>
/// <param name="ChildPersonnummer">For the clinician who answers it; never shown to the school, which gave it.</param>
/// <param name="SchoolUnitName">The unit's name from the school's sign-in, when it carried one.</param>
/// <param name="Recipients">How many guardians were e-mailed; who they are is never shown to the school.</param>
public sealed record CertificateRequest(
    Guid Id,
    string Reference,
    Guid ChildId,
    string ChildPersonnummer,
    string ChildName,
    string SchoolUnit,
    string? SchoolUnitName,
    IReadOnlyList<string> Measures,
    string? Message,
    string Status,
    DateTimeOffset CreatedAt,
    StaffMember CreatedBy,
    DateTimeOffset? ClosedAt,
    Guid? CertificateId,
    int Recipients);

/// <summary>A request validated and about to be recorded; <see cref="Guardians"/> empty means "the ones the registry knows".</summary>
public sealed record NewRequest(
    string ChildPersonnummer,
    string ChildName,
    IReadOnlyList<string> Measures,
    string? Message,
    IReadOnlyList<RequestRecipient> Guardians);

/// <summary>A guardian a request is e-mailed to.</summary>
public sealed record RequestRecipient(string Name, string Email);
