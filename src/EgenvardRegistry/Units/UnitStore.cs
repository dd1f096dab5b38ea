using System.Data.Common;
using Dapper;
using EgenvardRegistry.Audit;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Database;

namespace EgenvardRegistry.Units;

/// <summary>
/// The unit directory: school units and preschools by id, searched by name and municipality, filled by an
/// administrator's import. Searches (who looked for what) and imports are audited. The list a form suggests, the same
/// for everyone, and names looked up by id are not: they only label units an audited read of a certificate already named.
/// </summary>
public sealed class UnitStore(IDbConnectionFactory db, TimeProvider time)
{
    private const string UnitColumns = "u.id, u.name, u.kind, u.municipality, u.organiser, u.contact_email";

    /// <summary>
    /// Units whose name or municipality contains every term (case-insensitive, å, ä and ö included): names equal to the
    /// whole query first, then names that start with it, then the rest, each by name (in code-point order, alike on both
    /// engines, so the limit cuts the same list).
    /// </summary>
    public Task<IReadOnlyList<Unit>> SearchAsync(IReadOnlyList<string> terms, int limit, Caller caller, CancellationToken cancellationToken) =>
        db.RunAuditedAsync(async transaction =>
        {
            var parameters = new DynamicParameters(new
            {
                Whole = UnitSearchText.Fold(string.Join(' ', terms)),
                Prefix = UnitSearchText.StartsWith(string.Join(' ', terms)),
                Limit = limit,
            });
            var conditions = terms.Select((term, index) =>
            {
                parameters.Add($"Term{index}", UnitSearchText.Contains(term));
                return $@"(u.name_folded LIKE @Term{index} ESCAPE '\' OR u.municipality_folded LIKE @Term{index} ESCAPE '\')";
            }).DefaultIfEmpty("1 = 1");
            var units = (await transaction.Connection!.QueryAsync<Unit>(new CommandDefinition($"""
                SELECT {UnitColumns}
                FROM units u
                WHERE {string.Join(" AND ", conditions)}
                ORDER BY CASE WHEN u.name_folded = @Whole THEN 0 WHEN u.name_folded LIKE @Prefix ESCAPE '\' THEN 1 ELSE 2 END,
                         u.name_folded {db.Dialect.CodePointOrder}, u.municipality_folded {db.Dialect.CodePointOrder}, u.id
                LIMIT @Limit
                """, parameters, transaction, cancellationToken: cancellationToken))).ToList();
            return Audited.With<IReadOnlyList<Unit>>(units,
                AuditEvent.By(caller, time.GetUtcNow(), AuditActions.UnitSearch, AuditOutcomes.Ok));
        }, cancellationToken);

    /// <summary>The first units by name, for a form to suggest; the same list for everyone, so not audited.</summary>
    public async Task<IReadOnlyList<Unit>> ListAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<Unit>(new CommandDefinition($"""
            SELECT {UnitColumns}
            FROM units u
            ORDER BY u.name_folded {db.Dialect.CodePointOrder}, u.municipality_folded {db.Dialect.CodePointOrder}, u.id
            LIMIT @Limit
            """, new { Limit = limit }, cancellationToken: cancellationToken))];
    }

    /// <summary>The directory's entries for these ids; an id the directory lacks is left out.</summary>
    public async Task<IReadOnlyDictionary<string, Unit>> FindAsync(IEnumerable<string> ids, CancellationToken cancellationToken)
    {
        var wanted = ids.Distinct(StringComparer.Ordinal).ToArray();
        if (wanted.Length == 0)
        {
            return new Dictionary<string, Unit>();
        }
        await using var connection = await db.OpenAsync(cancellationToken);
        return await FindAsync(connection, null, db.Dialect, wanted, cancellationToken);
    }

    /// <summary>The same look-up inside another store's transaction.</summary>
    public static async Task<IReadOnlyDictionary<string, Unit>> FindAsync(DbConnection connection, DbTransaction? transaction,
        SqlDialect dialect, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return new Dictionary<string, Unit>();
        }
        var units = await connection.QueryAsync<Unit>(new CommandDefinition($"""
            SELECT {UnitColumns} FROM units u WHERE {dialect.InList("u.id", "Ids")}
            """, new { Ids = ids.ToArray() }, transaction, cancellationToken: cancellationToken));
        return units.ToDictionary(unit => unit.Id, StringComparer.Ordinal);
    }

    /// <summary>
    /// Adds the file's new units and updates the changed ones, in one transaction with its audit event; a unit that is as
    /// the file says is not touched, so importing the same file again changes nothing. Units the file does not name stay:
    /// a file may hold one municipality's units, and certificates may still name a unit that closed.
    /// </summary>
    public Task<UnitImportResult> ImportAsync(IReadOnlyList<Unit> units, Caller caller, CancellationToken cancellationToken) =>
        db.RunAuditedAsync(async transaction =>
        {
            var connection = transaction.Connection!;
            var now = time.GetUtcNow();
            var existing = (await connection.QueryAsync<Unit>(new CommandDefinition(
                $"SELECT {UnitColumns} FROM units u", transaction: transaction, cancellationToken: cancellationToken)))
                .ToDictionary(unit => unit.Id, StringComparer.Ordinal);
            var added = units.Where(unit => !existing.ContainsKey(unit.Id)).ToList();
            var changed = units.Where(unit => existing.TryGetValue(unit.Id, out var before) && before != unit).ToList();
            // An upsert in both cases, so that two imports racing for a new unit both succeed instead of one failing on the key.
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO units (id, name, kind, municipality, organiser, contact_email, name_folded, municipality_folded,
                    created_at, updated_at)
                VALUES (@Id, @Name, @Kind, @Municipality, @Organiser, @ContactEmail, @NameFolded, @MunicipalityFolded, @Now, @Now)
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind, municipality = excluded.municipality,
                    organiser = excluded.organiser, contact_email = excluded.contact_email, name_folded = excluded.name_folded,
                    municipality_folded = excluded.municipality_folded, updated_at = excluded.updated_at
                """, added.Concat(changed).Select(unit => new
            {
                unit.Id,
                unit.Name,
                unit.Kind,
                unit.Municipality,
                unit.Organiser,
                unit.ContactEmail,
                NameFolded = UnitSearchText.Fold(unit.Name),
                MunicipalityFolded = UnitSearchText.Fold(unit.Municipality),
                Now = now,
            }).ToList(), transaction, cancellationToken: cancellationToken));
            var result = new UnitImportResult(added.Count, changed.Count, units.Count - added.Count - changed.Count);
            return Audited.With(result, AuditEvent.By(caller, now, AuditActions.UnitImport, AuditOutcomes.Ok));
        }, cancellationToken);
}
