using EgenvardRegistry.Certificates;

namespace EgenvardRegistry.Verification;

public static class VerificationReasons
{
    public const string Valid = "valid";
    public const string None = "none";
    public const string Expired = "expired";
    public const string Revoked = "revoked";
    public const string NotYetValid = "not-yet-valid";
    public const string MeasureNotCovered = "measure-not-covered";
}

public sealed record VerificationOutcome(bool Covered, string Reason, Certificate? Certificate);

/// <summary>Decides whether the certificates a school unit can see cover a measure today.</summary>
public static class Verifier
{
    /// <param name="shared">The child's certificates shared with the school unit.</param>
    public static VerificationOutcome Decide(IReadOnlyList<Certificate> shared, string measureCode, DateOnly today)
    {
        // A replaced certificate is history: its successor speaks for it.
        var current = shared.Where(c => c.Status != CertificateStatus.Replaced).ToList();
        if (current.Count == 0)
        {
            return new VerificationOutcome(false, VerificationReasons.None, null);
        }

        var valid = current.Where(c => c.IsValidFor(measureCode, today)).MaxBy(c => c.ValidUntil);
        if (valid is not null)
        {
            return new VerificationOutcome(true, VerificationReasons.Valid, valid);
        }

        var withMeasure = current.Where(c => c.Covers(measureCode)).ToList();
        if (withMeasure.Count == 0)
        {
            var closest = current
                .OrderByDescending(c => c.Status == CertificateStatus.Active && !c.IsExpired(today))
                .ThenByDescending(c => c.IssuedAt)
                .First();
            return new VerificationOutcome(false, VerificationReasons.MeasureNotCovered, closest);
        }

        // A coming certificate is the most useful answer ("valid from …"); otherwise the newest one says why.
        var upcoming = withMeasure
            .Where(c => c.Status == CertificateStatus.Active && c.IsNotYetValid(today))
            .MinBy(c => c.ValidFrom);
        if (upcoming is not null)
        {
            return new VerificationOutcome(false, VerificationReasons.NotYetValid, upcoming);
        }
        var newest = withMeasure.MaxBy(c => c.IssuedAt)!;
        return new VerificationOutcome(false,
            newest.Status == CertificateStatus.Revoked ? VerificationReasons.Revoked : VerificationReasons.Expired,
            newest);
    }
}
