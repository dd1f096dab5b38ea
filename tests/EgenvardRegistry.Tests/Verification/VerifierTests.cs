using EgenvardRegistry.Certificates;
using EgenvardRegistry.Verification;

namespace EgenvardRegistry.Tests.Verification;

/// <summary>The coverage decision alone, without storage.</summary>
public sealed class VerifierTests
{
    private static readonly DateOnly Today = new(2026, 11, 23);
    private static readonly DateTimeOffset Issued = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static Certificate Make(string status = "active", string from = "2026-01-01", string until = "2026-12-31",
        int issuedDaysLater = 0, params string[] measures) => new(
        Guid.NewGuid(), Guid.NewGuid(), "201503122382", "Alva", status, 1, [],
        (measures.Length == 0 ? ["insulin"] : measures)
            .Select(code => new Measure(code, null, "staff", "i", "h", "c")).ToList(),
        "g", DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture),
        DateOnly.Parse(until, System.Globalization.CultureInfo.InvariantCulture),
        DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture),
        new CareUnit("SE2321000016-D1AB", "BUP", "021-10 00 00"), ["12345678"], Issued.AddDays(issuedDaysLater),
        new Issuer("SE2321000016-K7BG", "K", null), null, null,
        status == "revoked" ? new Revocation("r", Issued, "x") : null);

    [Test]
    public void Decide_NothingShared_IsNone()
    {
        var outcome = Verifier.Decide([], "insulin", Today);

        Assert.That(outcome, Is.EqualTo(new VerificationOutcome(false, "none", null)));
    }

    [Test]
    public void Decide_Other_NamesTheDescribedMeasures_AndNeedsConfirmationOnlyWhenValid()
    {
        var certificate = Make(measures: ["insulin", "other", "other"]) with
        {
            Measures =
            [
                new Measure("insulin", null, "staff", "i", "h", "c"),
                new Measure("other", "Hörapparat", "staff", "i", "h", "c"),
                new Measure("other", "Byte av stomipåse", "staff", "i", "h", "c"),
            ],
        };

        var valid = Verifier.Decide([certificate], "other", Today);
        var expired = Verifier.Decide([certificate with { ValidUntil = new DateOnly(2026, 11, 22) }], "other", Today);
        var insulin = Verifier.Decide([certificate], "insulin", Today);

        Assert.That((valid.Covered, valid.NeedsConfirmation, valid.DescribedAs), Is.EqualTo((true, true, new[] { "Hörapparat", "Byte av stomipåse" })));
        Assert.That((expired.Covered, expired.NeedsConfirmation, expired.DescribedAs?.Count), Is.EqualTo((false, false, (int?)2)));
        Assert.That((insulin.NeedsConfirmation, insulin.DescribedAs), Is.EqualTo((false, (IReadOnlyList<string>?)null)));
    }

    [Test]
    public void Decide_Other_OnACertificateWithoutOther_IsNotCoveredAndDescribesNothing()
    {
        var outcome = Verifier.Decide([Make()], "other", Today);

        Assert.That((outcome.Reason, outcome.NeedsConfirmation, outcome.DescribedAs), Is.EqualTo(("measure-not-covered", false, (IReadOnlyList<string>?)null)));
    }

    [TestCase(true, true, "valid")]
    [TestCase(false, false, "measure-not-covered")]
    public void Confirm_StaffsAnswer_KeepsOrWithdrawsTheCover(bool sameMeasure, bool covered, string reason)
    {
        var certificate = Make(measures: "other") with { Measures = [new Measure("other", "Hörapparat", "staff", "i", "h", "c")] };
        var pending = Verifier.Decide([certificate], "other", Today);

        var answered = Verifier.Confirm(pending, sameMeasure);

        Assert.That((answered.Covered, answered.Reason, answered.NeedsConfirmation, answered.Certificate), Is.EqualTo((covered, reason, false, certificate)));
    }

    [Test]
    public void Decide_OnlyReplacedCertificates_IsNone()
    {
        var outcome = Verifier.Decide([Make("replaced")], "insulin", Today);

        Assert.That(outcome.Reason, Is.EqualTo("none"));
    }

    [TestCase("2026-11-23", "2026-11-23", true, "valid")] // a one-day certificate, today
    [TestCase("2026-01-01", "2026-11-22", false, "expired")]
    [TestCase("2026-11-24", "2027-01-01", false, "not-yet-valid")]
    public void Decide_ByDates(string from, string until, bool covered, string reason)
    {
        var outcome = Verifier.Decide([Make(from: from, until: until)], "insulin", Today);

        Assert.That((outcome.Covered, outcome.Reason), Is.EqualTo((covered, reason)));
    }

    [Test]
    public void Decide_RevokedNewerThanExpired_SaysRevoked()
    {
        var expired = Make(until: "2026-06-30");
        var revoked = Make("revoked", issuedDaysLater: 10);

        var outcome = Verifier.Decide([expired, revoked], "insulin", Today);

        Assert.That(outcome.Reason, Is.EqualTo("revoked"));
        Assert.That(outcome.Certificate, Is.SameAs(revoked));
    }

    [Test]
    public void Decide_ExpiredNewerThanRevoked_SaysExpired()
    {
        var revoked = Make("revoked");
        var expired = Make(until: "2026-06-30", issuedDaysLater: 10);

        var outcome = Verifier.Decide([revoked, expired], "insulin", Today);

        Assert.That(outcome.Reason, Is.EqualTo("expired"));
    }

    [Test]
    public void Decide_UpcomingCertificateBeatsARevokedOne()
    {
        var upcoming = Make(from: "2026-12-01", until: "2027-11-30");

        var outcome = Verifier.Decide([Make("revoked", issuedDaysLater: 10), upcoming], "insulin", Today);

        Assert.That(outcome.Reason, Is.EqualTo("not-yet-valid"));
        Assert.That(outcome.Certificate, Is.SameAs(upcoming));
    }

    [Test]
    public void Decide_TwoValidCertificates_PicksTheOneValidLongest()
    {
        var shorter = Make(until: "2026-12-31");
        var longer = Make(until: "2027-06-30");

        var outcome = Verifier.Decide([shorter, longer], "insulin", Today);

        Assert.That(outcome.Certificate, Is.SameAs(longer));
    }

    [Test]
    public void Decide_MeasureOnlyOnARevokedCertificate_SaysRevoked_NotMeasureNotCovered()
    {
        var current = Make(measures: "adrenaline");
        var revoked = Make("revoked", measures: "insulin");

        Assert.That(Verifier.Decide([current, revoked], "insulin", Today).Reason, Is.EqualTo("revoked"));
        Assert.That(Verifier.Decide([current, revoked], "oxygen", Today).Certificate, Is.SameAs(current));
    }
}
