using System.Xml.Linq;
using Dapper;
using EgenvardRegistry.Infrastructure.Database;
using EgenvardRegistry.Infrastructure.KeyRing;
using EgenvardRegistry.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;

namespace EgenvardRegistry.Tests.Platform;

/// <summary>
/// The Data Protection key ring round-trips through <c>data_protection_keys</c>: what one node's key manager stores,
/// another's reads; storing a name twice (two nodes, or a retry) keeps one row and is no error.
/// </summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
[FreshDatabase] // the test's own key ring, in a database of its own
public sealed class KeyRingStoreTests(Engine engine) : IntegrationTest(engine)
{
    private DatabaseXmlRepository Repository => new(App.Services.GetRequiredService<IDbConnectionFactory>());

    [Test]
    public async Task KeysMadeByOneNode_AreInTheTable_AndAnotherNodeReadsAndUsesThem()
    {
        var protectedText = App.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("key-ring-test")
            .Protect("Alva Lind");
        var keys = App.Services.GetRequiredService<IKeyManager>();
        var made = keys.CreateNewKey(DateTimeOffset.UtcNow.AddDays(1), DateTimeOffset.UtcNow.AddDays(90));
        await using var other = App.WithDatabase(App.Database);
        _ = other.Server;

        var stored = (await Rows()).Select(row => Guid.Parse(XElement.Parse(row.Xml).Attribute("id")!.Value)).ToList();

        Assert.That(stored, Has.Count.EqualTo(2).And.Contains(made.KeyId), "the key made at start and the one made now");
        Assert.That(keys.GetAllKeys().Select(key => key.KeyId), Is.EquivalentTo(stored));
        Assert.That(other.Services.GetRequiredService<IKeyManager>().GetAllKeys().Select(key => key.KeyId), Is.EquivalentTo(stored));
        Assert.That(other.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("key-ring-test")
            .Unprotect(protectedText), Is.EqualTo("Alva Lind"));
    }

    [Test]
    public async Task StoreElement_RoundTripsTheXml_InTheOrderStored()
    {
        var first = new XElement("key", new XAttribute("id", "one"), new XElement("secret", "ett"));
        var second = new XElement("revocation", new XElement("reason", "två"));

        Repository.StoreElement(first, "test-first");
        Repository.StoreElement(second, "test-second");

        var read = Repository.GetAllElements().Where(element => element.Name != "key" || element.Attribute("id")!.Value == "one").ToList();
        Assert.That(read, Has.Count.EqualTo(2));
        Assert.That(XNode.DeepEquals(read[0], first), Is.True, read[0].ToString());
        Assert.That(XNode.DeepEquals(read[1], second), Is.True, read[1].ToString());
        Assert.That((await Rows()).Select(row => row.FriendlyName), Does.Contain("test-first").And.Contain("test-second"));
    }

    [Test]
    public async Task StoreElement_TheSameNameFromManyNodesAtOnce_KeepsOneRow_AndNoneFails()
    {
        var stores = Enumerable.Range(0, 8).Select(node => Task.Run(() =>
            Repository.StoreElement(new XElement("key", new XAttribute("node", node)), "key-same")));

        await Task.WhenAll(stores);

        Assert.That((await Rows()).Count(row => row.FriendlyName == "key-same"), Is.EqualTo(1));
    }

    [Test]
    public async Task StoreElement_WithoutAName_GetsOneOfItsOwn()
    {
        Repository.StoreElement(new XElement("key", new XAttribute("id", "a")), "");
        Repository.StoreElement(new XElement("key", new XAttribute("id", "b")), "");

        var unnamed = (await Rows()).Where(row => Guid.TryParse(row.FriendlyName, out _)).ToList();
        Assert.That(unnamed, Has.Count.EqualTo(2));
    }

    private async Task<List<(string FriendlyName, string Xml)>> Rows()
    {
        await using var connection = await App.Database.OpenAsync();
        return [.. await connection.QueryAsync<(string, string)>("SELECT friendly_name, xml FROM data_protection_keys ORDER BY id")];
    }
}
