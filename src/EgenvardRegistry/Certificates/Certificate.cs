namespace EgenvardRegistry.Certificates;

public static class CertificateStatus
{
    public const string Active = "active";
    public const string Revoked = "revoked";
    public const string Replaced = "replaced";
}

/// <summary>A certificate as stored. <c>Expired</c> is never stored: it follows from <see cref="ValidUntil"/> and today.</summary>
public sealed record Certificate(
    Guid Id,
    Guid ChildId,
    string ChildPersonnummer,
    string ChildName,
    string Status,
    int Version,
    IReadOnlyList<CertificateGuardian> Guardians,
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
    public bool IsExpired(DateOnly today) => ValidUntil < today;

    public bool IsNotYetValid(DateOnly today) => today < ValidFrom;

    public bool Covers(string measureCode) => Measures.Any(measure => measure.Code == measureCode);

    /// <summary>Valid for a measure today ⇔ active ∧ validFrom ≤ today ≤ validUntil ∧ the measure is on it.</summary>
    public bool IsValidFor(string measureCode, DateOnly today) =>
        Status == CertificateStatus.Active && !IsNotYetValid(today) && !IsExpired(today) && Covers(measureCode);

    /// <summary>The ETag of this version; it changes with every state change.</summary>
    public string ETag => $"\"{Version}\"";
}

/// <summary>
/// What a clinician of another care unit sees of a certificate without stating a care relationship with the child:
/// which unit issued it, its state, dates and measures. Nothing about the guardians, and no instructions.
/// </summary>
public sealed record CertificateSummary(
    Guid Id,
    string Status,
    CareUnit CareUnit,
    DateOnly ValidFrom,
    DateOnly ValidUntil,
    DateOnly FollowUpOn,
    DateTimeOffset IssuedAt,
    IReadOnlyList<MeasureSummary> Measures,
    Guid? Replaces,
    Guid? ReplacedBy)
{
    public static CertificateSummary Of(Certificate certificate) => new(
        certificate.Id, certificate.Status, certificate.CareUnit, certificate.ValidFrom, certificate.ValidUntil,
        certificate.FollowUpOn, certificate.IssuedAt,
        certificate.Measures.Select(measure => new MeasureSummary(measure.Code, measure.Description)).ToList(),
        certificate.Replaces, certificate.ReplacedBy);

    public bool IsExpired(DateOnly today) => ValidUntil < today;
}

/// <summary>A measure's code and, for <c>other</c>, what it is.</summary>
public sealed record MeasureSummary(string Code, string? Description);

/// <summary>
/// A clinician's search for a child: <see cref="Certificates"/> in full (the caller's own care unit's, or every unit's
/// when a care relationship was stated) and <see cref="Summaries"/> of the other units' certificates; each newest first.
/// </summary>
public sealed record CertificateSearch(IReadOnlyList<Certificate> Certificates, IReadOnlyList<CertificateSummary> Summaries);

public sealed record Measure(
    string Code,
    string? Description,
    string Performer,
    string Instructions,
    string IfHarm,
    string IfChanged);

public sealed record CareUnit(string HsaId, string Name, string Phone);

public sealed record Issuer(string HsaId, string Name, string? Profession);

public sealed record CertificateGuardian(string Personnummer, string Name, string? Email);

public sealed record Revocation(string Reason, DateTimeOffset RevokedAt, string RevokedBy);

/// <summary>A validated, normalised certificate about to be issued.</summary>
public sealed record NewCertificate(
    string ChildPersonnummer,
    string ChildName,
    IReadOnlyList<CertificateGuardian> Guardians,
    IReadOnlyList<Measure> Measures,
    string InstructionGivenBy,
    DateOnly ValidFrom,
    DateOnly ValidUntil,
    DateOnly FollowUpOn,
    CareUnit CareUnit,
    IReadOnlyList<string> SharedWith);
