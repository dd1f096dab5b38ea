using EgenvardRegistry.Infrastructure.Auth;

namespace EgenvardRegistry.Certificates;

// Request shapes: everything nullable, so a missing field becomes a field-level validation error rather than a
// JSON binding failure.

public sealed record IssueCertificateRequest(
    PersonInput? Child,
    IReadOnlyList<GuardianInput?>? Guardians,
    IReadOnlyList<MeasureInput?>? Measures,
    string? InstructionGivenBy,
    DateOnly? ValidFrom,
    DateOnly? ValidUntil,
    DateOnly? FollowUpOn,
    CareUnitInput? CareUnit,
    IReadOnlyList<string?>? SharedWith);

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

public sealed record SearchRequest(string? Personnummer);

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

/// <summary>Schools see who the guardians are, not their personnummer or e-mail: they do not need them.</summary>
public sealed record GuardianView(string? Personnummer, string Name, string? Email)
{
    public static GuardianView For(CertificateGuardian guardian, Caller caller) => caller.Role == Roles.School
        ? new GuardianView(null, guardian.Name, null)
        : new GuardianView(guardian.Personnummer, guardian.Name, guardian.Email);
}

/// <summary>A list response; paging fields can be added without breaking callers.</summary>
public sealed record ItemsResponse<T>(IReadOnlyList<T> Items);
