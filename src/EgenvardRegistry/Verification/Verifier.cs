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

public sealed record VerificationOutcome(bool Covered, string Reason, Certificate? Certificate)
{
    /// <summary>
    /// For the code <c>other</c>, which stands for any measure: the descriptions of the <c>other</c> measures on the
    /// certificate named. Null for every other code, or when the certificate has no such measure.
    /// </summary>
    public IReadOnlyList<string>? DescribedAs { get; init; }

    /// <summary>How many staff the school unit has recorded as instructed for the certificate named; null without one.</summary>
    public int? InstructedStaff { get; init; }

    /// <summary>The certificate named renewed one with other measures, so the unit's staff must be instructed anew.</summary>
    public bool MeasuresChangedAtRenewal { get; init; }

    /// <summary>Staff have said whether a description in <see cref="DescribedAs"/> is the measure at hand.</summary>
    public bool Confirmed { get; init; }

    /// <summary>A valid answer for <c>other</c> holds only once staff confirm that a description is the measure at hand.</summary>
    public bool NeedsConfirmation => Covered && DescribedAs is not null && !Confirmed;
}

/// <summary>What staff answered when asked whether the described <c>other</c> measure is the one at hand (an audit outcome).</summary>
public static class Confirmations
{
    public const string SameMeasure = "same-measure";
    public const string OtherMeasure = "other-measure";
}

/// <summary>Decides whether the certificates a school unit can see cover a measure today.</summary>
public static class Verifier
{
    /// <param name="shared">The child's certificates shared with the school unit.</param>
    public static VerificationOutcome Decide(IReadOnlyList<Certificate> shared, string measureCode, DateOnly today)
    {
        var outcome = DecideCoverage(shared, measureCode, today);
        if (measureCode != MeasureCatalogue.Other || outcome.Certificate is not { } certificate)
        {
            return outcome;
        }
        var described = certificate.Measures
            .Where(measure => measure.Code == MeasureCatalogue.Other && !string.IsNullOrWhiteSpace(measure.Description))
            .Select(measure => measure.Description!)
            .ToList();
        return described.Count == 0 ? outcome : outcome with { DescribedAs = described };
    }

    /// <summary>
    /// Staff's answer to an outcome that <see cref="VerificationOutcome.NeedsConfirmation"/>: the same measure keeps it
    /// valid; another measure means the certificate does not cover what they are about to do.
    /// </summary>
    public static VerificationOutcome Confirm(VerificationOutcome outcome, bool sameMeasure) => sameMeasure
        ? outcome with { Confirmed = true }
        : outcome with { Covered = false, Reason = VerificationReasons.MeasureNotCovered, Confirmed = true };

    private static VerificationOutcome DecideCoverage(IReadOnlyList<Certificate> shared, string measureCode, DateOnly today)
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
