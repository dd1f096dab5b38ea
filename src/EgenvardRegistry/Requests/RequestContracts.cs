using EgenvardRegistry.Concerns;
using EgenvardRegistry.Infrastructure.Auth;

namespace EgenvardRegistry.Requests;

// Request shapes: everything nullable, so a missing field becomes a field-level validation error.

/// <param name="ChildName">The child's name as the school knows it; the e-mail names the child by first name.</param>
/// <param name="Measures">Measure codes the school has been told about; anything more goes in the message.</param>
/// <param name="Guardians">Whom to e-mail; leave out to e-mail the guardians the registry knows from an earlier certificate.</param>
public sealed record CreateRequestBody(
    string? Personnummer,
    string? ChildName,
    IReadOnlyList<string?>? Measures,
    string? Message,
    IReadOnlyList<RequestGuardianInput?>? Guardians);

public sealed record RequestGuardianInput(string? Name, string? Email);

/// <summary>The personnummer travels in the body, never in a URL.</summary>
public sealed record RequestSearchBody(string? Personnummer);

// Response shapes.

/// <summary>
/// A certificate request as its reader sees it. Nobody reads back whom it was e-mailed to (the school must not learn the
/// guardians the registry knows), only how many; a guardian sees no staff member's id or name.
/// </summary>
/// <param name="Status">Today's status: an open request past <paramref name="OpenUntil"/> reads as expired at once.</param>
/// <param name="DaysLeft">Whole days until it lapses while it is open (0 on its last day), else null.</param>
public sealed record CertificateRequestResponse(
    Guid Id,
    string Reference,
    string Status,
    string SchoolUnit,
    string? SchoolUnitName,
    string ChildName,
    IReadOnlyList<string> Measures,
    string? Message,
    DateTimeOffset CreatedAt,
    StaffMember? CreatedBy,
    int AgeInDays,
    DateOnly OpenUntil,
    int? DaysLeft,
    DateTimeOffset? ClosedAt,
    Guid? CertificateId,
    int NotifiedGuardians)
{
    public static CertificateRequestResponse From(CertificateRequest request, Caller caller, DateOnly today, int expireAfterDays)
    {
        var status = RequestRules.StatusToday(request.Status, request.CreatedAt, today, expireAfterDays);
        var openUntil = RequestRules.OpenUntil(request.CreatedAt, expireAfterDays);
        var lapsedUnrecorded = status == RequestStatus.Expired && request.Status == RequestStatus.Open;
        return new CertificateRequestResponse(
            request.Id,
            request.Reference,
            status,
            request.SchoolUnit,
            request.SchoolUnitName,
            request.ChildName,
            request.Measures,
            request.Message,
            request.CreatedAt,
            caller.Role == Roles.Guardian ? null : request.CreatedBy,
            RequestRules.AgeInDays(request.CreatedAt, today),
            openUntil,
            status == RequestStatus.Open ? openUntil.DayNumber - today.DayNumber : null,
            lapsedUnrecorded ? RequestRules.LapsesAt(request.CreatedAt, expireAfterDays) : request.ClosedAt,
            request.CertificateId,
            request.Recipients);
    }
}
