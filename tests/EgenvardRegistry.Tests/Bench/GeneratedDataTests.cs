using System.Net;
using System.Net.Http.Json;
using EgenvardRegistry.Bench;
using EgenvardRegistry.Certificates;
using EgenvardRegistry.Identifiers;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Tests.Infrastructure;
using EgenvardRegistry.Verification;

namespace EgenvardRegistry.Tests.Bench;

/// <summary>
/// The benchmark's data generator (tools/EgenvardRegistry.Bench) makes data the registry accepts as its own: identifiers
/// pass the registry's validation, every certificate is one the issue rules would take, the service verifies and reads
/// what was loaded, and the reminder scan queues what the generator says is due. Small (200 certificates), on both engines;
/// the benchmark itself (scripts/bench) is not a test.
/// </summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class GeneratedDataTests(Engine engine)
{
    private const int Certificates = 200;

    private TestDatabase _database = null!;
    private RegistryApp _app = null!;
    private DataPlan _plan = null!;
    private PlanFacts _facts = null!;

    private DateOnly Today => _plan.Options.Today;

    [OneTimeSetUp]
    public async Task Load()
    {
        _database = await TestDatabase.CreateAsync(engine);
        // Every tenth child is the bench unit's (the benchmark uses every hundredth), so 200 certificates give it a few.
        _plan = new DataPlan(new PlanOptions { Certificates = Certificates, Today = TestClock.Create().Today, BenchEvery = 10 });
        _facts = PlanFacts.Of(_plan);
        await Loader.LoadAsync(engine == Engine.Postgres ? BenchEngine.Postgres : BenchEngine.Sqlite, _database.ConnectionString, _plan,
            CancellationToken.None);
        _app = new RegistryApp(_database);
        _ = _app.Server; // starts the host on the loaded database: its migrations find nothing left to apply
    }

    [OneTimeTearDown]
    public async Task Drop()
    {
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Test]
    public async Task Load_WritesThePlannedRows()
    {
        await using var connection = await _database.OpenAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(await Count(connection, "certificates"), Is.EqualTo(Certificates));
            Assert.That(await Count(connection, "children"), Is.EqualTo(_facts.Children));
            Assert.That(await Count(connection, "guardians"), Is.EqualTo(_facts.Guardians));
            Assert.That(await Count(connection, "certificate_measures"), Is.EqualTo(_facts.Measures));
            Assert.That(await Count(connection, "certificate_shares"), Is.EqualTo(_facts.Shares));
            Assert.That(await Count(connection, "certificates WHERE status = 'replaced' AND replaced_by IS NOT NULL"),
                Is.EqualTo(_facts.ByKind[CertificateKind.Replaced]));
        });
        Assert.That(_facts.ByKind[CertificateKind.DueForReminder], Is.GreaterThan(0), "the mix has certificates due for a reminder");
        Assert.That(_facts.ByKind[CertificateKind.Revoked] + _facts.ByKind[CertificateKind.Replaced], Is.GreaterThan(0));
    }

    [Test]
    public void Identifiers_PassTheRegistrysOwnValidation()
    {
        foreach (var child in _plan.Children())
        {
            AssertPersonnummer(child.Personnummer);
            Assert.That(child.Personnummer[..4], Is.AnyOf("2010", "2011", "2012", "2013", "2014", "2015", "2016", "2017", "2018",
                "2019", "2020", "2021", "2022", "2023", "2024"), "children are born 2010–2024");
            foreach (var guardian in child.Guardians)
            {
                AssertPersonnummer(guardian.Personnummer);
            }
            foreach (var certificate in child.Certificates)
            {
                Assert.That(certificate.SharedWith, Has.All.Matches<string>(SchoolUnitCode.IsValid), "skolenhetskoder of 8 digits");
                // The issue rules, on the day it was issued (the validity must not have ended yet then).
                var (issued, errors) = CertificateRules.Validate(IssueRequest(child, certificate), certificate.ValidFrom);
                Assert.That(issued, Is.Not.Null, string.Join("; ", errors.ToProblemErrors().Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")));
            }
        }
    }

    [Test]
    public void BenchFiles_NameTheBenchUnitsChildrenAndTheirValidCertificates()
    {
        var benchChildren = _plan.Children().Where(child => child.SharedWithBenchUnit).ToList();
        Assert.That(_facts.BenchChildren.Select(child => child.Personnummer), Is.EqualTo(benchChildren.Select(child => child.Personnummer)));
        Assert.That(benchChildren, Has.All.Matches<PlannedChild>(child => child.Current.SharedWith.Contains(_plan.Options.BenchUnit)));
        Assert.That(_facts.BenchCertificates, Is.Not.Empty);
        Assert.That(_facts.BenchCertificates, Is.EquivalentTo(benchChildren.Where(child => child.Current.ValidOn(Today)).Select(child => child.Current.Id)));
    }

    [Test]
    public async Task Verification_AsTheBenchUnit_IsValidForItsChildrenWithAValidCertificate()
    {
        var client = _app.ClientFor(Tokens.School(_plan.Options.BenchUnit));
        var valid = _plan.Children().Where(child => child.SharedWithBenchUnit && child.Current.ValidOn(Today)).ToList();
        Assert.That(valid, Is.Not.Empty);
        foreach (var child in valid)
        {
            using var response = await client.PostAsJsonAsync("/api/verifications",
                new { personnummer = child.Personnummer, measure = child.Current.Measures[0].Code });
            var json = await response.ReadJson();
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), json.ToJsonString());
            Assert.That(json["reason"]!.GetValue<string>(), Is.EqualTo(VerificationReasons.Valid));
            Assert.That(json["certificate"]!["id"]!.GetValue<string>(), Is.EqualTo(child.Current.Id.ToString("D")));
            Assert.That(json["certificate"]!["childName"]!.GetValue<string>(), Is.EqualTo(child.Name));
        }
    }

    [Test]
    public async Task Verification_OfEveryChild_AnswersWhatItsKindOfCertificateMeans()
    {
        foreach (var child in _plan.Children())
        {
            var current = child.Current;
            var expected = current.Kind switch
            {
                CertificateKind.Expired => VerificationReasons.Expired,
                CertificateKind.NotYetValid => VerificationReasons.NotYetValid,
                CertificateKind.Revoked => VerificationReasons.Revoked,
                _ => VerificationReasons.Valid, // active, due for a reminder, or the renewal that speaks for a replaced one
            };
            using var response = await _app.ClientFor(Tokens.School(current.SharedWith[0])).PostAsJsonAsync("/api/verifications",
                new { personnummer = child.Personnummer, measure = current.Measures[0].Code });
            var json = await response.ReadJson();
            Assert.That(json["reason"]?.GetValue<string>(), Is.EqualTo(expected), $"{current.Kind}: {json.ToJsonString()}");
            Assert.That(json["certificate"]!["id"]!.GetValue<string>(), Is.EqualTo(current.Id.ToString("D")));
        }
    }

    [Test]
    public async Task Read_AsTheBenchUnit_ReturnsTheLoadedCertificate()
    {
        var child = _plan.Children().First(child => child.SharedWithBenchUnit && child.Current.ValidOn(Today));
        using var response = await _app.ClientFor(Tokens.School(_plan.Options.BenchUnit)).GetAsync($"/api/certificates/{child.Current.Id}");
        var json = await response.ReadJson();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), json.ToJsonString());
        Assert.That(json["status"]!.GetValue<string>(), Is.EqualTo(CertificateStatus.Active));
        Assert.That(json["measures"]!.AsArray().Select(m => m!["code"]!.GetValue<string>()),
            Is.EqualTo(child.Current.Measures.Select(m => m.Code)));
        Assert.That(json["sharedWith"]!.AsArray().Select(unit => unit!.GetValue<string>()), Does.Contain(_plan.Options.BenchUnit));
    }

    [Test]
    public async Task ReminderRun_QueuesOneReminderPerGuardianOfEachCertificateDue()
    {
        using var response = await _app.ClientFor(Tokens.Admin()).PostAsync("/api/admin/reminders/run", null);
        var json = await response.ReadJson();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), json.ToJsonString());
        Assert.That(_facts.ExpectedReminders, Is.GreaterThan(0));
        Assert.That(json["queued"]!.GetValue<int>(), Is.EqualTo(_facts.ExpectedReminders));
        Assert.That(json["sent"]!.GetValue<int>(), Is.EqualTo(_facts.ExpectedReminders), "the pickup folder takes every reminder");
    }

    private void AssertPersonnummer(string personnummer)
    {
        Assert.That(Personnummer.TryNormalize(personnummer, Today, out var normalized), Is.True, $"{Personnummer.Mask(personnummer)} is valid");
        Assert.That(normalized, Is.EqualTo(personnummer), "already in the registry's 12-digit form");
        Assert.That(Personnummer.IsSamordningsnummer(personnummer), Is.False);
    }

    private static IssueCertificateRequest IssueRequest(PlannedChild child, PlannedCertificate c) => new(
        new PersonInput(child.Personnummer, child.Name),
        [.. child.Guardians.Select(g => (GuardianInput?)new GuardianInput(g.Personnummer, g.Name, g.Email))],
        [.. c.Measures.Select(m => (MeasureInput?)new MeasureInput(m.Code, m.Description, m.Performer, m.Instructions, m.IfHarm, m.IfChanged))],
        "Diabetessköterska instruerar personalen på plats.",
        c.ValidFrom, c.ValidUntil, c.FollowUpOn,
        new CareUnitInput(c.CareUnit.HsaId, c.CareUnit.Name, c.CareUnit.Phone),
        [.. c.SharedWith]);

    private static async Task<long> Count(System.Data.Common.DbConnection connection, string from)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {from}";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
