using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.Tests.Certificates;

[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class IssueCertificateTests(Engine engine) : IntegrationTest(engine)
{
    [Test]
    public async Task Issue_CompleteCertificate_Returns201WithLocationETagAndTheStoredCertificate()
    {
        var body = Samples.Certificate();
        body["child"]!["personnummer"] = "150312-2382"; // ten digits with separator
        body["guardians"]![0]!["personnummer"] = "19820411-2380";

        using var response = await Issue(body);
        var json = await response.ReadJson();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), json.ToJsonString());
        var id = json["id"]!.GetValue<string>();
        Assert.Multiple(() =>
        {
            Assert.That(response.Headers.Location!.ToString(), Is.EqualTo($"/api/certificates/{id}"));
            Assert.That(response.Headers.ETag!.Tag, Is.EqualTo("\"1\""));
            Assert.That(response.Headers.CacheControl!.NoStore, Is.True);
            Assert.That(json["status"]!.GetValue<string>(), Is.EqualTo("active"));
            Assert.That(json["version"]!.GetValue<int>(), Is.EqualTo(1));
            Assert.That(json["expired"]!.GetValue<bool>(), Is.False);
            Assert.That(json["child"]!["personnummer"]!.GetValue<string>(), Is.EqualTo("201503122382"));
            Assert.That(json["guardians"]![0]!["personnummer"]!.GetValue<string>(), Is.EqualTo("198204112380"));
            Assert.That(json["guardians"]![0]!["email"]!.GetValue<string>(), Is.EqualTo("sara.lind@example.se"));
            Assert.That(json["measures"]![0]!["code"]!.GetValue<string>(), Is.EqualTo("insulin"));
            Assert.That(json["measures"]![0]!["performer"]!.GetValue<string>(), Is.EqualTo("child-with-staff"));
            Assert.That(json["validFrom"]!.GetValue<string>(), Is.EqualTo("2026-08-15"));
            Assert.That(json["validUntil"]!.GetValue<string>(), Is.EqualTo("2027-08-14"));
            Assert.That(json["followUpOn"]!.GetValue<string>(), Is.EqualTo("2027-02-15"));
            Assert.That(json["careUnit"]!["phone"]!.GetValue<string>(), Is.EqualTo("021-17 30 00"));
            Assert.That(json["sharedWith"]!.AsArray().Select(n => n!.GetValue<string>()), Is.EqualTo(new[] { Tokens.SchoolUnit }));
            Assert.That(json["issuedBy"]!["hsaId"]!.GetValue<string>(), Is.EqualTo("SE2321000016-K7BG"));
            Assert.That(json["issuedBy"]!["profession"]!.GetValue<string>(), Is.EqualTo("Sjuksköterska"));
            Assert.That(DateTimeOffset.Parse(json["issuedAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture),
                Is.EqualTo(TestClock.Reference));
            Assert.That(json["replaces"], Is.Null);
            Assert.That(json["revocation"], Is.Null);
        });

        using var read = await Client(Tokens.Clinician()).GetAsync(response.Headers.Location);
        var stored = await read.ReadJson();
        Assert.That(stored.ToJsonString(), Is.EqualTo(json.ToJsonString()));
    }

    [Test]
    public async Task Issue_TwoCertificatesForOneChild_ShareTheChildAndGuardianRows()
    {
        await IssueOk();
        var second = Samples.Certificate(measures: "adrenaline");
        second["guardians"]![0]!["email"] = "sara.ny@example.se";
        await IssueOk(second);

        Assert.That(await Count("children"), Is.EqualTo(1));
        Assert.That(await Count("guardians"), Is.EqualTo(1));
        Assert.That(await Count("guardians", "email = 'sara.ny@example.se'"), Is.EqualTo(1), "the newest address is kept");
        Assert.That(await Count("certificates"), Is.EqualTo(2));
    }

    [Test]
    public async Task Issue_WritesOneAuditEventWithTheChildsInternalId()
    {
        var id = await IssueOk();

        var audit = await AuditRows();
        Assert.That(audit, Has.Count.EqualTo(1));
        var row = audit[0];
        Assert.Multiple(async () =>
        {
            Assert.That(row.Action, Is.EqualTo("certificate.issue"));
            Assert.That(row.ActorRole, Is.EqualTo("clinician"));
            Assert.That(row.ActorId, Is.EqualTo("clinician-1"));
            Assert.That(row.ActorUnit, Is.EqualTo(Tokens.CareUnit));
            Assert.That(Guid.Parse(row.CertificateId!), Is.EqualTo(id));
            Assert.That(row.ChildId, Is.EqualTo(await ChildId(Samples.ChildPnr)));
            Assert.That(row.Outcome, Is.EqualTo("ok"));
            Assert.That(string.Join("|", row), Does.Not.Contain(Samples.ChildPnr));
        });
    }

    // Each of the seven parts of an egenvård assessment, and the care unit's contact, is required.
    [TestCase("measures", "measures")]
    [TestCase("measures[0].performer", "measures[0].performer")]
    [TestCase("instructionGivenBy", "instructionGivenBy")]
    [TestCase("measures[0].ifHarm", "measures[0].ifHarm")]
    [TestCase("measures[0].ifChanged", "measures[0].ifChanged")]
    [TestCase("followUpOn", "followUpOn")]
    [TestCase("validUntil", "validUntil")]
    [TestCase("measures[0].instructions", "measures[0].instructions")]
    [TestCase("careUnit.name", "careUnit.name")]
    [TestCase("careUnit.phone", "careUnit.phone")]
    [TestCase("careUnit", "careUnit")]
    [TestCase("child", "child.personnummer")]
    [TestCase("child.name", "child.name")]
    [TestCase("guardians", "guardians")]
    [TestCase("validFrom", "validFrom")]
    public async Task Issue_MissingPart_Returns400NamingTheFieldAndStoresNothing(string remove, string expectedField)
    {
        var body = Samples.Certificate();
        Remove(body, remove);

        using var response = await Issue(body);
        var problem = await response.ReadJson();

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That(problem["status"]!.GetValue<int>(), Is.EqualTo(400));
            Assert.That(problem.ErrorFields(), Does.Contain(expectedField));
            Assert.That(await Count("certificates"), Is.EqualTo(0));
            Assert.That(await Count("children"), Is.EqualTo(0));
            Assert.That(await AuditCount(), Is.EqualTo(0));
        });
    }

    [TestCase("child.personnummer", "201503122383", "child.personnummer")] // wrong check digit
    [TestCase("child.personnummer", "20150230-2382", "child.personnummer")] // no such date
    [TestCase("guardians[0].personnummer", "201503122382", "guardians[0].personnummer")] // the child itself
    [TestCase("guardians[0].email", "sara.lind(at)example.se", "guardians[0].email")]
    [TestCase("measures[0].code", "aspirin", "measures[0].code")]
    [TestCase("measures[0].performer", "teacher", "measures[0].performer")]
    [TestCase("careUnit.hsaId", "SE232100-D1AB", "careUnit.hsaId")]
    [TestCase("careUnit.phone", "ring oss", "careUnit.phone")]
    [TestCase("sharedWith[0]", "1234567", "sharedWith[0]")]
    [TestCase("validUntil", "2027-09-16", "validUntil")] // more than 13 months after validFrom
    [TestCase("validUntil", "2026-08-14", "validUntil")] // before validFrom
    [TestCase("followUpOn", "2027-08-15", "followUpOn")] // after validUntil
    [TestCase("followUpOn", "2026-08-14", "followUpOn")] // before validFrom
    public async Task Issue_InvalidValue_Returns400NamingTheField(string path, string value, string expectedField)
    {
        var body = Samples.Certificate();
        Set(body, path, value);

        using var response = await Issue(body);
        var problem = await response.ReadJson();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), problem.ToJsonString());
        Assert.That(problem.ErrorFields(), Is.EqualTo(new[] { expectedField }));
        Assert.That(await Count("certificates"), Is.EqualTo(0));
    }

    [Test]
    public async Task Issue_ValidityOfExactlyThirteenMonths_IsAccepted()
    {
        await IssueOk(Samples.Certificate(validFrom: "2026-08-15", validUntil: "2027-09-15", followUpOn: "2027-09-15"));
    }

    [TestCase("9999-06-01", "9999-12-31", "9999-07-01", new[] { "validFrom" })]
    [TestCase("9999-12-31", "9999-12-31", "9999-12-31", new[] { "validFrom" })]
    [TestCase("2027-12-24", "2028-06-01", "2028-01-01", new[] { "validFrom" })]
    [TestCase("0001-01-01", "9999-12-31", "2027-01-01", new[] { "validUntil" })]
    [TestCase("0001-01-01", "0001-01-31", "0001-01-15", new[] { "validUntil" })]
    public async Task Issue_DatesAtTheEndsOfTheCalendar_Give400NamingTheField(string from, string until, string followUp, string[] fields)
    {
        using var response = await Issue(Samples.Certificate(validFrom: from, validUntil: until, followUpOn: followUp));
        var problem = await response.ReadJson();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), problem.ToJsonString());
        Assert.That(problem.ErrorFields(), Is.EqualTo(fields));
        Assert.That(await Count("certificates"), Is.EqualTo(0));
    }

    /// <summary>A line break in a name would reach the e-mail's To header; a NUL breaks PostgreSQL.</summary>
    [TestCase("guardians[0].name", "Sara\r\nBcc: x@example.com")]
    [TestCase("child.name", "Alva\nLind")]
    [TestCase("careUnit.name", "Mottagning\u0000")]
    [TestCase("measures[0].instructions", "Före lunch\u0000")]
    [TestCase("measures[0].ifHarm", "Ring 112\u001b[2J")]
    [TestCase("instructionGivenBy", "Sköterska \u0085på plats")]
    public async Task Issue_ControlCharacters_Give400NamingTheField_AndStoreNothing(string path, string escaped)
    {
        var body = Samples.Certificate();
        Set(body, path, System.Text.RegularExpressions.Regex.Unescape(escaped));

        using var response = await Issue(body);
        var problem = await response.ReadJson();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), problem.ToJsonString());
        Assert.That(problem.ErrorFields(), Is.EqualTo(new[] { path }));
        Assert.That(await Count("certificates"), Is.EqualTo(0));
        Assert.That(await Count("guardians"), Is.EqualTo(0));
    }

    [Test]
    public async Task Issue_TextsAreTrimmedAndNormalisedToNfc_LineBreaksKeptWhereTheyBelong()
    {
        var body = Samples.Certificate();
        body["child"]!["name"] = "  A\u030Asa Lind ";
        body["measures"]![0]!["instructions"] = "Före lunch.\r\nEfter lunch:\tkontroll.";

        var id = await IssueOk(body);

        using var read = await Client(Tokens.Clinician()).GetAsync($"/api/certificates/{id}");
        var certificate = await read.ReadJson();
        Assert.That(certificate["child"]!["name"]!.GetValue<string>(), Is.EqualTo("\u00C5sa Lind"));
        Assert.That(certificate["measures"]![0]!["instructions"]!.GetValue<string>(), Is.EqualTo("Före lunch.\nEfter lunch:\tkontroll."));
    }

    [Test]
    public async Task Issue_StartingThirteenMonthsAhead_IsAccepted()
    {
        await IssueOk(Samples.Certificate(validFrom: "2027-12-23", validUntil: "2028-06-01", followUpOn: "2028-01-01"));
    }

    [Test]
    public async Task Issue_CertificateThatHasAlreadyExpired_IsRejected()
    {
        using var response = await Issue(Samples.Certificate(validFrom: "2025-11-01", validUntil: "2026-11-22", followUpOn: "2026-05-01"));
        var problem = await response.ReadJson();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(problem.ErrorFields(), Is.EqualTo(new[] { "validUntil" }));
    }

    [Test]
    public async Task Issue_OtherMeasureWithoutDescription_IsRejected_AndWithDescriptionAccepted()
    {
        var body = Samples.Certificate(measures: "other");
        body["measures"]![0]!["description"] = null;
        using var rejected = await Issue(body);
        Assert.That((await rejected.ReadJson()).ErrorFields(), Is.EqualTo(new[] { "measures[0].description" }));

        var id = await IssueOk(Samples.Certificate(measures: "other"));
        using var read = await Client(Tokens.Clinician()).GetAsync($"/api/certificates/{id}");
        Assert.That((await read.ReadJson())["measures"]![0]!["description"]!.GetValue<string>(), Is.EqualTo("Hjälp med hörapparat"));
    }

    [Test]
    public async Task Issue_SameMeasureTwiceOrSameGuardianTwice_IsRejected()
    {
        var body = Samples.Certificate(measures: ["insulin", "insulin"]);
        body["guardians"]!.AsArray().Add(body["guardians"]![0]!.DeepClone());

        using var response = await Issue(body);

        Assert.That((await response.ReadJson()).ErrorFields(),
            Is.EquivalentTo(new[] { "measures[1].code", "guardians[1].personnummer" }));
    }

    [Test]
    public async Task Issue_ProblemNeverEchoesThePersonnummer()
    {
        var body = Samples.Certificate();
        body["guardians"]![0]!["personnummer"] = "198204112381"; // wrong check digit

        using var response = await Issue(body);
        var text = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(text, Does.Not.Contain("198204112381").And.Not.Contain("201503122382"));
    }

    [Test]
    public async Task Issue_ForAnotherCareUnit_Returns403AndStoresNothing()
    {
        using var response = await Issue(Samples.Certificate(careUnit: Tokens.OtherCareUnit));
        var problem = await response.ReadJson();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(problem["title"]!.GetValue<string>(), Is.EqualTo("Not your care unit"));
        Assert.That(await Count("certificates"), Is.EqualTo(0));
    }

    [Test]
    public async Task Issue_MalformedJson_Returns400Problem()
    {
        using var content = new StringContent("{\"child\": {\"personnummer\": ", Encoding.UTF8, "application/json");
        using var response = await Client(Tokens.Clinician()).PostAsync("/api/certificates", content);
        var problem = await response.ReadJson();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(problem["title"]!.GetValue<string>(), Is.EqualTo("Malformed JSON"));
        Assert.That(await Count("certificates"), Is.EqualTo(0));
    }

    [TestCase("", "Bad request")]
    [TestCase("null", "Bad request")]
    [TestCase("[]", "Malformed JSON")]
    [TestCase("\"text\"", "Malformed JSON")]
    public async Task Issue_BodyThatIsNotACertificateObject_Returns400Problem(string json, string title)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await Client(Tokens.Clinician()).PostAsync("/api/certificates", content);
        var problem = await response.ReadJson();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(problem["title"]!.GetValue<string>(), Is.EqualTo(title));
        Assert.That(await Count("certificates"), Is.EqualTo(0));
    }

    [Test]
    public async Task Issue_ValueOfTheWrongType_Returns400NamingTheField()
    {
        var body = Samples.Certificate();
        body["validFrom"] = 20260815;

        using var response = await Issue(body);
        var problem = await response.ReadJson();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(problem.ErrorFields(), Is.EqualTo(new[] { "validFrom" }));
    }

    [Test]
    public async Task Issue_NotJson_Returns415Problem()
    {
        using var content = new StringContent(Samples.Certificate().ToJsonString(), Encoding.UTF8, "text/plain");
        using var response = await Client(Tokens.Clinician()).PostAsync("/api/certificates", content);
        var problem = await response.ReadJson();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnsupportedMediaType));
        Assert.That(problem["status"]!.GetValue<int>(), Is.EqualTo(415));
        Assert.That(await Count("certificates"), Is.EqualTo(0));
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task Issue_BodyOver64KiB_Returns413Problem(bool withContentLength)
    {
        var body = Samples.Certificate();
        body["instructionGivenBy"] = new string('x', 70 * 1024);
        // StringContent announces its length; JsonContent streams the body without one (chunked).
        using HttpContent content = withContentLength
            ? new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json")
            : JsonContent.Create(body);

        using var response = await Client(Tokens.Clinician()).PostAsync("/api/certificates", content);
        var problem = await response.ReadJson();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(problem["status"]!.GetValue<int>(), Is.EqualTo(413));
        Assert.That(problem["title"]!.GetValue<string>(), Is.EqualTo("Content Too Large"));
        Assert.That(await Count("certificates"), Is.EqualTo(0));
    }

    [Test]
    public async Task Issue_WithoutToken_Returns401_AndWithOtherRoles403()
    {
        using var anonymous = await Client(null).PostAsJsonAsync("/api/certificates", Samples.Certificate());
        Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));

        foreach (var token in new[] { Tokens.School(), Tokens.Guardian(), Tokens.Admin() })
        {
            using var response = await Client(token).PostAsJsonAsync("/api/certificates", Samples.Certificate());
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
        }
        Assert.That(await Count("certificates"), Is.EqualTo(0));
    }

    private static void Remove(JsonObject body, string path)
    {
        var (parent, key) = Locate(body, path);
        if (parent is JsonObject obj)
        {
            obj.Remove(key);
        }
    }

    private static void Set(JsonObject body, string path, string value)
    {
        var (parent, key) = Locate(body, path);
        if (parent is JsonArray array)
        {
            array[int.Parse(key, System.Globalization.CultureInfo.InvariantCulture)] = value;
        }
        else
        {
            parent![key] = value;
        }
    }

    // "measures[0].ifHarm" → (the measure object, "ifHarm"); "sharedWith[0]" → (the array, "0").
    private static (JsonNode? Parent, string Key) Locate(JsonObject body, string path)
    {
        JsonNode? node = body;
        var parts = path.Replace("[", ".", StringComparison.Ordinal).Replace("]", "", StringComparison.Ordinal).Split('.');
        foreach (var part in parts[..^1])
        {
            node = int.TryParse(part, out var index) ? node![index] : node![part];
        }
        return (node, parts[^1]);
    }
}
