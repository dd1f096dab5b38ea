using EgenvardRegistry.Certificates;
using EgenvardRegistry.Concerns;
using EgenvardRegistry.Infrastructure.Auth;

namespace EgenvardRegistry.Web;

/// <summary>
/// One concern as <c>_Concern</c> shows it to a reader of a role: with the certificate it is about, at a heading level
/// that fits the page. Staff see each other's names; a guardian sees units only. On a worklist, with how long it has
/// waited and a link to the certificate.
/// </summary>
public sealed record ConcernDisplay(Concern Concern, Certificate Certificate, string Title, int HeadingLevel, string Reader,
    ConcernOnWorklist? OnWorklist = null)
{
    public bool ShowStaff => Reader != Roles.Guardian;

    /// <summary>The school and the guardian are told whom to call while the care unit has not answered.</summary>
    public bool ShowCallHint => Reader != Roles.Clinician;

    /// <summary>Where the reader's own page of a certificate is, for the link to a renewal; a guardian has none.</summary>
    public string? CertificatePath => Reader switch
    {
        Roles.School => "/skola/intyg/",
        Roles.Clinician => "/vard/intyg/",
        _ => null,
    };
}

/// <summary>What a worklist adds to a concern: days waited, and the certificate's state today.</summary>
public sealed record ConcernOnWorklist(int AgeInDays, StatusText CertificateStatus);

/// <summary>How the pages say a concern in Swedish.</summary>
public static class ConcernText
{
    private static readonly StatusText Open = new("Väntar på svar", "pending", "Vårdenheten har inte svarat än.");
    private static readonly StatusText Answered = new("Besvarat", "active", "Vårdenheten har svarat.");

    public static string Category(string category) => ConcernCategories.Swedish.GetValueOrDefault(category, category);

    public static StatusText Status(Concern concern) => concern.Status == ConcernStatus.Answered ? Answered : Open;

    public static string YesNo(bool value) => value ? "Ja" : "Nej";

    /// <summary>"i dag", "1 dag", "4 dagar".</summary>
    public static string Age(int days) => days switch
    {
        <= 0 => "i dag",
        1 => "1 dag",
        _ => $"{days} dagar",
    };

    public static string FollowedBy(FollowingChange change) => change.Change == FollowingChanges.Renewed
        ? $"Intyget förnyades {SwedishText.StockholmTime(change.At)}."
        : $"Intyget återkallades {SwedishText.StockholmTime(change.At)}.";
}
