// The SDK's POCO properties are all nullable; a test reading one that is missing fails on the exception as it would on an assertion.
#nullable disable warnings
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using EgenvardRegistry.Fhir;
using EgenvardRegistry.Tests.Infrastructure;
using R4 = Hl7.Fhir.Model;

namespace EgenvardRegistry.Tests.Fhir;

/// <summary>
/// The FHIR R4 view over HTTP: every resource it returns parses with the SDK and validates against base R4 with no
/// error; the access rules and audit events are those of the JSON API; every error is an OperationOutcome.
/// </summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class CarePlanTests(Engine engine) : IntegrationTest(engine)
{
    private const string PersonnummerSystem = "urn:oid:1.2.752.129.2.1.3.1";
    private const string SamordningsnummerSystem = "urn:oid:1.2.752.129.2.1.3.3";
    private const string HsaIdSystem = "urn:oid:1.2.752.129.2.1.4.1";
    private const string Samordningsnummer = "201503722389";

    private Task<HttpResponseMessage> Read(object id, string? token = null, string? accept = FhirMedia.Json)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/fhir/r4/CarePlan/{id}");
        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }
        return Client(token ?? Tokens.Clinician()).SendAsync(request);
    }

    private async Task<R4.CarePlan> ReadOk(Guid id, string? token = null)
    {
        using var response = await Read(id, token);
        return await response.ReadValid<R4.CarePlan>(HttpStatusCode.OK);
    }

    private Task<HttpResponseMessage> Search(string body, string? token = null, string contentType = "application/x-www-form-urlencoded",
        string query = "") =>
        Client(token ?? Tokens.Clinician()).PostAsync($"/fhir/r4/CarePlan/_search{query}",
            new StringContent(body, Encoding.UTF8, contentType));

    private static string Identifier(string system, string value) =>
        $"patient.identifier={Uri.EscapeDataString($"{system}|{value}")}";

    private static T Contained<T>(R4.CarePlan plan) where T : R4.Resource => plan.Contained.OfType<T>().Single();

    [Test]
    public async Task Read_ByTheIssuingClinician_IsACarePlanWithChildClinicianAndCareUnitContained_AndAudited()
    {
        var id = await IssueOk();

        using var response = await Read(id);
        var plan = await response.ReadValid<R4.CarePlan>(HttpStatusCode.OK);

        Assert.Multiple(async () =>
        {
            Assert.That(response.Headers.ETag?.ToString(), Is.EqualTo("W/\"1\""));
            Assert.That(response.Headers.CacheControl?.NoStore, Is.True);
            Assert.That((plan.Id, plan.Status, plan.Intent), Is.EqualTo((id.ToString(), (R4.RequestStatus?)R4.RequestStatus.Active,
                (R4.CarePlan.CarePlanIntent?)R4.CarePlan.CarePlanIntent.Plan)));
            Assert.That((plan.Period.Start, plan.Period.End), Is.EqualTo(("2026-08-15", "2027-08-14")));
            Assert.That(plan.Identifier.Single().Value, Is.EqualTo($"urn:uuid:{id}"));
            var patient = Contained<R4.Patient>(plan);
            Assert.That(plan.Subject.Reference, Is.EqualTo("#patient"));
            Assert.That((patient.Identifier.Single().System, patient.Identifier.Single().Value), Is.EqualTo((PersonnummerSystem, Samples.ChildPnr)));
            Assert.That(patient.Name.Single().Text, Is.EqualTo("Alva Lind"));
            var practitioner = Contained<R4.Practitioner>(plan);
            Assert.That(plan.Author.Reference, Is.EqualTo("#practitioner"));
            Assert.That((practitioner.Identifier.Single().System, practitioner.Identifier.Single().Value),
                Is.EqualTo((HsaIdSystem, "SE2321000016-K7BG")));
            Assert.That((practitioner.Name.Single().Text, practitioner.Qualification.Single().Code.Text), Is.EqualTo(("Karin Berg", "Sjuksköterska")));
            var organization = Contained<R4.Organization>(plan);
            Assert.That(plan.Contributor.Single().Reference, Is.EqualTo("#organization"));
            Assert.That((organization.Identifier.Single().System, organization.Identifier.Single().Value), Is.EqualTo((HsaIdSystem, Tokens.CareUnit)));
            Assert.That((organization.Name, organization.Telecom.Single().Value), Is.EqualTo(("Barndiabetesmottagningen Västerås", "021-17 30 00")));
            var detail = plan.Activity.Single().Detail;
            Assert.That((detail.Code.Coding.Single().Code, detail.Status), Is.EqualTo(("insulin",
                (R4.CarePlan.CarePlanActivityStatus?)R4.CarePlan.CarePlanActivityStatus.InProgress)));
            Assert.That(detail.Description, Is.EqualTo("Insulinpenna före lunch enligt dosschema."));
            Assert.That(detail.Performer.Select(performer => performer.Reference ?? performer.Display),
                Is.EqualTo(new[] { "#patient", "Personal i förskola eller skola" }));
            Assert.That(plan.Note.Select(note => note.Text), Has.Some.Contains("vid medvetslöshet ring 112")
                .And.Some.Contains("Kontakta diabetesmottagningen.").And.Some.Contains("Uppföljning senast 2027-02-15"));
            var audit = (await AuditRows())[^1];
            Assert.That((audit.Action, audit.Outcome, audit.CertificateId, audit.ChildId),
                Is.EqualTo(("certificate.read", "ok", (string?)id.ToString(), await ChildId(Samples.ChildPnr))));
        });
    }

    [Test]
    public async Task Read_ByTheSchoolGuardianAndAdmin_AsTheJsonApi()
    {
        var id = await IssueOk();

        foreach (var token in new[] { Tokens.School(), Tokens.Guardian(), Tokens.Admin() })
        {
            Assert.That((await ReadOk(id, token)).Id, Is.EqualTo(id.ToString()));
        }
        Assert.That(await AuditCount("action = 'certificate.read' AND outcome = 'ok'"), Is.EqualTo(3));
    }

    [Test]
    public async Task Read_RenewedRevokedAndExpired_MapToTheirStatus_AndTheRenewalReplacesTheOldCarePlan()
    {
        var old = await IssueOk();
        using var renewal = await Renew(old);
        var renewed = Guid.Parse((await renewal.ReadJson())["id"]!.GetValue<string>());
        var expiring = await IssueOk(Samples.Certificate(childPnr: Samples.OtherChildPnr, validFrom: "2026-01-10",
            validUntil: "2026-12-31", followUpOn: "2026-06-01"));

        var oldPlan = await ReadOk(old);
        var renewedPlan = await ReadOk(renewed);
        using var revocation = await Revoke(renewed);
        var revokedPlan = await ReadOk(renewed);
        Clock.Advance(TimeSpan.FromDays(40));
        var expiredPlan = await ReadOk(expiring);

        Assert.Multiple(() =>
        {
            Assert.That(revocation.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(oldPlan.Status, Is.EqualTo(R4.RequestStatus.Completed), "replaced by a renewal");
            Assert.That(oldPlan.Activity.Single().Detail.Status, Is.EqualTo(R4.CarePlan.CarePlanActivityStatus.Completed));
            Assert.That(oldPlan.Replaces, Is.Empty);
            Assert.That(renewedPlan.Status, Is.EqualTo(R4.RequestStatus.Active));
            Assert.That(renewedPlan.Replaces.Single().Reference, Is.EqualTo($"CarePlan/{old}"));
            Assert.That((renewedPlan.Period.Start, renewedPlan.Period.End), Is.EqualTo(("2027-08-01", "2028-07-31")));
            Assert.That(revokedPlan.Status, Is.EqualTo(R4.RequestStatus.Revoked));
            Assert.That(revokedPlan.Activity.Single().Detail.Status, Is.EqualTo(R4.CarePlan.CarePlanActivityStatus.Stopped));
            Assert.That(revokedPlan.Note.Select(note => note.Text), Has.Some.EqualTo("Återkallat: Behandlingen är avslutad."));
            Assert.That(expiredPlan.Status, Is.EqualTo(R4.RequestStatus.Completed), "expired on 31 December");
        });
    }

    [Test]
    public async Task Read_ByOthers_Unknown_Unsigned_OrNotAskingForJson_IsAnOperationOutcome()
    {
        var id = await IssueOk();

        using (var foreign = await Read(id, Tokens.Clinician(Tokens.OtherCareUnit, "clinician-2")))
        {
            await foreign.ReadOutcome(HttpStatusCode.NotFound, R4.OperationOutcome.IssueType.NotFound);
        }
        using (var notAnId = await Read("not-a-guid"))
        {
            await notAnId.ReadOutcome(HttpStatusCode.NotFound, R4.OperationOutcome.IssueType.NotFound);
        }
        using (var unsigned = await Client(null).GetAsync($"/fhir/r4/CarePlan/{id}"))
        {
            await unsigned.ReadOutcome(HttpStatusCode.Unauthorized, R4.OperationOutcome.IssueType.Login);
        }
        using (var xml = await Read(id, accept: "application/fhir+xml"))
        {
            await xml.ReadOutcome(HttpStatusCode.NotAcceptable, R4.OperationOutcome.IssueType.NotSupported);
        }
        using (var otherType = await Client(Tokens.Clinician()).GetAsync("/fhir/r4/Patient/1"))
        {
            await otherType.ReadOutcome(HttpStatusCode.NotFound, R4.OperationOutcome.IssueType.NotFound);
        }
        using (var update = await Client(Tokens.Clinician()).PutAsync($"/fhir/r4/CarePlan/{id}",
                   new StringContent("{}", Encoding.UTF8, FhirMedia.Json)))
        {
            await update.ReadOutcome(HttpStatusCode.MethodNotAllowed, R4.OperationOutcome.IssueType.NotSupported);
        }
        Assert.That(await AuditCount("action = 'certificate.read' AND outcome = 'denied'"), Is.EqualTo(1));
    }

    [Test]
    public async Task Search_ByPersonnummerInAFormBody_IsASearchsetOfValidCarePlans_OtherUnitsSubsetted_AndAudited()
    {
        var own = await IssueOk();
        Clock.Advance(TimeSpan.FromMinutes(5));
        var others = await IssueOk(Samples.Certificate(careUnit: Tokens.OtherCareUnit, measures: "oxygen"),
            Tokens.Clinician(Tokens.OtherCareUnit, "clinician-2"));
        await IssueOk(Samples.Certificate(childPnr: Samples.OtherChildPnr));

        using var response = await Search(Identifier(PersonnummerSystem, Samples.ChildPnr));
        var bundle = await response.ReadValid<R4.Bundle>(HttpStatusCode.OK);

        Assert.Multiple(async () =>
        {
            Assert.That((bundle.Type, bundle.Total), Is.EqualTo(((R4.Bundle.BundleType?)R4.Bundle.BundleType.Searchset, (int?)2)));
            Assert.That(bundle.Entry.Select(entry => entry.Resource.Id), Is.EqualTo(new[] { others.ToString(), own.ToString() }),
                "newest first");
            Assert.That(bundle.Entry.Select(entry => entry.FullUrl),
                Is.EqualTo(new[] { $"http://localhost/fhir/r4/CarePlan/{others}", $"http://localhost/fhir/r4/CarePlan/{own}" }));
            Assert.That(bundle.Link.Single().Url, Does.Not.Contain(Samples.ChildPnr));
            var (subsetted, full) = ((R4.CarePlan)bundle.Entry[0].Resource, (R4.CarePlan)bundle.Entry[1].Resource);
            Assert.That(subsetted.Meta.Tag.Single().Code, Is.EqualTo("SUBSETTED"));
            Assert.That((subsetted.Author, subsetted.Activity.Single().Detail.Description), Is.EqualTo(((R4.ResourceReference?)null, (string?)null)));
            Assert.That(Contained<R4.Organization>(subsetted).Identifier.Single().Value, Is.EqualTo(Tokens.OtherCareUnit));
            Assert.That(Contained<R4.Patient>(subsetted).Identifier.Single().Value, Is.EqualTo(Samples.ChildPnr));
            Assert.That(full.Meta.Tag, Is.Empty);
            Assert.That(Contained<R4.Practitioner>(full).Identifier.Single().System, Is.EqualTo(HsaIdSystem));
            var audit = (await AuditRows()).Where(row => row.Action == "certificate.search").Select(row => (row.CertificateId, row.Outcome));
            Assert.That(audit, Is.EquivalentTo(new[] { ((string?)own.ToString(), "ok"), (others.ToString(), "summary") }));
        });
    }

    [Test]
    public async Task Search_ForASamordningsnummer_UsesItsSystem_AndAnUnknownChild_IsAnEmptySearchset()
    {
        var id = await IssueOk(Samples.Certificate(childPnr: Samordningsnummer));

        using var found = await Search(Identifier(SamordningsnummerSystem, Samordningsnummer));
        using var none = await Search(Identifier(PersonnummerSystem, Samples.OtherChildPnr));

        var bundle = await found.ReadValid<R4.Bundle>(HttpStatusCode.OK);
        var patient = Contained<R4.Patient>((R4.CarePlan)bundle.Entry.Single().Resource);
        Assert.That((bundle.Entry.Single().Resource.Id, patient.Identifier.Single().System, patient.Identifier.Single().Value),
            Is.EqualTo((id.ToString(), SamordningsnummerSystem, Samordningsnummer)));
        var empty = await none.ReadValid<R4.Bundle>(HttpStatusCode.OK);
        Assert.That((empty.Total, empty.Entry.Count), Is.EqualTo(((int?)0, 0)));
        Assert.That(await AuditCount("action = 'certificate.search' AND outcome = 'not-found'"), Is.EqualTo(1));
    }

    private static IEnumerable<TestCaseData> BadSearches()
    {
        const string form = "application/x-www-form-urlencoded";
        TestCaseData Case(string name, string body, HttpStatusCode status, R4.OperationOutcome.IssueType code, string contentType = form) =>
            new TestCaseData(body, contentType, status, code).SetName($"Search_{name}_Is{(int)status}OperationOutcome_AndReadsNothing");
        yield return Case("NoParameter", "", HttpStatusCode.BadRequest, R4.OperationOutcome.IssueType.Required);
        yield return Case("TwoIdentifiers", $"{Identifier(PersonnummerSystem, Samples.ChildPnr)}&{Identifier(PersonnummerSystem, Samples.OtherChildPnr)}",
            HttpStatusCode.BadRequest, R4.OperationOutcome.IssueType.Required);
        yield return Case("NoSystem", $"patient.identifier={Samples.ChildPnr}", HttpStatusCode.BadRequest, R4.OperationOutcome.IssueType.Invalid);
        yield return Case("HsaIdSystem", Identifier(HsaIdSystem, Samples.ChildPnr), HttpStatusCode.BadRequest, R4.OperationOutcome.IssueType.NotSupported);
        yield return Case("UnknownSystem", Identifier("http://example.org/pnr", Samples.ChildPnr), HttpStatusCode.BadRequest,
            R4.OperationOutcome.IssueType.NotSupported);
        yield return Case("WithSeparator", Identifier(PersonnummerSystem, "20150312-2382"), HttpStatusCode.BadRequest,
            R4.OperationOutcome.IssueType.Invalid);
        yield return Case("TenDigits", Identifier(PersonnummerSystem, "1503122382"), HttpStatusCode.BadRequest, R4.OperationOutcome.IssueType.Invalid);
        yield return Case("OtherParameter", $"{Identifier(PersonnummerSystem, Samples.ChildPnr)}&name=Alva", HttpStatusCode.BadRequest,
            R4.OperationOutcome.IssueType.NotSupported);
        yield return Case("WrongCheckDigit", Identifier(PersonnummerSystem, "201503122383"), HttpStatusCode.UnprocessableEntity,
            R4.OperationOutcome.IssueType.Value);
        yield return Case("SamordningsnummerAsPersonnummer", Identifier(PersonnummerSystem, Samordningsnummer),
            HttpStatusCode.UnprocessableEntity, R4.OperationOutcome.IssueType.Value);
        yield return Case("JsonBody", $"{{\"personnummer\":\"{Samples.ChildPnr}\"}}", HttpStatusCode.UnsupportedMediaType,
            R4.OperationOutcome.IssueType.NotSupported, "application/json");
    }

    [TestCaseSource(nameof(BadSearches))]
    public async Task Search_BadInput_IsAnOperationOutcome(string body, string contentType, HttpStatusCode status, R4.OperationOutcome.IssueType code)
    {
        await IssueOk();

        using var response = await Search(body, contentType: contentType);
        var outcome = await response.ReadOutcome(status, code);

        Assert.That(outcome.Issue.Single().Diagnostics, Does.Not.Contain("2382").And.Not.Contain("2383").And.Not.Contain("2389"));
        Assert.That(await AuditCount("action = 'certificate.search'"), Is.EqualTo(0));
    }

    [Test]
    public async Task SearchWithTheIdentifierInTheUrl_ByGetOrInAPostsQuery_IsRefusedBeforeAnythingIsRead()
    {
        await IssueOk();
        var query = $"?{Identifier(PersonnummerSystem, Samples.ChildPnr)}";

        using var get = await Client(Tokens.Clinician()).GetAsync($"/fhir/r4/CarePlan{query}");
        using var getSearch = await Client(Tokens.Clinician()).GetAsync($"/fhir/r4/CarePlan/_search{query}");
        using var anonymous = await Client(null).GetAsync($"/fhir/r4/CarePlan{query}");
        using var post = await Search(Identifier(PersonnummerSystem, Samples.ChildPnr), query: query);

        foreach (var response in new[] { get, getSearch, anonymous, post })
        {
            var outcome = await response.ReadOutcome(HttpStatusCode.BadRequest, R4.OperationOutcome.IssueType.NotSupported);
            Assert.That(outcome.Issue.Single().Diagnostics, Does.Contain("URL").And.Not.Contain("2382"));
        }
        Assert.That(await AuditCount("action <> 'certificate.issue'"), Is.EqualTo(0), "nothing was read");
    }

    [Test]
    public async Task Search_ByASchool_Is403OperationOutcome()
    {
        using var response = await Search(Identifier(PersonnummerSystem, Samples.ChildPnr), Tokens.School());

        await response.ReadOutcome(HttpStatusCode.Forbidden, R4.OperationOutcome.IssueType.Forbidden);
    }

    [Test]
    public async Task Metadata_WithoutSigningIn_IsACapabilityStatementOfCarePlanReadAndSearchOnly()
    {
        using var response = await Client(null).GetAsync("/fhir/r4/metadata");
        var statement = await response.ReadValid<R4.CapabilityStatement>(HttpStatusCode.OK);

        var rest = statement.Rest.Single();
        var resource = rest.Resource.Single();
        Assert.Multiple(() =>
        {
            Assert.That((statement.Kind, statement.FhirVersion), Is.EqualTo(((R4.CapabilityStatementKind?)R4.CapabilityStatementKind.Instance,
                (R4.FHIRVersion?)R4.FHIRVersion.N4_0_1)));
            Assert.That(statement.Format, Is.EqualTo(new[] { "application/fhir+json" }));
            Assert.That(statement.Implementation.Url, Is.EqualTo("http://localhost/fhir/r4"));
            Assert.That(rest.Interaction, Is.Empty, "no system-level interactions");
            Assert.That(resource.Type, Is.EqualTo("CarePlan"));
            Assert.That(resource.Interaction.Select(interaction => interaction.Code), Is.EqualTo(new R4.CapabilityStatement.TypeRestfulInteraction?[]
            {
                R4.CapabilityStatement.TypeRestfulInteraction.Read, R4.CapabilityStatement.TypeRestfulInteraction.SearchType,
            }));
            Assert.That(resource.SearchParam.Single().Documentation, Does.Contain("patient.identifier").And.Contain(PersonnummerSystem));
        });
    }
}
