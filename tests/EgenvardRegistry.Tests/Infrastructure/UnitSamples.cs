using System.Net;
using System.Text;

namespace EgenvardRegistry.Tests.Infrastructure;

/// <summary>A small unit directory: the tests' two school units, two preschools and a fritidshem.</summary>
public static class UnitSamples
{
    public const string Preschool = "F1980001";
    public const string OtherPreschool = "F1980002";
    public const string Fritidshem = "12340001";

    public const string SchoolName = "Solbackaskolan";
    public const string OtherSchoolName = "Ängsskolan";
    public const string PreschoolName = "Solrosens förskola";
    public const string OtherPreschoolName = "Örnens förskola";

    public static readonly string Csv = string.Join("\n",
        "id;name;kind;municipality;organiser;contactEmail",
        $"{Tokens.SchoolUnit};{SchoolName};skola;Västerås;Västerås stad;rektor.solbacka@example.se",
        $"{Tokens.OtherSchoolUnit};{OtherSchoolName};skola;Eskilstuna;Eskilstuna kommun;",
        $"{Preschool};{PreschoolName};forskola;Västerås;Västerås stad;",
        $"{OtherPreschool};{OtherPreschoolName};forskola;Västerås;Förskolan Örnen AB;",
        $"{Fritidshem};Ängsskolans fritidshem;fritidshem;Eskilstuna;Eskilstuna kommun;") + "\n";

    /// <summary>POST the file to the import as an administrator.</summary>
    public static Task<HttpResponseMessage> Import(this HttpClient admin, string csv, string mediaType = "text/csv") =>
        admin.PostAsync("/api/admin/units/import", new StringContent(csv, Encoding.UTF8, mediaType));

    /// <summary>Imports <see cref="Csv"/> (or <paramref name="csv"/>), which must succeed.</summary>
    public static async Task ImportOk(this HttpClient admin, string? csv = null)
    {
        using var response = await admin.Import(csv ?? Csv);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }
}
