using System.Data.Common;
using Dapper;
using EgenvardRegistry.Audit;
using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Database;

namespace EgenvardRegistry.Signing;

/// <summary>A certificate's signed text and the id of the key that signed it.</summary>
public sealed record SignedCertificate(Guid CertificateId, string Payload, string KeyId);

/// <summary>How many certificates the revocation list of a day holds, and the id of the last of them in the index.</summary>
public sealed record RevocationStamp(long Count, string Last);

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

    /// <summary>
    /// What tells whether the revocation list of <paramref name="today"/> changed, without reading it: how many revoked
    /// and replaced certificates end today or later, and the id of the last of them in the index. A certificate never
    /// leaves those two states and its <c>valid_until</c> never changes, so for one day that set only grows and the
    /// count alone tells a change made on any node; the last id tells a database emptied and filled again (the tests'
    /// reset). A change time would not do: two nodes' clocks, and commits that land out of the order of their times,
    /// can put a change behind the latest one already seen. Both come from the partial index of migration 0016 without
    /// the table (EXPLAIN at 1,000,000 certificates, 32,823 in the list: 3.7 ms on PostgreSQL, 0.7 ms on SQLite).
    /// </summary>
    public async Task<RevocationStamp> RevocationStampAsync(DateOnly today, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var (count, last) = await connection.QuerySingleAsync<(long, string)>(new CommandDefinition("""
            SELECT
                (SELECT COUNT(*) FROM certificates
                 WHERE status IN ('revoked', 'replaced') AND valid_until >= @Today),
                COALESCE((SELECT CAST(last.id AS TEXT) FROM certificates AS last
                          WHERE last.status IN ('revoked', 'replaced') AND last.valid_until >= @Today
                          ORDER BY last.valid_until DESC, last.id DESC LIMIT 1), '')
            """, new { Today = today }, cancellationToken: cancellationToken));
        return new RevocationStamp(count, last);
    }

    /// <summary>
    /// Ids of revoked and of replaced certificates that end <paramref name="today"/> or later, each in id order, with
    /// the stamp read just before them (so a change between the two makes the stamp, not the ids, out of date). No
    /// personal data.
    /// </summary>
    public async Task<(RevocationStamp Stamp, IReadOnlyList<Guid> Revoked, IReadOnlyList<Guid> Replaced)> RevokedAndReplacedAsync(
        DateOnly today, CancellationToken cancellationToken)
    {
        var stamp = await RevocationStampAsync(today, cancellationToken);
        await using var connection = await db.OpenAsync(cancellationToken);
        // Sorted here: asked to, SQLite walks the whole primary key in id order instead of the few entries of the index.
        // Guid's order is the order of its text, as PostgreSQL orders uuid.
        var rows = await connection.QueryAsync<(Guid Id, string Status)>(new CommandDefinition("""
            SELECT id, status FROM certificates
            WHERE status IN ('revoked', 'replaced') AND valid_until >= @Today
            """, new { Today = today }, cancellationToken: cancellationToken));
        var list = rows.OrderBy(row => row.Id).ToList();
        return (stamp, list.Where(row => row.Status == CertificateStatus.Revoked).Select(row => row.Id).ToList(),
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
