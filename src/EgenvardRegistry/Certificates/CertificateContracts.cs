using EgenvardRegistry.Infrastructure.Auth;

namespace EgenvardRegistry.Certificates;

// Request shapes: everything nullable, so a missing field becomes a field-level validation error rather than a
// JSON binding failure.

/// <param name="AnswersRequest">
/// Optional: the id of an open certificate request for the same child that this certificate answers. It is then shared
/// with the requesting school unit too (the guardian's wish, recorded) and the request becomes fulfilled.
/// </param>
public sealed record IssueCertificateRequest(
    PersonInput? Child,
    IReadOnlyList<GuardianInput?>? Guardians,
    IReadOnlyList<MeasureInput?>? Measures,
    string? InstructionGivenBy,
    DateOnly? ValidFrom,
    DateOnly? ValidUntil,
    DateOnly? FollowUpOn,
    CareUnitInput? CareUnit,
    IReadOnlyList<string?>? SharedWith,
    Guid? AnswersRequest = null);

/// <summary>
/// A renewal: new dates, and any part of the content that changes; what is left out is carried over from the
/// certificate being renewed. The child cannot change.
/// </summary>
public sealed record RenewCertificateRequest(
    DateOnly? ValidFrom,
    DateOnly? ValidUntil,
    DateOnly? FollowUpOn,
    IReadOnlyList<GuardianInput?>? Guardians,
    IReadOnlyList<MeasureInput?>? Measures,
    string? InstructionGivenBy,
    CareUnitInput? CareUnit,
    IReadOnlyList<string?>? SharedWith)
{
    public IssueCertificateRequest MergeInto(Certificate old) => new(
        new PersonInput(old.ChildPersonnummer, old.ChildName),
        Guardians ?? old.Guardians.Select(g => (GuardianInput?)new GuardianInput(g.Personnummer, g.Name, g.Email)).ToList(),
        Measures ?? old.Measures.Select(m => (MeasureInput?)new MeasureInput(
            m.Code, m.Description, m.Performer, m.Instructions, m.IfHarm, m.IfChanged)).ToList(),
        InstructionGivenBy ?? old.InstructionGivenBy,
        ValidFrom,
        ValidUntil,
        FollowUpOn,
        CareUnit ?? new CareUnitInput(old.CareUnit.HsaId, old.CareUnit.Name, old.CareUnit.Phone),
        SharedWith ?? old.SharedWith.Select(unit => (string?)unit).ToList());
}

public sealed record RevocationRequest(string? Reason);

/// <param name="CareRelationship">
/// Optional: the clinician's care relationship with the child (why they need other care units' certificates), at most
/// 500 characters. Stated, every certificate comes in full and the statement is audited; left out, other care units'
/// certificates come only as summaries.
/// </param>
public sealed record SearchRequest(string? Personnummer, string? CareRelationship);

public sealed record PersonInput(string? Personnummer, string? Name);

public sealed record GuardianInput(string? Personnummer, string? Name, string? Email);

public sealed record MeasureInput(
    string? Code,
    string? Description,
    string? Performer,
    string? Instructions,
    string? IfHarm,
    string? IfChanged);

public sealed record CareUnitInput(string? HsaId, string? Name, string? Phone);

// Response shapes.

public sealed record CertificateResponse(
    Guid Id,
    string Status,
    int Version,
    bool Expired,
    PersonView Child,
    IReadOnlyList<GuardianView> Guardians,
    IReadOnlyList<Measure> Measures,
    string InstructionGivenBy,
    DateOnly ValidFrom,
    DateOnly ValidUntil,
    DateOnly FollowUpOn,
    CareUnit CareUnit,
    IReadOnlyList<string> SharedWith,
    DateTimeOffset IssuedAt,
    Issuer IssuedBy,
    Guid? Replaces,
    Guid? ReplacedBy,
    Revocation? Revocation)
{
    public static CertificateResponse From(Certificate certificate, DateOnly today, Caller caller) => new(
        certificate.Id,
        certificate.Status,
        certificate.Version,
        certificate.IsExpired(today),
        new PersonView(certificate.ChildPersonnummer, certificate.ChildName),
        certificate.Guardians.Select(guardian => GuardianView.For(guardian, caller)).ToList(),
        certificate.Measures,
        certificate.InstructionGivenBy,
        certificate.ValidFrom,
        certificate.ValidUntil,
        certificate.FollowUpOn,
        certificate.CareUnit,
        certificate.SharedWith,
        certificate.IssuedAt,
        certificate.IssuedBy,
        certificate.Replaces,
        certificate.ReplacedBy,
        certificate.Revocation);
}

public sealed record PersonView(string Personnummer, string Name);

/// <summary>
/// Schools see who the guardians are, not their personnummer or e-mail: they do not need them. A guardian sees their
/// own details and the other guardians' names only (guardians who have separated need not learn each other's address).
/// </summary>
public sealed record GuardianView(string? Personnummer, string Name, string? Email)
{
    public static GuardianView For(CertificateGuardian guardian, Caller caller) => caller.Role switch
    {
        Roles.School => NameOnly(guardian),
        Roles.Guardian when guardian.Personnummer != caller.Personnummer => NameOnly(guardian),
        _ => new GuardianView(guardian.Personnummer, guardian.Name, guardian.Email),
    };

    private static GuardianView NameOnly(CertificateGuardian guardian) => new(null, guardian.Name, null);
}

/// <summary>
/// A search: <c>items</c> in full (the caller's care unit's certificates, or every unit's when a care relationship was
/// stated) and <c>summaries</c> of other care units' certificates; each newest first.
/// </summary>
public sealed record SearchResponse(IReadOnlyList<CertificateResponse> Items, IReadOnlyList<CertificateSummaryResponse> Summaries);

/// <summary>Another care unit's certificate as a summary: unit, status, dates and measures; no guardians, no instructions.</summary>
public sealed record CertificateSummaryResponse(
    Guid Id,
    string Status,
    bool Expired,
    CareUnit CareUnit,
    DateOnly ValidFrom,
    DateOnly ValidUntil,
    DateOnly FollowUpOn,
    DateTimeOffset IssuedAt,
    IReadOnlyList<MeasureSummary> Measures,
    Guid? Replaces,
    Guid? ReplacedBy)
{
    public static CertificateSummaryResponse From(CertificateSummary summary, DateOnly today) => new(
        summary.Id, summary.Status, summary.IsExpired(today), summary.CareUnit, summary.ValidFrom, summary.ValidUntil,
        summary.FollowUpOn, summary.IssuedAt, summary.Measures, summary.Replaces, summary.ReplacedBy);
}

/// <summary>A list response; paging fields can be added without breaking callers.</summary>
public sealed record ItemsResponse<T>(IReadOnlyList<T> Items);
