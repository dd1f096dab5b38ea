using System.Data.Common;
using Dapper;
using EgenvardRegistry.Infrastructure.Database;

namespace EgenvardRegistry.Certificates;

/// <summary>
/// Loads whole certificates (with guardians, measures and shares) by id, for every feature's store. It checks no access
/// and writes no audit event: the store that calls it decides who may see what it loaded, and audits that in the same
/// transaction.
/// </summary>
public static class UncheckedCertificateReader
{
    /// <returns>The internal id of the child with this personnummer, or null when the registry has not met the child (no certificate
    /// or certificate request has named it).</returns>
    public static Task<Guid?> FindChildAsync(DbTransaction transaction, string personnummer, CancellationToken cancellationToken) =>
        transaction.Connection!.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(
            "SELECT id FROM children WHERE personnummer = @Personnummer",
            new { Personnummer = personnummer }, transaction, cancellationToken: cancellationToken));

    /// <returns>The internal id of the certificate's child, or null when there is no such certificate.</returns>
    public static Task<Guid?> ChildOfAsync(DbTransaction transaction, Guid certificateId, CancellationToken cancellationToken) =>
        transaction.Connection!.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(
            "SELECT child_id FROM certificates WHERE id = @Id",
            new { Id = certificateId }, transaction, cancellationToken: cancellationToken));

    /// <summary>Loads the certificates whose ids a query selects, in the query's order.</summary>
    public static async Task<IReadOnlyList<Certificate>> LoadSelectedAsync(
        DbTransaction transaction, SqlDialect dialect, string idQuery, object parameters, CancellationToken cancellationToken)
    {
        var ids = (await transaction.Connection!.QueryAsync<Guid>(new CommandDefinition(
            idQuery, parameters, transaction, cancellationToken: cancellationToken))).ToList();
        return await LoadAsync(transaction, dialect, ids, cancellationToken);
    }

    public static async Task<IReadOnlyList<Certificate>> LoadAsync(
        DbTransaction transaction, SqlDialect dialect, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return [];
        }
        await using var reader = await transaction.Connection!.ExecuteReaderAsync(new CommandDefinition(
            Statements(column => dialect.InList(column, "Ids")), new { Ids = dialect.Ids(ids) }, transaction,
            cancellationToken: cancellationToken));
        var byId = (await ReadAsync(reader, cancellationToken)).ToDictionary(certificate => certificate.Id);
        return ids.Where(byId.ContainsKey).Select(id => byId[id]).ToList();
    }

    /// <summary>
    /// The statements that load the certificates <paramref name="filter"/> picks (given a certificate-id column, it
    /// returns the condition on it), to be sent as one command: one round trip on PostgreSQL, however many certificates.
    /// A caller may append statements of its own and read their results after <see cref="ReadAsync"/>.
    /// </summary>
    public static string Statements(Func<string, string> filter) => $"""
        SELECT c.id, c.child_id, ch.personnummer AS child_personnummer, c.child_name, c.status, c.version,
               c.valid_from, c.valid_until, c.follow_up_on, c.instruction_given_by,
               c.care_unit_hsa_id, c.care_unit_name, c.care_unit_phone,
               c.issued_at, c.issued_by_hsa_id, c.issued_by_name, c.issued_by_profession,
               c.replaces, c.replaced_by, c.revoked_at, c.revoked_by, c.revocation_reason
        FROM certificates c
        JOIN children ch ON ch.id = c.child_id
        WHERE {filter("c.id")};
        SELECT cg.certificate_id, g.personnummer, cg.name, g.email
        FROM certificate_guardians cg
        JOIN guardians g ON g.id = cg.guardian_id
        WHERE {filter("cg.certificate_id")}
        ORDER BY cg.position;
        SELECT certificate_id, code, description, performer, instructions, if_harm, if_changed
        FROM certificate_measures
        WHERE {filter("certificate_id")}
        ORDER BY position;
        SELECT certificate_id, school_unit
        FROM certificate_shares
        WHERE {filter("certificate_id")}
        ORDER BY school_unit;
        """;

    /// <summary>
    /// Reads the results of <see cref="Statements"/> into certificates, in no particular order, and leaves the reader
    /// at the results of the statement after them.
    /// </summary>
    public static async Task<IReadOnlyList<Certificate>> ReadAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        var rows = reader.Parse<CertificateRow>().ToList();
        await reader.NextResultAsync(cancellationToken);
        var guardians = reader.Parse<GuardianRow>().ToLookup(row => row.CertificateId);
        await reader.NextResultAsync(cancellationToken);
        var measures = reader.Parse<MeasureRow>().ToLookup(row => row.CertificateId);
        await reader.NextResultAsync(cancellationToken);
        var shares = reader.Parse<ShareRow>().ToLookup(row => row.CertificateId);
        await reader.NextResultAsync(cancellationToken);
        return [.. rows.Select(row => new Certificate(
            row.Id,
            row.ChildId,
            row.ChildPersonnummer,
            row.ChildName,
            row.Status,
            row.Version,
            guardians[row.Id].Select(g => new CertificateGuardian(g.Personnummer, g.Name, g.Email)).ToList(),
            measures[row.Id].Select(m => m.ToMeasure()).ToList(),
            row.InstructionGivenBy,
            row.ValidFrom,
            row.ValidUntil,
            row.FollowUpOn,
            new CareUnit(row.CareUnitHsaId, row.CareUnitName, row.CareUnitPhone),
            shares[row.Id].Select(s => s.SchoolUnit).ToList(),
            row.IssuedAt,
            new Issuer(row.IssuedByHsaId, row.IssuedByName, row.IssuedByProfession),
            row.Replaces,
            row.ReplacedBy,
            row is { RevokedAt: { } revokedAt, RevocationReason: { } reason, RevokedBy: { } revokedBy }
                ? new Revocation(reason, revokedAt, revokedBy)
                : null))];
    }

    // Row classes with setters: Dapper maps SQLite's 64-bit integers onto them, which constructor mapping refuses.
    private sealed class CertificateRow
    {
        public Guid Id { get; set; }
        public Guid ChildId { get; set; }
        public string ChildPersonnummer { get; set; } = "";
        public string ChildName { get; set; } = "";
        public string Status { get; set; } = "";
        public int Version { get; set; }
        public DateOnly ValidFrom { get; set; }
        public DateOnly ValidUntil { get; set; }
        public DateOnly FollowUpOn { get; set; }
        public string InstructionGivenBy { get; set; } = "";
        public string CareUnitHsaId { get; set; } = "";
        public string CareUnitName { get; set; } = "";
        public string CareUnitPhone { get; set; } = "";
        public DateTimeOffset IssuedAt { get; set; }
        public string IssuedByHsaId { get; set; } = "";
        public string IssuedByName { get; set; } = "";
        public string? IssuedByProfession { get; set; }
        public Guid? Replaces { get; set; }
        public Guid? ReplacedBy { get; set; }
        public DateTimeOffset? RevokedAt { get; set; }
        public string? RevokedBy { get; set; }
        public string? RevocationReason { get; set; }
    }

    private sealed class GuardianRow
    {
        public Guid CertificateId { get; set; }
        public string Personnummer { get; set; } = "";
        public string Name { get; set; } = "";
        public string? Email { get; set; }
    }

    /// <summary>A measure as a row of <c>certificate_measures</c>; other stores read measures with it too.</summary>
    public sealed class MeasureRow
    {
        public Guid CertificateId { get; set; }
        public string Code { get; set; } = "";
        public string? Description { get; set; }
        public string Performer { get; set; } = "";
        public string Instructions { get; set; } = "";
        public string IfHarm { get; set; } = "";
        public string IfChanged { get; set; } = "";

        public Measure ToMeasure() => new(Code, Description, Performer, Instructions, IfHarm, IfChanged);
    }

    private sealed class ShareRow
    {
        public Guid CertificateId { get; set; }
        public string SchoolUnit { get; set; } = "";
    }
}
