using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure;

namespace EgenvardRegistry.Web;

/// <summary>How the pages say things in Swedish: dates, a certificate's status, measure and performer names.</summary>
public static class Swedish
{
    // Spelled out rather than taken from the sv-SE culture, so the pages read the same on a host without ICU data.
    private static readonly string[] Months =
        ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december"];

    /// <summary>"14 augusti 2027".</summary>
    public static string Date(DateOnly date) => $"{date.Day} {Months[date.Month - 1]} {date.Year}";

    /// <summary>"14 augusti 2027 kl. 09.05", in Stockholm time.</summary>
    public static string DateTime(DateTimeOffset instant)
    {
        var local = TimeZoneInfo.ConvertTime(instant, StockholmTime.Zone);
        return $"{Date(DateOnly.FromDateTime(local.DateTime))} kl. {local.Hour:00}.{local.Minute:00}";
    }

    /// <summary>Giltigt, Har gått ut, Återkallat, Ersatt or Inte giltigt ännu.</summary>
    public static string Status(Certificate certificate, DateOnly today) => StatusKey(certificate, today) switch
    {
        "revoked" => "Återkallat",
        "replaced" => "Ersatt",
        "expired" => "Har gått ut",
        "not-yet-valid" => "Inte giltigt ännu",
        _ => "Giltigt",
    };

    /// <summary>The status as a CSS class for <c>.status</c>: active, expired, revoked, replaced or not-yet-valid.</summary>
    public static string StatusKey(Certificate certificate, DateOnly today) => certificate.Status switch
    {
        CertificateStatus.Revoked => "revoked",
        CertificateStatus.Replaced => "replaced",
        _ when certificate.IsExpired(today) => "expired",
        _ when certificate.IsNotYetValid(today) => "not-yet-valid",
        _ => "active",
    };

    /// <summary>The measure's Swedish name; "Annan åtgärd" shows its description instead.</summary>
    public static string Measure(Measure measure) =>
        measure.Code == MeasureCatalogue.Other && !string.IsNullOrWhiteSpace(measure.Description)
            ? measure.Description
            : MeasureName(measure.Code);

    public static string MeasureName(string code) => MeasureCatalogue.Swedish.TryGetValue(code, out var name) ? name : code;

    public static string Performer(string code) => Performers.Swedish.TryGetValue(code, out var name) ? name : code;

    /// <summary>A personnummer as people write it: 20150312-2382.</summary>
    public static string Personnummer(string twelveDigits) =>
        twelveDigits.Length == 12 ? $"{twelveDigits[..8]}-{twelveDigits[8..]}" : twelveDigits;
}
