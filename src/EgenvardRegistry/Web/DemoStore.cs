using Dapper;
using EgenvardRegistry.Infrastructure.Database;

namespace EgenvardRegistry.Web;

/// <summary>
/// The one read <see cref="DemoData"/> makes outside <see cref="Certificates.CertificateStore"/>. It is a store of the
/// seeder's own, with no caller and no audit event, so that no store that serves people gains an unaudited read of a
/// child's certificates.
/// </summary>
public sealed class DemoStore(IDbConnectionFactory db)
{
    public async Task<bool> HasCertificateAsync(string childPersonnummer, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            SELECT COUNT(*) FROM certificates c JOIN children ch ON ch.id = c.child_id WHERE ch.personnummer = @Personnummer
            """, new { Personnummer = childPersonnummer }, cancellationToken: cancellationToken)) > 0;
    }
}
