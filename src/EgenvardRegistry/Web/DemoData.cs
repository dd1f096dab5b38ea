using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Database;
using EgenvardRegistry.Units;

namespace EgenvardRegistry.Web;

/// <summary>
/// <c>dotnet run -- --seed-demo</c>: a few units in the unit directory, so the pages show names, and made-up certificates
/// for the demo identities of the development sign-in, issued (and one revoked) by a demo clinician through
/// <see cref="CertificateStore"/>, so their history and audit are real. A child that already has a certificate is
/// skipped, and the directory import changes nothing the second time, so seeding twice adds nothing.
/// </summary>
public static partial class DemoData
{
    public const string CareUnit = "SE2321000016-D1AB";
    public const string SchoolUnit = "12345678";
    public const string OtherSchoolUnit = "87654321";
    public const string GuardianPnr = "198204112380";
    public const string Preschool = "F1980001";

    private const string OtherGuardianPnr = "198502145678";

    private sealed record DemoCertificate(
        string ChildPnr, string ChildName, string GuardianPnr, string GuardianName, string GuardianEmail,
        string Measure, DateOnly ValidFrom, DateOnly ValidUntil, string SharedWith, string? RevocationReason = null);

    public static async Task SeedAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var today = services.GetRequiredService<TimeProvider>().TodayInStockholm();
        var store = services.GetRequiredService<CertificateStore>();
        var demoStore = new DemoStore(services.GetRequiredService<IDbConnectionFactory>());
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DemoData));
        var clinician = DemoClinician();

        var fromTwoMonthsAgo = today.AddMonths(-2);
        var expiringSoon = today.AddDays(20);
        DemoCertificate[] demo =
        [
            new("201604051233", "Alva Demo-Lind", GuardianPnr, "Sara Lind", "sara.lind@example.se",
                "insulin", fromTwoMonthsAgo, fromTwoMonthsAgo.AddMonths(12), SchoolUnit),
            new("201809214560", "Nils Demo-Lind", GuardianPnr, "Sara Lind", "sara.lind@example.se",
                "adrenaline", expiringSoon.AddMonths(-12), expiringSoon, SchoolUnit),
            new("201301177893", "Elsa Demo-Lind", GuardianPnr, "Sara Lind", "sara.lind@example.se",
                "inhaler", today.AddMonths(-1), today.AddMonths(11), SchoolUnit,
                RevocationReason: "Astman är under kontroll; egenvården behövs inte längre i skolan."),
            new("201706302344", "Omar Demo-Berg", OtherGuardianPnr, "Leila Demo-Berg", "leila.demo-berg@example.se",
                "seizure-medication", fromTwoMonthsAgo, fromTwoMonthsAgo.AddMonths(12), OtherSchoolUnit),
        ];

        // The directory first, so the pages name the demo units; importing it again changes nothing.
        await services.GetRequiredService<UnitStore>().ImportAsync(Units, DemoAdmin(), cancellationToken);

        var added = 0;
        foreach (var certificate in demo)
        {
            if (await demoStore.HasCertificateAsync(certificate.ChildPnr, cancellationToken))
            {
                continue;
            }
            var (input, errors) = CertificateRules.Validate(Request(certificate), today);
            if (input is null)
            {
                throw new InvalidOperationException(
                    $"Demo certificate for {certificate.ChildName} is not valid: {string.Join("; ", errors.ToProblemErrors().Keys)}");
            }
            var issued = await store.IssueAsync(input, clinician, cancellationToken);
            if (certificate.RevocationReason is not null)
            {
                await store.RevokeAsync(issued.Id, certificate.RevocationReason, clinician, issued.Version, cancellationToken);
            }
            added++;
        }
        LogSeeded(logger, added, demo.Length - added);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo data: {Added} certificates added, {Skipped} already there.")]
    private static partial void LogSeeded(ILogger logger, int added, int skipped);

    /// <summary>The development sign-in's clinician, at the demo care unit.</summary>
    private static Caller DemoClinician()
    {
        var claims = DevTokens.Defaults[Roles.Clinician];
        return new Caller(Roles.Clinician, claims[ClaimNames.Subject], claims[ClaimNames.Name], claims[ClaimNames.HsaId],
            CareUnit, null, null, claims[ClaimNames.Profession]);
    }

    private static Caller DemoAdmin()
    {
        var claims = DevTokens.Defaults[Roles.Admin];
        return new Caller(Roles.Admin, claims[ClaimNames.Subject], claims[ClaimNames.Name], null, null, null, null, null);
    }

    /// <summary>The demo sign-in's school unit, the other demo school, two preschools and a fritidshem.</summary>
    private static readonly IReadOnlyList<Unit> Units =
    [
        new(SchoolUnit, "Solbackaskolan", UnitKinds.Skola, "Västerås", "Västerås stad", "expedition.solbacka@example.se"),
        new(OtherSchoolUnit, "Ängsskolan", UnitKinds.Skola, "Eskilstuna", "Eskilstuna kommun", null),
        new(Preschool, "Solrosens förskola", UnitKinds.Forskola, "Västerås", "Västerås stad", null),
        new("F1980002", "Örnens förskola", UnitKinds.Forskola, "Västerås", "Förskolan Örnen AB", null),
        new("12340001", "Solbackaskolans fritidshem", UnitKinds.Fritidshem, "Västerås", "Västerås stad", null),
    ];

    private static IssueCertificateRequest Request(DemoCertificate demo) => new(
        new PersonInput(demo.ChildPnr, demo.ChildName),
        [new GuardianInput(demo.GuardianPnr, demo.GuardianName, demo.GuardianEmail)],
        [Measures[demo.Measure]],
        "Sjuksköterska från mottagningen instruerar personalen på plats före skolstart.",
        demo.ValidFrom,
        demo.ValidUntil,
        demo.ValidFrom.AddMonths(6) <= demo.ValidUntil ? demo.ValidFrom.AddMonths(6) : demo.ValidFrom,
        new CareUnitInput(CareUnit, "Barndiabetesmottagningen Västerås (demo)", "021-17 30 00"),
        [demo.SharedWith]);

    private static readonly Dictionary<string, MeasureInput> Measures = new Dictionary<string, MeasureInput>
    {
        ["insulin"] = new("insulin", null, "child-with-staff",
            "Insulinpenna före lunch enligt dosschema i väskan.",
            "Vid känning: ge druvsocker och ring vårdnadshavare; vid medvetslöshet ring 112.",
            "Kontakta diabetesmottagningen."),
        ["adrenaline"] = new("adrenaline", null, "staff",
            "Adrenalinpenna i låret vid tecken på allvarlig allergisk reaktion (nötter).",
            "Ring 112 direkt efter injektionen, därefter vårdnadshavare.",
            "Kontakta mottagningen om barnet fått nya symtom eller ny diagnos."),
        ["inhaler"] = new("inhaler", null, "child",
            "Barnet tar två puffar ur sin inhalator vid andnöd, t.ex. före idrott.",
            "Om andnöden inte går över inom tio minuter: ring 112 och vårdnadshavare.",
            "Kontakta mottagningen om inhalatorn behövs oftare än förut."),
        ["seizure-medication"] = new("seizure-medication", null, "staff",
            "Krampstillande i munhålan om ett anfall varar längre än fem minuter.",
            "Ring 112 om anfallet inte upphört fem minuter efter läkemedlet.",
            "Kontakta habiliteringen om anfallen ändrar karaktär."),
    };
}
