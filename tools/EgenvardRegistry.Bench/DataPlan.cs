using System.Globalization;
using EgenvardRegistry.Certificates;

namespace EgenvardRegistry.Bench;

/// <summary>What the generator makes: how many certificates, relative to which "today", and the units the load uses.</summary>
public sealed record PlanOptions
{
    public int Certificates { get; init; } = 1_000_000;

    /// <summary>The Stockholm date the service will see: validity and reminder thresholds are relative to it.</summary>
    public required DateOnly Today { get; init; }

    /// <summary>The school unit the load generator verifies as: every <see cref="BenchEvery"/>th child is shared with it.</summary>
    public string BenchUnit { get; init; } = "90000001";

    /// <summary>The care unit that issued the bench unit's children's certificates, so a clinician of it can renew them.</summary>
    public string BenchCareUnit { get; init; } = "SE2321000016-BNCH";

    public int BenchEvery { get; init; } = 100;

    public ulong Seed { get; init; } = 20_261_123;
}

public enum CertificateKind
{
    Active,
    DueForReminder,
    Expired,
    NotYetValid,
    Revoked,
    Replaced,
    Renewal,
}

public sealed record PlannedMeasure(string Code, string? Description, string Performer, string Instructions, string IfHarm, string IfChanged);

public sealed record PlannedGuardian(Guid Id, string Personnummer, string Name, string Email, bool RemindersEnabled);

public sealed record PlannedCareUnit(string HsaId, string Name, string Phone, string ClinicianSub, string ClinicianHsaId);

public sealed record PlannedCertificate(
    Guid Id,
    CertificateKind Kind,
    DateOnly ValidFrom,
    DateOnly ValidUntil,
    DateTimeOffset IssuedAt,
    PlannedCareUnit CareUnit,
    IReadOnlyList<PlannedMeasure> Measures,
    IReadOnlyList<string> SharedWith,
    Guid? Replaces,
    Guid? ReplacedBy,
    DateTimeOffset? EndedAt)
{
    public string Status => Kind switch
    {
        CertificateKind.Revoked => CertificateStatus.Revoked,
        CertificateKind.Replaced => CertificateStatus.Replaced,
        _ => CertificateStatus.Active,
    };

    /// <summary>1 when issued, 2 after it was revoked or replaced: the version the service's own changes would give it.</summary>
    public int Version => Kind is CertificateKind.Revoked or CertificateKind.Replaced ? 2 : 1;

    public DateOnly FollowUpOn => ValidFrom.AddDays((ValidUntil.DayNumber - ValidFrom.DayNumber) / 2);

    public bool ValidOn(DateOnly today) => Status == CertificateStatus.Active && ValidFrom <= today && today <= ValidUntil;
}

public sealed record PlannedChild(
    int Index,
    Guid Id,
    string Personnummer,
    string Name,
    IReadOnlyList<PlannedGuardian> Guardians,
    IReadOnlyList<PlannedCertificate> Certificates,
    bool SharedWithBenchUnit)
{
    /// <summary>The certificate that speaks for the child now: the renewal of a replaced one, else the only one.</summary>
    public PlannedCertificate Current => Certificates[^1];

    public DateTimeOffset CreatedAt => Certificates[0].IssuedAt;
}

/// <summary>
/// A deterministic plan of the registry's contents: the same options give the same children, guardians, certificates
/// and ids on every pass, so a loader can walk it once per table (PostgreSQL's COPY takes one table at a time) without
/// holding a million certificates in memory. Each child draws from a generator seeded by its own index.
/// </summary>
/// <remarks>
/// The mix, per child: 1.5 % a replaced certificate and its renewal, 3 % revoked, 2 % expired, 1 % not yet valid,
/// 10 % due for a reminder (validUntil today + 30, 14, 7 or 0 days), the rest active with 31–365 days left. So about
/// 10 % of the certificates are due and a scan over 1,000,000 finds about 100,000 (one reminder per guardian each).
/// </remarks>
public sealed class DataPlan
{
    /// <summary>Children are born 2010–2024; their birth serials stay below this, and the soak's new children use the rest.</summary>
    public const int ChildSerialLimit = 900;

    private static readonly DateOnly FirstChildBirth = new(2010, 1, 1);
    private static readonly int ChildBirthDays = new DateOnly(2024, 12, 31).DayNumber - FirstChildBirth.DayNumber + 1;
    private static readonly DateOnly FirstGuardianBirth = new(1970, 1, 1);
    private static readonly int GuardianBirthDays = new DateOnly(1995, 12, 31).DayNumber - FirstGuardianBirth.DayNumber + 1;
    private static readonly int[] ReminderDays = [30, 14, 7, 0];

    private static readonly string[] ChildFirstNames =
        ["Alva", "Nils", "Elsa", "Omar", "Maja", "Liam", "Saga", "Noah", "Ebba", "Hugo", "Wilma", "Ali", "Astrid", "Leo",
         "Freja", "Elias", "Selma", "Adam", "Alice", "Vincent", "Tuva", "Sam", "Ines", "Melvin"];

    private static readonly string[] AdultFirstNames =
        ["Sara", "Johan", "Anna", "Mikael", "Maria", "Erik", "Fatima", "Anders", "Karin", "Ahmed", "Emma", "Per", "Lena",
         "Jonas", "Sofia", "Daniel", "Linda", "Mohammed", "Eva", "Fredrik"];

    private static readonly string[] LastNames =
        ["Lind", "Berg", "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
         "Svensson", "Gustafsson", "Hassan", "Pettersson", "Jonsson", "Lindqvist", "Holm", "Ek", "Sandberg", "Nyström"];

    private static readonly string[] MeasureCodes = [.. MeasureCatalogue.Swedish.Keys.Where(code => code != MeasureCatalogue.Other)];

    private static readonly string[] PerformerCodes = [.. Performers.Swedish.Keys];

    private readonly PlanOptions _options;
    private readonly PlannedCareUnit _benchCareUnit;
    private readonly PlannedCareUnit[] _careUnits;

    public DataPlan(PlanOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Certificates, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BenchEvery, 1);
        if ((long)options.Certificates > (long)ChildBirthDays * ChildSerialLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Too many certificates for the children's birth dates and serials.");
        }
        _options = options;
        SchoolUnits = [.. Enumerable.Range(0, Math.Max(10, options.Certificates / 500))
            .Select(i => (10_000_000 + i * 7).ToString(CultureInfo.InvariantCulture))];
        _careUnits = [.. Enumerable.Range(0, Math.Max(5, options.Certificates / 2000)).Select(i => CareUnit(
            string.Create(CultureInfo.InvariantCulture, $"SE2321000016-C{i:D5}"),
            string.Create(CultureInfo.InvariantCulture, $"Barn- och ungdomsmottagningen {i + 1}"), i))];
        _benchCareUnit = CareUnit(options.BenchCareUnit, "Barndiabetesmottagningen Benchstad", -1);
    }

    public PlanOptions Options => _options;

    /// <summary>The school units certificates are shared with, besides <see cref="PlanOptions.BenchUnit"/>.</summary>
    public IReadOnlyList<string> SchoolUnits { get; }

    /// <summary>The children with their guardians and certificates, in order, until the planned number of certificates.</summary>
    public IEnumerable<PlannedChild> Children()
    {
        var certificates = 0;
        var guardians = 0;
        for (var index = 0; certificates < _options.Certificates; index++)
        {
            var child = Child(index, guardians, _options.Certificates - certificates);
            certificates += child.Certificates.Count;
            guardians += child.Guardians.Count;
            yield return child;
        }
    }

    /// <summary>
    /// A valid personnummer (12 digits, real date, Luhn check digit) for a synthetic person born on <paramref name="birth"/>
    /// with birth serial <paramref name="serial"/> (0–999). Made up: it may coincide with a real person's number, but
    /// nothing in the generated data is about anyone.
    /// </summary>
    public static string Personnummer(DateOnly birth, int serial)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(serial);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(serial, 999);
        var nine = string.Create(CultureInfo.InvariantCulture, $"{birth:yyMMdd}{serial:D3}");
        var sum = 0;
        for (var i = 0; i < 9; i++)
        {
            var product = (nine[i] - '0') * (i % 2 == 0 ? 2 : 1);
            sum += product / 10 + product % 10;
        }
        return string.Create(CultureInfo.InvariantCulture, $"{birth:yyyyMMdd}{serial:D3}{(10 - sum % 10) % 10}");
    }

    public static string ChildPersonnummer(int index) =>
        Personnummer(FirstChildBirth.AddDays(index % ChildBirthDays), index / ChildBirthDays);

    private static string GuardianPersonnummer(int index) =>
        Personnummer(FirstGuardianBirth.AddDays(index % GuardianBirthDays), index / GuardianBirthDays);

    private static PlannedCareUnit CareUnit(string hsaId, string name, int number) => new(
        hsaId, name, "021-17 30 00",
        number < 0 ? "clinician-bench" : string.Create(CultureInfo.InvariantCulture, $"clinician-{number}"),
        number < 0 ? "SE2321000016-PBNCH" : string.Create(CultureInfo.InvariantCulture, $"SE2321000016-P{number:D5}"));

    private PlannedChild Child(int index, int firstGuardian, int certificatesLeft)
    {
        var random = new SplitMix(_options.Seed * 0x9E37_79B9_7F4A_7C15UL + (ulong)index);
        var lastName = LastNames[random.Below(LastNames.Length)];
        var benchChild = index % _options.BenchEvery == 0;

        var guardians = new PlannedGuardian[random.Unit() < 0.3 ? 1 : 2];
        for (var i = 0; i < guardians.Length; i++)
        {
            var number = firstGuardian + i;
            guardians[i] = new PlannedGuardian(
                random.Guid(),
                GuardianPersonnummer(number),
                $"{AdultFirstNames[random.Below(AdultFirstNames.Length)]} {lastName}",
                string.Create(CultureInfo.InvariantCulture, $"vardnadshavare.{number}@example.se"),
                RemindersEnabled: random.Unit() >= 0.03);
        }

        var careUnit = benchChild ? _benchCareUnit : _careUnits[random.Below(_careUnits.Length)];
        var measures = Measures(ref random);
        var shares = Shares(ref random, benchChild);
        var today = _options.Today;
        var draw = random.Unit();
        var id = random.Guid();
        PlannedCertificate One(CertificateKind kind, DateOnly from, DateOnly until, DateOnly issuedOn, DateTimeOffset? endedAt = null) =>
            new(id, kind, from, until, Instant(issuedOn, ref random), careUnit, measures, shares, null, null, endedAt);

        PlannedCertificate[] certificates;
        if (draw < 0.015 && certificatesLeft >= 2)
        {
            // Renewed some day in the last half year, while the old one was still valid.
            var renewedOn = today.AddDays(-1 - random.Below(180));
            var renewalId = random.Guid();
            var old = new PlannedCertificate(id, CertificateKind.Replaced, renewedOn.AddDays(-300), renewedOn.AddDays(40),
                Instant(renewedOn.AddDays(-301), ref random), careUnit, measures, shares, null, renewalId, Instant(renewedOn, ref random));
            var renewal = new PlannedCertificate(renewalId, CertificateKind.Renewal, renewedOn, renewedOn.AddDays(365),
                old.EndedAt!.Value, careUnit, measures, shares, id, null, null);
            certificates = [old, renewal];
        }
        else if (draw < 0.045)
        {
            var from = today.AddDays(-30 - random.Below(270));
            certificates = [One(CertificateKind.Revoked, from, from.AddDays(365), from.AddDays(-1),
                Instant(from.AddDays(1 + random.Below(29)), ref random))];
        }
        else if (draw < 0.065)
        {
            var until = today.AddDays(-1 - random.Below(180));
            certificates = [One(CertificateKind.Expired, until.AddDays(-365), until, until.AddDays(-366))];
        }
        else if (draw < 0.075)
        {
            var from = today.AddDays(1 + random.Below(60));
            certificates = [One(CertificateKind.NotYetValid, from, from.AddDays(365), today.AddDays(-1 - random.Below(30)))];
        }
        else if (draw < 0.175)
        {
            var until = today.AddDays(ReminderDays[random.Below(ReminderDays.Length)]);
            certificates = [One(CertificateKind.DueForReminder, until.AddDays(-365), until, until.AddDays(-366))];
        }
        else
        {
            var until = today.AddDays(31 + random.Below(335));
            certificates = [One(CertificateKind.Active, until.AddDays(-365), until, until.AddDays(-366))];
        }

        var name = $"{ChildFirstNames[random.Below(ChildFirstNames.Length)]} {lastName}";
        return new PlannedChild(index, random.Guid(), ChildPersonnummer(index), name, guardians, certificates, benchChild);
    }

    private static PlannedMeasure[] Measures(ref SplitMix random)
    {
        var draw = random.Unit();
        var count = draw < 0.5 ? 1 : draw < 0.85 ? 2 : 3;
        var codes = new List<string>(count);
        while (codes.Count < count)
        {
            var code = MeasureCodes[random.Below(MeasureCodes.Length)];
            if (!codes.Contains(code))
            {
                codes.Add(code);
            }
        }
        if (random.Unit() < 0.03)
        {
            codes[^1] = MeasureCatalogue.Other;
        }
        var measures = new PlannedMeasure[codes.Count];
        for (var i = 0; i < codes.Count; i++)
        {
            var code = codes[i];
            measures[i] = new PlannedMeasure(
                code,
                code == MeasureCatalogue.Other ? "Byte av förband vid gastrostomi" : null,
                PerformerCodes[random.Below(PerformerCodes.Length)],
                $"{MeasureCatalogue.Swedish[code]} enligt instruktion från mottagningen, se dosschema.",
                "Ring vårdnadshavare. Vid medvetslöshet eller andningsbesvär ring 112.",
                "Kontakta mottagningen om barnets behov ändras.");
        }
        return measures;
    }

    private string[] Shares(ref SplitMix random, bool benchChild)
    {
        var units = new List<string>(3) { SchoolUnits[random.Below(SchoolUnits.Count)] };
        if (random.Unit() < 0.3)
        {
            var second = SchoolUnits[random.Below(SchoolUnits.Count)];
            if (second != units[0])
            {
                units.Add(second);
            }
        }
        if (benchChild)
        {
            units.Add(_options.BenchUnit);
        }
        return [.. units];
    }

    /// <summary>An instant on the Stockholm date, in office hours (07–15 UTC), so never after today's end.</summary>
    private static DateTimeOffset Instant(DateOnly date, ref SplitMix random) =>
        new DateTimeOffset(date.ToDateTime(new TimeOnly(7, 0)), TimeSpan.Zero).AddSeconds(random.Below(8 * 3600));
}

/// <summary>SplitMix64: a small, fast, seedable generator, so each child's draws depend only on its index.</summary>
internal struct SplitMix(ulong state)
{
    private ulong _state = state;

    public ulong Next()
    {
        _state += 0x9E37_79B9_7F4A_7C15UL;
        var z = _state;
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
        return z ^ (z >> 31);
    }

    public int Below(int bound) => (int)(Next() % (ulong)bound);

    public double Unit() => (Next() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A version-4 UUID from the generator's bits.</summary>
    public Guid Guid()
    {
        Span<byte> bytes = stackalloc byte[16];
        BitConverter.TryWriteBytes(bytes, Next());
        BitConverter.TryWriteBytes(bytes[8..], Next());
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }
}
