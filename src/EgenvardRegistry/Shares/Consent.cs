using EgenvardRegistry.Certificates;
using EgenvardRegistry.Units;

namespace EgenvardRegistry.Shares;

/// <summary>What a consent event does to the units that can see a certificate.</summary>
public static class ConsentChanges
{
    public const string Add = "add";
    public const string Withdraw = "withdraw";
}

/// <summary>On whose word a unit was added or withdrawn.</summary>
public static class ConsentBases
{
    /// <summary>The guardian added or withdrew the unit themselves.</summary>
    public const string Guardian = "guardian";

    /// <summary>A clinician listed the unit in <c>sharedWith</c> when issuing or renewing: shared at the guardian's request.</summary>
    public const string AtGuardiansRequest = "at-guardians-request";

    /// <summary>A renewal that named no units kept the renewed certificate's units, and so the consent given for them.</summary>
    public const string CarriedOver = "carried-over";
}

/// <summary>
/// One recorded consent: when a unit was added to or withdrawn from the units that can see a certificate, on whose word,
/// and who recorded it — a guardian by their internal id (never their personnummer), a clinician by HSA-id.
/// </summary>
public sealed record ConsentEvent(
    long Id,
    Guid CertificateId,
    string UnitId,
    string Change,
    string Basis,
    string ActorRole,
    string ActorId,
    string ActorName,
    DateTimeOffset OccurredAt);

/// <summary>Who records a consent event: the role, the internal id (guardian) or HSA-id (clinician), and the name.</summary>
public sealed record ConsentActor(string Role, string Id, string Name);

/// <summary>
/// The units that can see a certificate now, and the consent history of it and of the certificates it renewed, newest
/// first, with the directory's entries for every unit named.
/// </summary>
public sealed record CertificateShares(
    Certificate Certificate,
    IReadOnlyList<string> Units,
    IReadOnlyList<ConsentEvent> History,
    IReadOnlyDictionary<string, Unit> Directory)
{
    /// <summary>Units can be added or withdrawn on the current, active certificate only.</summary>
    public bool CanChange => Certificate.Status == CertificateStatus.Active;
}
