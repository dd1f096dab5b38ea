using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Dapper;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace EgenvardRegistry.Tests.Platform;

/// <summary>
/// Several nodes on one database, behind one load balancer: they share the Data Protection key ring through the
/// registry database, so a form rendered by one node posts to another (anti-forgery passes), a sign-in cookie from one
/// opens pages on the other, and both still work after every node has restarted. A node with a ring of its own (a key
/// folder, another application name) refuses them, which is what happened before the ring was shared. With a certificate
/// the keys are stored encrypted, and a node that cannot decrypt them does not start or signs everyone out once.
/// Each test has a database of its own and starts and stops its nodes (in Development, where <c>/logga-in</c> exists).
/// </summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class SharedKeyRingTests(Engine engine)
{
    private const string CertificatePassword = "test-key-ring-password";

    private TestDatabase _database = null!;
    private string _folder = null!;
    private readonly List<RegistryApp> _nodes = [];

    [SetUp]
    public async Task CreateDatabase()
    {
        _database = await TestDatabase.CreateAsync(engine);
        _folder = Directory.CreateTempSubdirectory("egenvard-keyring-").FullName;
    }

    [TearDown]
    public async Task StopNodes()
    {
        await StopAll();
        await _database.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Test]
    public async Task FormFromOneNode_PostsToTheOther_AndTheSignInCookieOpensPagesOnBoth()
    {
        var nodeA = Start();
        var nodeB = Start();
        var certificate = await IssueOn(nodeA);
        var jar = new CookieContainer();
        using var a = nodeA.Browser(jar);
        using var b = nodeB.Browser(jar);

        using var signedIn = await SignIn(formFrom: a, postTo: b);
        var vardFromA = await a.GetPage("/vard");
        using var search = await b.PostForm("/vard", vardFromA, ("Personnummer", Samples.ChildPnr));

        Assert.That(signedIn.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), "node B accepted node A's anti-forgery token");
        Assert.That(signedIn.Headers.Location?.OriginalString, Is.EqualTo("/vard"));
        Assert.That(vardFromA, Does.Contain("Karin Berg"), "node B's sign-in cookie opens a page on node A");
        Assert.That(search.StatusCode, Is.EqualTo(HttpStatusCode.OK), "node A's form, signed in, posts to node B");
        Assert.That(await search.ReadPage(), Does.Contain($"/vard/intyg/{certificate}"));
        Assert.That(await KeyRows(), Has.Count.EqualTo(1), "the second node used the key the first one made");
    }

    [Test]
    public async Task AfterBothNodesRestart_TheCookieAndAFormFromBeforeStillWork()
    {
        var certificate = await IssueOn(Start());
        Start();
        var jar = new CookieContainer();
        using (var a = _nodes[0].Browser(jar))
        {
            using var signedIn = await SignIn(formFrom: a, postTo: a);
            Assert.That(signedIn.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        }
        string vardFromB;
        using (var b = _nodes[1].Browser(jar))
        {
            vardFromB = await b.GetPage("/vard");
        }
        var keysBefore = await KeyRows();
        Assert.That(keysBefore, Has.Count.EqualTo(1), "the nodes keep their key in the database, which outlives them");

        await StopAll();
        using var a2 = Start().Browser(jar);
        using var b2 = Start().Browser(jar);
        using var search = await a2.PostForm("/vard", vardFromB, ("Personnummer", Samples.ChildPnr));

        Assert.That(await a2.GetPage("/vard"), Does.Contain("Karin Berg"), "the cookie from before the restart opens node A");
        Assert.That(await b2.GetPage("/vard"), Does.Contain("Karin Berg"), "and node B");
        Assert.That(search.StatusCode, Is.EqualTo(HttpStatusCode.OK), "a form rendered before the restart still posts");
        Assert.That(await search.ReadPage(), Does.Contain($"/vard/intyg/{certificate}"));
        Assert.That(await KeyRows(), Is.EqualTo(keysBefore), "no node made a key of its own at the restart");
    }

    [Test]
    public async Task ANodeWithAKeyRingOfItsOwn_RefusesTheCookieAndTheForm()
    {
        var jar = new CookieContainer();
        using var a = Start().Browser(jar);
        using (var signedIn = await SignIn(formFrom: a, postTo: a))
        {
            Assert.That(signedIn.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        }
        var keyFolder = Path.Combine(_folder, "keys");
        using var ownFolder = Start(new() { ["DataProtection:KeyFolder"] = keyFolder }).Browser(jar);
        using var ownName = Start(new() { ["DataProtection:ApplicationName"] = "AnotherRegistry" }).Browser(jar);

        using var pageOnOwnFolder = await ownFolder.GetAsync("/vard");
        using var pageOnOwnName = await ownName.GetAsync("/vard");
        using var formOnOwnFolder = await SignIn(formFrom: a, postTo: ownFolder);

        Assert.That(pageOnOwnFolder.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), "the cookie is unreadable: sign in again");
        Assert.That(pageOnOwnFolder.Headers.Location?.AbsolutePath, Is.EqualTo("/logga-in"));
        Assert.That(pageOnOwnName.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(pageOnOwnName.Headers.Location?.AbsolutePath, Is.EqualTo("/logga-in"));
        Assert.That(formOnOwnFolder.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "anti-forgery refuses the other ring's token");
        Assert.That(Directory.GetFiles(keyFolder, "key-*.xml"), Has.Length.EqualTo(1), "the folder node keeps its key in the folder");
        Assert.That(await KeyRows(), Has.Count.EqualTo(1), "and not in the database");
        Assert.That(await a.GetPage("/vard"), Does.Contain("Karin Berg"), "the node that signed the cookie still reads it");
    }

    [Test]
    public async Task WithACertificate_KeysAreEncryptedAtRest_AndStillSharedAcrossNodesAndRestarts()
    {
        var withCertificate = Certificate(WriteCertificate("key-ring.pfx"));
        var jar = new CookieContainer();
        using (var a = Start(withCertificate).Browser(jar))
        using (var b = Start(withCertificate).Browser(jar))
        {
            using var signedIn = await SignIn(formFrom: a, postTo: b);
            Assert.That(signedIn.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
            Assert.That(await a.GetPage("/vard"), Does.Contain("Karin Berg"));
        }
        var stored = (await KeyRows()).Single();

        await StopAll();
        using var restarted = Start(withCertificate).Browser(jar);

        Assert.That(await restarted.GetPage("/vard"), Does.Contain("Karin Berg"), "a restarted node decrypts the stored key");
        Assert.That(stored, Does.Contain("<EncryptedData").And.Contain("EncryptedXmlDecryptor"));
        Assert.That(stored, Does.Not.Contain("<masterKey"), "the key's secret is not stored in the clear");
        Assert.That(await KeyRows(), Is.EqualTo(new[] { stored }));
    }

    [Test]
    public async Task ReplacingTheCertificate_SignsEveryoneOutOnce_AndTheNewKeyIsEncryptedToTheNewOne()
    {
        var jar = new CookieContainer();
        using (var a = Start(Certificate(WriteCertificate("old.pfx"))).Browser(jar))
        {
            using var signedIn = await SignIn(formFrom: a, postTo: a);
            Assert.That(signedIn.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        }
        var oldKey = (await KeyRows()).Single();
        await StopAll();

        using var b = Start(Certificate(WriteCertificate("new.pfx"))).Browser(jar);
        using var signedOut = await b.GetAsync("/vard");
        using var signedInAgain = await SignIn(formFrom: b, postTo: b);

        Assert.That(signedOut.Headers.Location?.AbsolutePath, Is.EqualTo("/logga-in"), "the old key is unreadable now");
        Assert.That(signedInAgain.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(await b.GetPage("/vard"), Does.Contain("Karin Berg"));
        var keys = await KeyRows();
        Assert.That(keys, Has.Count.EqualTo(2).And.Contains(oldKey));
        Assert.That(keys[1], Does.Contain("<EncryptedData").And.Not.Contain("<masterKey"));
    }

    [Test]
    public async Task ANodeWithoutTheCertificate_DoesNotStart_OnAnEncryptedKeyRing_NorAddsAKeyInTheClear()
    {
        Start(Certificate(WriteCertificate("key-ring.pfx")));
        var stored = await KeyRows();

        Assert.That(() => Start(), Throws.InvalidOperationException.With.Message.Contains("DataProtection:CertificatePath is not set"));
        Assert.That(await KeyRows(), Is.EqualTo(stored));
    }

    [TestCase("not-the-password", true, "DataProtection:CertificatePath could not be opened as a PFX")]
    [TestCase(CertificatePassword, false, "DataProtection:CertificatePath must hold an RSA certificate with its private key")]
    public async Task Start_WithACertificateItCannotUse_FailsNamingTheSetting(string password, bool withPrivateKey, string message)
    {
        await using var node = new RegistryApp(_database, new Dictionary<string, string?>
        {
            ["DataProtection:CertificatePath"] = WriteCertificate("key-ring.pfx", withPrivateKey),
            ["DataProtection:CertificatePassword"] = password,
        }, environment: "Development");

        Assert.That(() => node.Server, Throws.InstanceOf<OptionsValidationException>().With.Message.Contains(message));
    }

    /// <summary>Starts a node on the test's database: it migrates, then reads the key ring (the first node makes a key).</summary>
    private RegistryApp Start(Dictionary<string, string?>? settings = null)
    {
        var node = new RegistryApp(_database, settings, environment: "Development");
        _nodes.Add(node);
        _ = node.Server;
        return node;
    }

    private async Task StopAll()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
        _nodes.Clear();
    }

    private static async Task<Guid> IssueOn(RegistryApp node)
    {
        using var response = await node.ClientFor(Tokens.Clinician()).PostAsJsonAsync("/api/certificates", Samples.Certificate());
        var json = await response.ReadJson();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), json.ToJsonString());
        return Guid.Parse(json["id"]!.GetValue<string>());
    }

    /// <summary>The development sign-in page rendered by one node, submitted to another, as the demo clinician.</summary>
    private static async Task<HttpResponseMessage> SignIn(HttpClient formFrom, HttpClient postTo) =>
        await postTo.PostForm("/logga-in", await formFrom.GetPage("/logga-in"), ("Role", Roles.Clinician), ("Unit", Tokens.CareUnit));

    private async Task<List<string>> KeyRows()
    {
        await using var connection = await _database.OpenAsync();
        return [.. await connection.QueryAsync<string>("SELECT xml FROM data_protection_keys ORDER BY id")];
    }

    private static Dictionary<string, string?> Certificate(string path) => new()
    {
        ["DataProtection:CertificatePath"] = path,
        ["DataProtection:CertificatePassword"] = CertificatePassword,
    };

    /// <summary>A self-signed RSA certificate, with its private key unless told otherwise, as the PFX an operator would mount.</summary>
    private string WriteCertificate(string name, bool withPrivateKey = true)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=EgenvardRegistry key ring", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        // Dates long past: Data Protection does not check them, and no test may depend on today's.
        using var certificate = request.CreateSelfSigned(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var exported = withPrivateKey ? null : X509CertificateLoader.LoadCertificate(certificate.RawData);
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, (exported ?? certificate).Export(X509ContentType.Pfx, CertificatePassword));
        return path;
    }
}
