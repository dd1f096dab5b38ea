using System.Xml.Linq;
using Dapper;
using EgenvardRegistry.Infrastructure.Database;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace EgenvardRegistry.Infrastructure.KeyRing;

/// <summary>
/// The Data Protection key ring in the registry database (<c>data_protection_keys</c>), so every node on the database
/// reads and writes the same keys. The interface is synchronous; the key manager calls it at start and when its cached
/// ring expires (about once a day), not per request.
/// </summary>
public sealed class DatabaseXmlRepository(IDbConnectionFactory db) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = db.Open();
        return [.. connection.Query<string>("SELECT xml FROM data_protection_keys ORDER BY id").Select(XElement.Parse)];
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        // Names are unique per key ("key-<id>"): storing one that is there already, as a second node or a retry may,
        // changes nothing and is no error.
        using var connection = db.Open();
        connection.Execute("""
            INSERT INTO data_protection_keys (friendly_name, xml) VALUES (@FriendlyName, @Xml)
            ON CONFLICT (friendly_name) DO NOTHING
            """,
            new
            {
                FriendlyName = string.IsNullOrWhiteSpace(friendlyName) ? Guid.NewGuid().ToString("D") : friendlyName,
                Xml = element.ToString(SaveOptions.DisableFormatting),
            });
    }
}
