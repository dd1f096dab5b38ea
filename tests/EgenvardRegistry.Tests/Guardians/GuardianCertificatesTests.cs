using System.Net;
using System.Text.Json.Nodes;
using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.Tests.Guardians;

[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class GuardianCertificatesTests(Engine engine) : IntegrationTest(engine)
{
    private async Task<JsonArray> List(string token)
    {
        using var response = await Client(token).GetAsync("/api/guardians/me/certificates");
        var json = await response.ReadJson();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), json.ToJsonString());
        Assert.That(response.Headers.CacheControl!.NoStore, Is.True);
        return json["items"]!.AsArray();
    }

    [Test]
    public async Task List_ShowsOnlyCertificatesNamingTheGuardian_NewestFirst()
    {
        var older = await IssueOk();
        Clock.Advance(TimeSpan.FromMinutes(5));
        var sibling = Samples.Certificate(childPnr: Samples.OtherChildPnr, measures: "adrenaline");
        sibling["guardians"]!.AsArray().Add(new JsonObject
        {
            ["personnummer"] = Tokens.OtherGuardianPnr, ["name"] = "Olof Lind", ["email"] = null,
        });
        var newer = await IssueOk(sibling);
        await IssueOk(Samples.Certificate(childPnr: "201304051236", guardianPnr: Tokens.OtherGuardianPnr));

        var mine = await List(Tokens.Guardian());
        var theirs = await List(Tokens.Guardian(Tokens.OtherGuardianPnr));

        Assert.That(mine.Select(item => item!["id"]!.GetValue<string>()), Is.EqualTo(new[] { newer.ToString(), older.ToString() }));
        Assert.That(mine[0]!["child"]!["personnummer"]!.GetValue<string>(), Is.EqualTo(Samples.OtherChildPnr));
        Assert.That(mine[0]!["guardians"]!.AsArray(), Has.Count.EqualTo(2));
        Assert.That(theirs, Has.Count.EqualTo(2));
        Assert.That(theirs.Select(item => item!["id"]!.GetValue<string>()), Does.Not.Contain(older.ToString()));
    }

    /// <summary>Guardians who have separated need not learn each other's personnummer or address from the registry.</summary>
    [Test]
    public async Task List_ShowsTheCallersOwnDetails_AndTheOtherGuardiansNameOnly()
    {
        var body = Samples.Certificate();
        body["guardians"]!.AsArray().Add(new JsonObject
        {
            ["personnummer"] = Tokens.OtherGuardianPnr, ["name"] = "Olof Lind", ["email"] = "olof.lind@example.se",
        });
        await IssueOk(body);

        var mine = (await List(Tokens.Guardian()))[0]!["guardians"]!.AsArray();
        var theirs = (await List(Tokens.Guardian(Tokens.OtherGuardianPnr)))[0]!["guardians"]!.AsArray();

        static (string Name, string? Pnr, string? Email) Row(JsonNode? g) =>
            (g!["name"]!.GetValue<string>(), g["personnummer"]?.GetValue<string>(), g["email"]?.GetValue<string>());
        Assert.That(mine.Select(Row), Is.EquivalentTo(new (string, string?, string?)[]
        {
            ("Sara Lind", Tokens.GuardianPnr, "sara.lind@example.se"), ("Olof Lind", null, null),
        }));
        Assert.That(theirs.Select(Row), Is.EquivalentTo(new (string, string?, string?)[]
        {
            ("Sara Lind", null, null), ("Olof Lind", Tokens.OtherGuardianPnr, "olof.lind@example.se"),
        }));
    }

    [Test]
    public async Task List_GuardianWithoutCertificates_GetsAnEmptyListAndTheLookIsAudited()
    {
        await IssueOk();

        var items = await List(Tokens.Guardian(Tokens.OtherGuardianPnr));

        Assert.That(items, Is.Empty);
        var audit = (await AuditRows()).Single(row => row.Action == "guardian.list");
        Assert.That(audit.ActorRole, Is.EqualTo("guardian"));
        Assert.That(audit.CertificateId, Is.Null);
    }

    [Test]
    public async Task List_AuditsEachCertificateShown_WithoutThePersonnummer()
    {
        var id = await IssueOk();

        await List(Tokens.Guardian());

        var audit = (await AuditRows()).Single(row => row.Action == "guardian.list");
        Assert.That(Guid.Parse(audit.CertificateId!), Is.EqualTo(id));
        Assert.That(audit.ChildId, Is.EqualTo(await ChildId(Samples.ChildPnr)));
        Assert.That(audit.ActorId, Is.EqualTo("guardian-2380"));
        Assert.That(string.Join("|", audit), Does.Not.Contain(Tokens.GuardianPnr));
    }

    [Test]
    public async Task List_TokenWithInvalidPersonnummer_Returns403()
    {
        var token = Tokens.Mint(new() { ["sub"] = "g", ["name"] = "G", ["role"] = "guardian", ["pnr"] = "198204112381" });

        using var response = await Client(token).GetAsync("/api/guardians/me/certificates");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }
}
