namespace EgenvardRegistry.Concerns;

/// <summary>What kind of trouble a school reports, with the Swedish words shown to people.</summary>
public static class ConcernCategories
{
    public const string InstructionsUnclear = "instructions-unclear";
    public const string ChildRefuses = "child-refuses";
    public const string Incident = "incident";
    public const string Staffing = "staffing";
    public const string Other = "other";

    public static readonly IReadOnlyDictionary<string, string> Swedish = new Dictionary<string, string>
    {
        [InstructionsUnclear] = "Instruktionerna är oklara",
        [ChildRefuses] = "Barnet vägrar eller vill inte",
        [Incident] = "Tillbud eller händelse",
        [Staffing] = "Personal saknas eller är inte instruerad",
        [Other] = "Annat",
    };

    public static bool IsKnown(string? category) => category is not null && Swedish.ContainsKey(category);

    /// <summary>An incident (something happened, or nearly did) goes first on the care unit's worklist.</summary>
    public static bool IsUrgent(string category) => category == Incident;
}

public static class ConcernStatus
{
    public const string Open = "open";
    public const string Answered = "answered";

    public static readonly IReadOnlyList<string> All = [Open, Answered];
}

/// <summary>What happened to a certificate after a concern was raised on it, read from the certificate.</summary>
public static class FollowingChanges
{
    public const string Renewed = "renewed";
    public const string Revoked = "revoked";
}

/// <summary>
/// A school unit's report that the egenvård on a certificate does not work, and the care unit's one answer. It belongs
/// to the certificate it was raised on and never changes that certificate.
/// </summary>
public sealed record Concern(
    Guid Id,
    Guid CertificateId,
    string SchoolUnit,
    string Category,
    bool Urgent,
    string Description,
    bool GuardiansInformed,
    string Status,
    DateTimeOffset ReportedAt,
    StaffMember ReportedBy,
    ConcernAnswer? Answer,
    FollowingChange? FollowedBy);

/// <summary>A member of staff as recorded on a concern: the school's <c>sub</c> or the clinician's HSA-id, and a name.</summary>
public sealed record StaffMember(string Id, string Name);

public sealed record ConcernAnswer(string Text, DateOnly? ReassessmentOn, DateTimeOffset AnsweredAt, StaffMember AnsweredBy);

/// <summary>
/// The certificate's next change after the concern was reported: a renewal (<see cref="CertificateId"/> is the new
/// certificate) or a revocation (the same certificate). It says what followed, not that the concern caused it.
/// </summary>
public sealed record FollowingChange(string Change, Guid CertificateId, DateTimeOffset At);

/// <summary>A concern validated and about to be recorded.</summary>
public sealed record NewConcern(string Category, string Description, bool GuardiansInformed)
{
    public bool Urgent => ConcernCategories.IsUrgent(Category);
}

/// <summary>A validated answer.</summary>
public sealed record NewAnswer(string Text, DateOnly? ReassessmentOn);
