using System.Globalization;
using EgenvardRegistry.Audit;
using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Verification;

namespace EgenvardRegistry.Web;

/// <summary>
/// A certificate's state today as the pages show it: a short text for its badge (<c>_Status</c>), the badge's CSS
/// class, and what it means for whoever is about to help the child.
/// </summary>
public sealed record StatusText(string Text, string CssClass, string Meaning);

/// <summary>How the pages say things in Swedish: certificate status, dates, Stockholm times, roles and audit actions.</summary>
public static class SwedishText
{
    // Spelled out rather than taken from the sv-SE culture, which a server in invariant-globalization mode does not have.
    private static readonly string[] Months =
        ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december"];

    private static readonly StatusText Valid = new("Giltigt", "active", "Intyget gäller i dag för åtgärderna nedan.");
    private static readonly StatusText Expired = new("Har gått ut", "expired", "Intyget har gått ut. Vårdnadshavarna behöver boka en ny bedömning.");
    private static readonly StatusText NotYetValid = new("Inte giltigt ännu", "pending", "Intyget är inte giltigt ännu.");
    private static readonly StatusText Revoked = new("Återkallat", "revoked", "Intyget är återkallat. Kontakta vården.");
    private static readonly StatusText Replaced = new("Ersatt", "replaced", "Intyget har ersatts av ett nyare intyg.");

    public static StatusText Status(Certificate certificate, DateOnly today) =>
        Status(certificate.Status, certificate.ValidFrom, certificate.ValidUntil, today);

    public static StatusText Status(CertificateSummary summary, DateOnly today) =>
        Status(summary.Status, summary.ValidFrom, summary.ValidUntil, today);

    private static StatusText Status(string status, DateOnly validFrom, DateOnly validUntil, DateOnly today) => status switch
    {
        CertificateStatus.Revoked => Revoked,
        CertificateStatus.Replaced => Replaced,
        _ when validUntil < today => Expired,
        _ when today < validFrom => NotYetValid,
        _ => Valid,
    };

    /// <summary>Why a child is or is not covered, as school staff would say it.</summary>
    public static string Reason(string verificationReason) => verificationReason switch
    {
        VerificationReasons.None => "Intyg saknas. Be vårdnadshavarna om ett egenvårdsintyg.",
        VerificationReasons.MeasureNotCovered => "Intyget gäller inte denna åtgärd.",
        VerificationReasons.Expired => Expired.Meaning,
        VerificationReasons.Revoked => Revoked.Meaning,
        VerificationReasons.NotYetValid => NotYetValid.Meaning,
        _ => Valid.Meaning,
    };

    /// <summary>"14 augusti 2027".</summary>
    public static string Date(DateOnly date) =>
        string.Create(CultureInfo.InvariantCulture, $"{date.Day} {Months[date.Month - 1]} {date.Year}");

    /// <summary>An instant as a Stockholm wall-clock time: "14 augusti 2027 kl. 09:05".</summary>
    public static string StockholmTime(DateTimeOffset instant)
    {
        var local = TimeZoneInfo.ConvertTime(instant, Infrastructure.StockholmTime.Zone);
        return string.Create(CultureInfo.InvariantCulture, $"{Date(DateOnly.FromDateTime(local.DateTime))} kl. {local:HH:mm}");
    }

    /// <summary>An instant as <c>yyyy-MM-ddTHH:mm</c> in Stockholm, for a <c>&lt;time datetime&gt;</c> attribute.</summary>
    public static string MachineTime(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, Infrastructure.StockholmTime.Zone).ToString("yyyy-MM-dd'T'HH:mmzzz", CultureInfo.InvariantCulture);

    public static string Measure(Measure measure) => Measure(measure.Code, measure.Description);

    public static string Measure(string code, string? description) =>
        code == MeasureCatalogue.Other && !string.IsNullOrWhiteSpace(description)
            ? $"{MeasureCatalogue.Swedish[MeasureCatalogue.Other]}: {description}"
            : MeasureCatalogue.Swedish.GetValueOrDefault(code, code);

    public static string Measures(IEnumerable<Measure> measures) => string.Join(", ", measures.Select(Measure));

    public static string Measures(IEnumerable<MeasureSummary> measures) =>
        string.Join(", ", measures.Select(measure => Measure(measure.Code, measure.Description)));

    /// <summary>A personnummer as people write it: 20150312-2382.</summary>
    public static string Personnummer(string twelveDigits) =>
        twelveDigits.Length == 12 ? $"{twelveDigits[..8]}-{twelveDigits[8..]}" : twelveDigits;

    public static string Performer(string performer) => Performers.Swedish.GetValueOrDefault(performer, performer);

    public static string Role(string role) => role switch
    {
        Roles.Clinician => "Vården",
        Roles.School => "Skolan",
        Roles.Guardian => "Vårdnadshavare",
        Roles.Admin => "Administratör",
        _ => role,
    };

    /// <summary>What an audit event records, as a guardian or an administrator reads it.</summary>
    public static string Action(string action) => action switch
    {
        AuditActions.CertificateIssue => "Utfärdade intyg",
        AuditActions.CertificateRead => "Läste intyget",
        AuditActions.CertificateRenew => "Förnyade intyg",
        AuditActions.CertificateRevoke => "Återkallade intyg",
        AuditActions.CertificateSearch => "Sökte barnets intyg",
        AuditActions.CertificateSearchCareRelationship => "Läste annan vårdenhets intyg med angiven vårdrelation",
        AuditActions.Verification => "Kontrollerade intyg inför egenvård",
        AuditActions.VerificationConfirm => "Bekräftade vilken åtgärd kontrollen gällde",
        AuditActions.SchoolList => "Visade skolans lista över intyg",
        AuditActions.GuardianList => "Visade vårdnadshavarens intyg",
        AuditActions.AuditRead => "Läste granskningsloggen",
        AuditActions.AuditSearch => "Sökte i granskningsloggen",
        AuditActions.GuardianAccessLog => "Visade vilka som läst intygen",
        AuditActions.ReminderSend => "Skickade påminnelse",
        AuditActions.NotificationsRead => "Visade utskick",
        AuditActions.NotificationRetry => "Försökte skicka påminnelse igen",
        AuditActions.RemindersRun => "Körde påminnelser",
        AuditActions.ForbiddenAttempt => "Försökte utan behörighet",
        AuditActions.InstructionRecord => "Registrerade instruerad personal",
        AuditActions.InstructionList => "Visade instruerad personal",
        AuditActions.InstructionRemove => "Tog bort instruerad personal",
        AuditActions.InstructionCarryOver => "Förde över instruerad personal till förnyat intyg",
        AuditActions.ConcernReport => "Rapporterade att egenvården inte fungerar",
        AuditActions.ConcernRead => "Läste ärenden om egenvården",
        AuditActions.ConcernWorklist => "Visade vårdenhetens ärenden",
        AuditActions.ConcernAnswer => "Svarade på ärende om egenvården",
        AuditActions.RenewalWorklist => "Visade vårdenhetens intyg att förnya",
        AuditActions.FollowUpRecord => "Registrerade uppföljning av egenvården",
        AuditActions.FollowUpRead => "Läste uppföljningar av egenvården",
        AuditActions.UnitSearch => "Sökte i enhetsregistret",
        AuditActions.UnitImport => "Läste in enhetsregistret",
        AuditActions.ShareList => "Visade vilka enheter som ser intyget",
        AuditActions.ShareAdd => "Delade intyget med en förskola eller skola",
        AuditActions.ShareWithdraw => "Slutade dela intyget med en förskola eller skola",
        AuditActions.RequestCreate => "Begärde intyg via vårdnadshavarna",
        AuditActions.RequestList => "Visade skolans begäranden om intyg",
        AuditActions.RequestWithdraw => "Drog tillbaka begäran om intyg",
        AuditActions.RequestSearch => "Sökte barnets begäranden om intyg",
        AuditActions.RequestRead => "Läste begäran om intyg",
        AuditActions.RequestFulfil => "Utfärdade intyg som svar på begäran",
        AuditActions.RequestExpire => "Begäran om intyg upphörde",
        AuditActions.RequestSend => "Skickade begäran om intyg till vårdnadshavare",
        AuditActions.ShareWithdrawnSend => "Meddelade förskolan eller skolan att intyget inte längre delas",
        AuditActions.GuardianContactRead => "Visade e-postadress och påminnelser",
        AuditActions.GuardianContactChange => "Ändrade e-postadress eller påminnelser",
        AuditActions.GuardianEmailByCare => "Angav vårdnadshavarens e-postadress",
        AuditActions.GuardianSuggestionAccept => "Bytte till e-postadressen som vården angett",
        AuditActions.GuardianSuggestionDismiss => "Behöll sin e-postadress i stället för vårdens",
        AuditActions.GuardianEmailChangedSend => "Meddelade den tidigare e-postadressen att adressen ändrats",
        _ => action,
    };

    public static string Outcome(string outcome) => outcome switch
    {
        AuditOutcomes.Ok => "Genomförd",
        AuditOutcomes.Denied => "Nekad",
        AuditOutcomes.NotFound => "Hittades inte",
        AuditOutcomes.Conflict => "Konflikt",
        AuditOutcomes.Replaced => "Ersatt",
        AuditOutcomes.Summary => "Sammanfattning",
        Instructions.InstructionAuditOutcomes.MeasuresChanged => "Åtgärderna ändrade: personalen ska instrueras på nytt",
        AuditOutcomes.Invalid => "Ogiltig",
        AuditOutcomes.PreconditionFailed => "Inaktuell version",
        Confirmations.SameMeasure => "Samma åtgärd",
        Confirmations.OtherMeasure => "En annan åtgärd",
        Shares.ShareAuditOutcomes.Unchanged => "Ingen ändring",
        Shares.ShareAuditOutcomes.NotActive => "Intyget är inte längre aktivt",
        Requests.RequestAuditOutcomes.AlreadyOpen => "Fanns redan en öppen begäran",
        Guardians.GuardianAuditOutcomes.Suggested => "Sparad som förslag till vårdnadshavaren",
        _ => outcome,
    };

    public static string NotificationStatus(string status) => status switch
    {
        Reminders.NotificationStatus.Pending => "Väntar",
        Reminders.NotificationStatus.Sending => "Skickas",
        Reminders.NotificationStatus.Sent => "Skickad",
        Reminders.NotificationStatus.Failed => "Misslyckad",
        Reminders.NotificationStatus.Cancelled => "Avbruten",
        _ => status,
    };

    /// <summary>What an outbox message is, in definite form, as the administrator's page names it.</summary>
    public static string NotificationKind(string kind) => kind switch
    {
        Reminders.NotificationKinds.Reminder => "Påminnelsen",
        Reminders.NotificationKinds.CertificateRequest => "Begäran om intyg",
        Reminders.NotificationKinds.ShareWithdrawn => "Meddelandet om avslutad delning",
        Reminders.NotificationKinds.EmailChanged => "Meddelandet om ändrad e-postadress",
        _ => kind,
    };

    /// <summary>A certificate request's status today, as the pages say it.</summary>
    public static string RequestStatus(string status) => status switch
    {
        Requests.RequestStatus.Open => "Öppen",
        Requests.RequestStatus.Withdrawn => "Tillbakadragen",
        Requests.RequestStatus.Fulfilled => "Besvarad med intyg",
        Requests.RequestStatus.Expired => "Upphörd",
        _ => status,
    };

    /// <summary>"Upphör om 3 dagar", for an open request close to lapsing; 0 is its last day.</summary>
    public static string RequestLapses(int daysLeft) => daysLeft switch
    {
        <= 0 => "Upphör i dag",
        1 => "Upphör om 1 dag",
        _ => string.Create(CultureInfo.InvariantCulture, $"Upphör om {daysLeft} dagar"),
    };

    /// <summary>"i dag", "1 dag", "12 dagar": how long a request has been open.</summary>
    public static string Age(int days) => days switch
    {
        <= 0 => "i dag",
        1 => "1 dag",
        _ => string.Create(CultureInfo.InvariantCulture, $"{days} dagar"),
    };

    /// <summary>A school unit by name when known, with its code: "Solbackeskolan (12345678)", else "Skolenhet 12345678".</summary>
    public static string SchoolUnit(string code, string? name) =>
        string.IsNullOrWhiteSpace(name) ? $"Skolenhet {code}" : $"{name} ({code})";
}
