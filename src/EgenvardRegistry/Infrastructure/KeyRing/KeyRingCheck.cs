using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;

namespace EgenvardRegistry.Infrastructure.KeyRing;

/// <summary>
/// Stops a node that has no <c>DataProtection:CertificatePath</c> from starting on a key ring the other nodes encrypt:
/// it could not read their keys, so it would make one of its own, stored in the clear, and the others would take it up
/// as the newest. Runs before Data Protection's own start-up, which would make that key.
/// </summary>
internal sealed class KeyRingCheck(IOptions<KeyRingOptions> ring, IOptions<KeyManagementOptions> keys) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(ring.Value.CertificatePath)
            && keys.Value.XmlRepository?.GetAllElements().Any(IsEncrypted) == true)
        {
            throw new InvalidOperationException(
                "The Data Protection key ring holds keys encrypted to a certificate, and DataProtection:CertificatePath is not " +
                "set: set DataProtection:CertificatePath and DataProtection:CertificatePassword as on the other nodes.");
        }
        return Task.CompletedTask;
    }

    // Data Protection writes the element in its own XML namespace.
    private static bool IsEncrypted(XElement element) => element.Descendants().Any(child => child.Name.LocalName == "encryptedSecret");

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
