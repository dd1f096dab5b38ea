using System.Data.Common;
using Dapper;
using EgenvardRegistry.Audit;
using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Database;

namespace EgenvardRegistry.Signing;

/// <summary>A certificate's signed text and the id of the key that signed it.</summary>
public sealed record SignedCertificate(Guid CertificateId, string Payload, string KeyId);

/// <summary>The signed texts of certificates, and what the revocation list and the server's verification read.</summary>
public sealed class SigningStore(IDbConnectionFactory db, TimeProvider time, SigningKeyRing keys)
{
    /// <summary>Signs <paramref name="payload"/> with <paramref name="key"/> and keeps it, inside the caller's transaction.</summary>
    public static async Task<SignedCertificate> StoreAsync(DbTransaction transaction, SignedCertificatePayload payload,
        SigningKey key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var signed = new SignedCertificate(payload.Id, SignedCertificates.Sign(payload, key), key.KeyId);
        await transaction.Connection!.ExecuteAsync(new CommandDefinition("""
            INSERT INTO signed_certificates (certificate_id, key_id, payload, signed_at)
            VALUES (@CertificateId, @KeyId, @Payload, @Now)
            ON CONFLICT (certificate_id) DO NOTHING
            """, new { signed.CertificateId, signed.KeyId, signed.Payload, Now = now }, transaction,
            cancellationToken: cancellationToken));
        return signed;
    }

    /// <summary>
    /// A certificate's signed text for one of its readers, audited as a read of the certificate; a certificate issued
    /// before certificates were signed is signed now, with the current key. Null when it does not exist or the caller
    /// may not see it (the two look alike).
    /// </summary>
    public Task<(Certificate Certificate, SignedCertificate Signed)?> ReadAsync(Guid id, Caller caller,
        CancellationToken cancellationToken) =>
        db.RunAuditedAsync(async transaction =>
        {
            var now = time.GetUtcNow();
            var certificate = (await UncheckedCertificateReader.LoadAsync(transaction, db.Dialect, [id], cancellationToken))
                .SingleOrDefault();
            var outcome = certificate is null ? AuditOutcomes.NotFound
                : CertificateAccess.CanRead(caller, certificate) ? AuditOutcomes.Ok
                : AuditOutcomes.Denied;
            var read = AuditEvent.By(caller, now, AuditActions.CertificateRead, outcome, id, certificate?.ChildId);
            if (outcome != AuditOutcomes.Ok)
            {
                return Audited.With<(Certificate, SignedCertificate)?>(null, read);
            }
            var row = await transaction.Connection!.QuerySingleOrDefaultAsync<(string Payload, string KeyId)?>(new CommandDefinition(
                "SELECT payload, key_id FROM signed_certificates WHERE certificate_id = @Id",
                new { Id = id }, transaction, cancellationToken: cancellationToken));
            var stored = row is { } found ? new SignedCertificate(id, found.Payload, found.KeyId)
                : await StoreAsync(transaction, SignedCertificatePayload.Of(certificate!), keys.Current, now, cancellationToken);
            return Audited.With<(Certificate, SignedCertificate)?>((certificate!, stored), read);
        }, cancellationToken);

    /// <summary>Ids of revoked and of replaced certificates, each in id order. No personal data.</summary>
    public async Task<(IReadOnlyList<Guid> Revoked, IReadOnlyList<Guid> Replaced)> RevokedAndReplacedAsync(
        CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(Guid Id, string Status)>(new CommandDefinition("""
            SELECT id, status FROM certificates WHERE status IN ('revoked', 'replaced') ORDER BY id
            """, cancellationToken: cancellationToken));
        var list = rows.ToList();
        return (list.Where(row => row.Status == CertificateStatus.Revoked).Select(row => row.Id).ToList(),
            list.Where(row => row.Status == CertificateStatus.Replaced).Select(row => row.Id).ToList());
    }

    /// <summary>The registry's status of a certificate, or null when it has none by that id.</summary>
    public async Task<string?> StatusAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT status FROM certificates WHERE id = @Id", new { Id = id }, cancellationToken: cancellationToken));
    }
}
