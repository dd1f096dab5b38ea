using System.Net;
using System.Text.RegularExpressions;
using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.Tests.Web;

/// <summary>
/// The clinician's search page: other care units' certificates are summaries until the clinician states a care
/// relationship in a step of its own, which the search audits.
/// </summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class CareRelationshipPagesTests(Engine engine) : IntegrationTest(engine)
{
    private const string Relationship = "Barnet är inskrivet på vår mottagning.";

    protected override Task<RegistryApp> HostAsync() => TestHosts.PagesFor(Engine);

    private async Task<(HttpClient Client, string Results, Guid Own, Guid Other)> SearchBothUnits()
    {
        var own = await IssueOk();
        Clock.Advance(TimeSpan.FromHours(1));
        var other = await IssueOk(Samples.Certificate(careUnit: Tokens.OtherCareUnit, measures: "inhaler",
            guardianPnr: Tokens.OtherGuardianPnr), Tokens.Clinician(Tokens.OtherCareUnit, "c2"));
        var client = await App.SignInClinicianAsync();
        using var response = await client.SubmitForm("/vard", "/vard", ("Personnummer", "20150312-2382"));
        return (client, await response.ReadPage(), own, other);
    }

    [Test]
    public async Task Search_ShowsOtherUnitsAsSummaries_WithoutGuardians_AndOffersTheCareRelationshipStep()
    {
        var (_, html, own, other) = await SearchBothUnits();

        Assert.That(html, Does.Contain($"href=\"/vard/intyg/{own}\""));
        Assert.That(html, Does.Contain("Inhalator").And.Contain("Annan vårdenhet: sammanfattning."));
        Assert.That(html, Does.Not.Contain(other.ToString()), "a summary links nowhere");
        Assert.That(html, Does.Not.Contain("19811218-9876").And.Not.Contain(Tokens.OtherGuardianPnr));
        Assert.That(html, Does.Contain("1 intyg från andra vårdenheter visas bara"));
        Assert.That(html, Does.Contain("action=\"/vard?handler=Relation\"").And.Contain(">Ange vårdrelation</button>"));
    }

    [Test]
    public async Task CareRelationshipStep_AsksForTheStatement_AndShowsNothingMoreOfTheChild()
    {
        var (client, results, _, _) = await SearchBothUnits();
        var audited = await AuditCount();

        using var response = await client.PostForm("/vard?handler=Relation", results, ("Personnummer", "20150312-2382"));
        var html = await response.ReadPage();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(html, Does.Contain("Ange din vårdrelation med barnet"));
        Assert.That(Pages.FieldBlock(html, "CareRelationship"), Does.Contain("<textarea"));
        Assert.That(html, Does.Not.Contain("Sökresultat").And.Not.Contain("Inhalator"));
        Assert.That(await AuditCount(), Is.EqualTo(audited), "asking reads nothing");
    }

    [Test]
    public async Task CareRelationshipStep_Blank_IsASwedishErrorByTheField_AndReadsNothing()
    {
        var (client, results, _, _) = await SearchBothUnits();
        using var step = await client.PostForm("/vard?handler=Relation", results, ("Personnummer", "20150312-2382"));
        var form = await step.ReadPage();
        var audited = await AuditCount();

        using var response = await client.PostForm("/vard?handler=Open", form, ("Personnummer", "20150312-2382"), ("CareRelationship", "  "));
        var html = await response.ReadPage();

        Pages.AssertFieldError(html, "CareRelationship", "Beskriv din vårdrelation med barnet");
        Assert.That(html, Does.Not.Contain("Sökresultat"));
        Assert.That(await AuditCount(), Is.EqualTo(audited));
    }

    [Test]
    public async Task CareRelationshipStated_ShowsOtherUnitsInFull_AndAuditsTheStatement()
    {
        var (client, results, _, other) = await SearchBothUnits();
        using var step = await client.PostForm("/vard?handler=Relation", results, ("Personnummer", "20150312-2382"));

        using var response = await client.PostForm("/vard?handler=Open", await step.ReadPage(),
            ("Personnummer", "20150312-2382"), ("CareRelationship", Relationship));
        var html = await response.ReadPage();

        Assert.That(html, Does.Contain($"Angiven vårdrelation: {Relationship}"));
        Assert.That(html, Does.Contain($"href=\"#intyg-{other}\"").And.Contain($"<section id=\"intyg-{other}\""));
        Assert.That(html, Does.Contain("19811218-9876"), "the other unit's certificate in full, guardians too");
        Assert.That(html, Does.Not.Contain("visas bara som sammanfattning"));
        foreach (Match url in Regex.Matches(html, "(?:href|action|formaction)=\"([^\"]*)\""))
        {
            Assert.That(url.Groups[1].Value, Does.Not.Contain("2382"));
        }
        var statement = (await AuditRows()).Single(row => row.Action == "certificate.search-care-relationship");
        Assert.That((statement.CertificateId, statement.Detail, statement.ActorUnit),
            Is.EqualTo(((string?)other.ToString(), (string?)Relationship, (string?)Tokens.CareUnit)));
    }

    [Test]
    public async Task AuditLogPage_ShowsTheStatedCareRelationship()
    {
        var (client, results, _, other) = await SearchBothUnits();
        using var step = await client.PostForm("/vard?handler=Relation", results, ("Personnummer", "20150312-2382"));
        using var _ = await client.PostForm("/vard?handler=Open", await step.ReadPage(),
            ("Personnummer", "20150312-2382"), ("CareRelationship", Relationship));
        var admin = await App.SignInAsync("admin");

        var page = await admin.GetPage($"/admin?intyg={other}");

        Assert.That(page, Does.Contain("Läste annan vårdenhets intyg med angiven vårdrelation"));
        Assert.That(page, Does.Contain($"Angiven vårdrelation: {Relationship}"));
    }
}
