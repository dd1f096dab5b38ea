using System.Data.Common;
using Dapper;
using EgenvardRegistry.Audit;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Database;

namespace EgenvardRegistry.Certificates;

/// <summary>
/// Issues, reads, renews, revokes and searches certificates. Every call writes its audit event in the same
/// transaction as its work, and every state change adds a row to the certificate's history.
/// </summary>
public sealed class CertificateStore(IDbConnectionFactory db, TimeProvider time)
{
    public async Task<Certificate> IssueAsync(NewCertificate input, Caller caller, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var (id, childId) = await InsertAsync(transaction, input, caller, now, replaces: null, cancellationToken);
        await History(transaction, id, 1, CertificateStatus.Active, "issued", now, caller, null, cancellationToken);
        await AuditLog.WriteAsync(transaction,
            AuditEvent.By(caller, now, AuditActions.CertificateIssue, AuditOutcomes.Ok, id, childId), cancellationToken);
        var issued = await LoadOneAsync(transaction, id, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return issued!;
    }

    /// <returns>The certificate, or null when it does not exist or the caller may not see it (the two look alike).</returns>
    public async Task<Certificate?> ReadAsync(Guid id, Caller caller, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var certificate = await LoadOneAsync(transaction, id, cancellationToken);
        var outcome = certificate is null ? AuditOutcomes.NotFound
            : CertificateAccess.CanRead(caller, certificate) ? AuditOutcomes.Ok
            : AuditOutcomes.Denied;
        await AuditLog.WriteAsync(transaction,
            AuditEvent.By(caller, time.GetUtcNow(), AuditActions.CertificateRead, outcome, id, certificate?.ChildId),
            cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return outcome == AuditOutcomes.Ok ? certificate : null;
    }

    /// <summary>
    /// Renews an active certificate: a new certificate with new dates (and any changed content) replaces it.
    /// Only clinicians of the issuing care unit may renew.
    /// </summary>
    public async Task<ChangeResult> RenewAsync(Guid id, RenewCertificateRequest request, Caller caller, int? expectedVersion,
        DateOnly today, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var old = await LoadOneAsync(transaction, id, cancellationToken);
        var refusal = Refusal(old, caller, expectedVersion);
        if (refusal is not null)
        {
            return await RefuseAsync(transaction, caller, now, AuditActions.CertificateRenew, refusal, id, old, cancellationToken);
        }

        var (renewal, errors) = CertificateRules.Validate(request.MergeInto(old!), today);
        if (renewal is null)
        {
            return await RefuseAsync(transaction, caller, now, AuditActions.CertificateRenew, ChangeResult.Invalid(errors), id, old,
                cancellationToken);
        }

        // The guarded update is where two racing renewals (or a renewal and a revocation) are decided.
        var replaced = await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE certificates SET status = 'replaced', version = version + 1
            WHERE id = @Id AND status = 'active' AND version = @Version
            """, new { Id = id, old!.Version }, transaction, cancellationToken: cancellationToken));
        if (replaced == 0)
        {
            return await RefuseAsync(transaction, caller, now, AuditActions.CertificateRenew,
                ChangeResult.Conflict("The certificate changed while it was being renewed."), id, old, cancellationToken);
        }
        var (newId, childId) = await InsertAsync(transaction, renewal, caller, now, replaces: id, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE certificates SET replaced_by = @NewId WHERE id = @Id",
            new { NewId = newId, Id = id }, transaction, cancellationToken: cancellationToken));
        await History(transaction, id, old.Version + 1, CertificateStatus.Replaced, "replaced", now, caller, null, cancellationToken);
        await History(transaction, newId, 1, CertificateStatus.Active, "renewed", now, caller, null, cancellationToken);
        await AuditLog.WriteAsync(transaction,
        [
            AuditEvent.By(caller, now, AuditActions.CertificateRenew, "replaced", id, childId),
            AuditEvent.By(caller, now, AuditActions.CertificateRenew, AuditOutcomes.Ok, newId, childId),
        ], cancellationToken);
        var renewed = await LoadOneAsync(transaction, newId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return ChangeResult.Done(renewed!);
    }

    /// <summary>Revokes an active certificate for good. Only clinicians of the issuing care unit may revoke.</summary>
    public async Task<ChangeResult> RevokeAsync(Guid id, string reason, Caller caller, int expectedVersion,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var certificate = await LoadOneAsync(transaction, id, cancellationToken);
        var refusal = Refusal(certificate, caller, expectedVersion);
        if (refusal is not null)
        {
            return await RefuseAsync(transaction, caller, now, AuditActions.CertificateRevoke, refusal, id, certificate, cancellationToken);
        }
        var revoked = await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE certificates
            SET status = 'revoked', version = version + 1, revoked_at = @Now, revoked_by = @RevokedBy, revocation_reason = @Reason
            WHERE id = @Id AND status = 'active' AND version = @Version
            """, new { Id = id, Version = expectedVersion, Now = now, RevokedBy = caller.HsaId ?? caller.Id, Reason = reason },
            transaction, cancellationToken: cancellationToken));
        if (revoked == 0)
        {
            return await RefuseAsync(transaction, caller, now, AuditActions.CertificateRevoke, ChangeResult.PreconditionFailed(), id,
                certificate, cancellationToken);
        }
        await History(transaction, id, expectedVersion + 1, CertificateStatus.Revoked, "revoked", now, caller, reason, cancellationToken);
        await AuditLog.WriteAsync(transaction,
            AuditEvent.By(caller, now, AuditActions.CertificateRevoke, AuditOutcomes.Ok, id, certificate!.ChildId), cancellationToken);
        var result = await LoadOneAsync(transaction, id, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return ChangeResult.Done(result!);
    }

    /// <summary>All of a child's certificates across care units, newest first; the clinician is treating the child.</summary>
    public async Task<IReadOnlyList<Certificate>> SearchAsync(string personnummer, Caller caller, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var childId = await connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(
            "SELECT id FROM children WHERE personnummer = @Personnummer",
            new { Personnummer = personnummer }, transaction, cancellationToken: cancellationToken));
        var certificates = childId is null ? [] : await CertificateReader.LoadSelectedAsync(transaction, db.Dialect, """
            SELECT id FROM certificates WHERE child_id = @ChildId ORDER BY issued_at DESC, id DESC
            """, new { ChildId = childId.Value }, cancellationToken);
        var now = time.GetUtcNow();
        await AuditLog.WriteAsync(transaction, certificates.Count == 0
            ? [AuditEvent.By(caller, now, AuditActions.CertificateSearch, AuditOutcomes.NotFound, childId: childId)]
            : AuditEvents.PerCertificate(caller, now, AuditActions.CertificateSearch, certificates), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return certificates;
    }

    /// <summary>Why a change may not go ahead, checked in HTTP's order: existence and access, precondition, state.</summary>
    private static ChangeResult? Refusal(Certificate? certificate, Caller caller, int? expectedVersion)
    {
        if (certificate is null || caller.CareUnit != certificate.CareUnit.HsaId)
        {
            return ChangeResult.NotFound(certificate is null ? AuditOutcomes.NotFound : AuditOutcomes.Denied);
        }
        if (expectedVersion is { } expected && expected != certificate.Version)
        {
            return ChangeResult.PreconditionFailed();
        }
        return certificate.Status == CertificateStatus.Active
            ? null
            : ChangeResult.Conflict($"The certificate is {certificate.Status}; only an active certificate can change.");
    }

    /// <summary>A refused change still read the certificate: the attempt is audited, and nothing else is written.</summary>
    private static async Task<ChangeResult> RefuseAsync(DbTransaction transaction, Caller caller, DateTimeOffset now, string action,
        ChangeResult result, Guid id, Certificate? certificate, CancellationToken cancellationToken)
    {
        await AuditLog.WriteAsync(transaction,
            AuditEvent.By(caller, now, action, result.AuditOutcome, id, certificate?.ChildId), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    private async Task<Certificate?> LoadOneAsync(DbTransaction transaction, Guid id, CancellationToken cancellationToken) =>
        (await CertificateReader.LoadAsync(transaction, db.Dialect, [id], cancellationToken)).SingleOrDefault();

    private static async Task History(DbTransaction transaction, Guid id, int version, string status, string change,
        DateTimeOffset at, Caller caller, string? reason, CancellationToken cancellationToken) =>
        await transaction.Connection!.ExecuteAsync(new CommandDefinition("""
            INSERT INTO certificate_history (certificate_id, version, status, change, changed_at, changed_by, reason)
            VALUES (@Id, @Version, @Status, @Change, @At, @By, @Reason)
            """, new { Id = id, Version = version, Status = status, Change = change, At = at, By = caller.HsaId ?? caller.Id, Reason = reason },
            transaction, cancellationToken: cancellationToken));

    private static async Task<(Guid Id, Guid ChildId)> InsertAsync(DbTransaction transaction, NewCertificate input, Caller caller,
        DateTimeOffset now, Guid? replaces, CancellationToken cancellationToken)
    {
        var connection = transaction.Connection!;
        var childId = await connection.QuerySingleAsync<Guid>(new CommandDefinition("""
            INSERT INTO children (id, personnummer, name, created_at)
            VALUES (@Id, @Personnummer, @Name, @Now)
            ON CONFLICT (personnummer) DO UPDATE SET name = excluded.name
            RETURNING id
            """, new { Id = Guid.CreateVersion7(now), Personnummer = input.ChildPersonnummer, Name = input.ChildName, Now = now },
            transaction, cancellationToken: cancellationToken));

        var id = Guid.CreateVersion7(now);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO certificates (id, child_id, child_name, status, version, valid_from, valid_until, follow_up_on,
                instruction_given_by, care_unit_hsa_id, care_unit_name, care_unit_phone,
                issued_at, issued_by_sub, issued_by_hsa_id, issued_by_name, issued_by_profession, replaces)
            VALUES (@Id, @ChildId, @ChildName, @Status, 1, @ValidFrom, @ValidUntil, @FollowUpOn,
                @InstructionGivenBy, @CareUnitHsaId, @CareUnitName, @CareUnitPhone,
                @IssuedAt, @IssuedBySub, @IssuedByHsaId, @IssuedByName, @IssuedByProfession, @Replaces)
            """, new
        {
            Id = id,
            ChildId = childId,
            input.ChildName,
            Status = CertificateStatus.Active,
            input.ValidFrom,
            input.ValidUntil,
            input.FollowUpOn,
            input.InstructionGivenBy,
            CareUnitHsaId = input.CareUnit.HsaId,
            CareUnitName = input.CareUnit.Name,
            CareUnitPhone = input.CareUnit.Phone,
            IssuedAt = now,
            IssuedBySub = caller.Id,
            IssuedByHsaId = caller.HsaId,
            IssuedByName = caller.Name,
            IssuedByProfession = caller.Profession,
            Replaces = replaces,
        }, transaction, cancellationToken: cancellationToken));

        for (var position = 0; position < input.Guardians.Count; position++)
        {
            var guardian = input.Guardians[position];
            // A guardian's own choices (reminders off) survive a new certificate; a new e-mail address replaces the old.
            var guardianId = await connection.QuerySingleAsync<Guid>(new CommandDefinition("""
                INSERT INTO guardians (id, personnummer, name, email, created_at, updated_at)
                VALUES (@Id, @Personnummer, @Name, @Email, @Now, @Now)
                ON CONFLICT (personnummer) DO UPDATE
                    SET name = excluded.name, email = COALESCE(excluded.email, guardians.email), updated_at = excluded.updated_at
                RETURNING id
                """, new { Id = Guid.CreateVersion7(now), guardian.Personnummer, guardian.Name, guardian.Email, Now = now },
                transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO certificate_guardians (certificate_id, guardian_id, position, name)
                VALUES (@CertificateId, @GuardianId, @Position, @Name)
                """, new { CertificateId = id, GuardianId = guardianId, Position = position, guardian.Name },
                transaction, cancellationToken: cancellationToken));
        }

        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO certificate_measures (certificate_id, position, code, description, performer, instructions, if_harm, if_changed)
            VALUES (@CertificateId, @Position, @Code, @Description, @Performer, @Instructions, @IfHarm, @IfChanged)
            """, input.Measures.Select((measure, position) => new
        {
            CertificateId = id,
            Position = position,
            measure.Code,
            measure.Description,
            measure.Performer,
            measure.Instructions,
            measure.IfHarm,
            measure.IfChanged,
        }).ToList(), transaction, cancellationToken: cancellationToken));

        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO certificate_shares (certificate_id, school_unit) VALUES (@CertificateId, @SchoolUnit)",
            input.SharedWith.Select(unit => new { CertificateId = id, SchoolUnit = unit }).ToList(),
            transaction, cancellationToken: cancellationToken));
        return (id, childId);
    }
}

public enum ChangeOutcome
{
    Done,
    NotFound,
    PreconditionFailed,
    Conflict,
    Invalid,
}

/// <summary>How a renewal or revocation ended.</summary>
public sealed record ChangeResult(ChangeOutcome Outcome, string AuditOutcome, Certificate? Certificate = null,
    ValidationErrors? Errors = null, string? Detail = null)
{
    public static ChangeResult Done(Certificate certificate) => new(ChangeOutcome.Done, AuditOutcomes.Ok, certificate);

    public static ChangeResult NotFound(string auditOutcome) => new(ChangeOutcome.NotFound, auditOutcome);

    public static ChangeResult PreconditionFailed() => new(ChangeOutcome.PreconditionFailed, "precondition-failed");

    public static ChangeResult Conflict(string detail) => new(ChangeOutcome.Conflict, "conflict", Detail: detail);

    public static ChangeResult Invalid(ValidationErrors errors) => new(ChangeOutcome.Invalid, "invalid", Errors: errors);
}

/// <summary>Who may read a certificate. Anyone else gets the same answer as for a certificate that does not exist.</summary>
public static class CertificateAccess
{
    public static bool CanRead(Caller caller, Certificate certificate) => caller.Role switch
    {
        Roles.Admin => true,
        Roles.Clinician => caller.CareUnit == certificate.CareUnit.HsaId,
        Roles.School => certificate.SharedWith.Contains(caller.SchoolUnit),
        Roles.Guardian => certificate.Guardians.Any(guardian => guardian.Personnummer == caller.Personnummer),
        _ => false,
    };
}

/// <summary>Loads whole certificates (with guardians, measures and shares) by id, for every feature's store.</summary>
public static class CertificateReader
{
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
        var connection = transaction.Connection!;
        var parameters = new { Ids = dialect.Ids(ids) };
        var rows = await connection.QueryAsync<CertificateRow>(new CommandDefinition($"""
            SELECT c.id, c.child_id, ch.personnummer AS child_personnummer, c.child_name, c.status, c.version,
                   c.valid_from, c.valid_until, c.follow_up_on, c.instruction_given_by,
                   c.care_unit_hsa_id, c.care_unit_name, c.care_unit_phone,
                   c.issued_at, c.issued_by_hsa_id, c.issued_by_name, c.issued_by_profession,
                   c.replaces, c.replaced_by, c.revoked_at, c.revoked_by, c.revocation_reason
            FROM certificates c
            JOIN children ch ON ch.id = c.child_id
            WHERE {dialect.InList("c.id", "Ids")}
            """, parameters, transaction, cancellationToken: cancellationToken));
        var guardians = (await connection.QueryAsync<GuardianRow>(new CommandDefinition($"""
            SELECT cg.certificate_id, g.personnummer, cg.name, g.email
            FROM certificate_guardians cg
            JOIN guardians g ON g.id = cg.guardian_id
            WHERE {dialect.InList("cg.certificate_id", "Ids")}
            ORDER BY cg.position
            """, parameters, transaction, cancellationToken: cancellationToken))).ToLookup(row => row.CertificateId);
        var measures = (await connection.QueryAsync<MeasureRow>(new CommandDefinition($"""
            SELECT certificate_id, code, description, performer, instructions, if_harm, if_changed
            FROM certificate_measures
            WHERE {dialect.InList("certificate_id", "Ids")}
            ORDER BY position
            """, parameters, transaction, cancellationToken: cancellationToken))).ToLookup(row => row.CertificateId);
        var shares = (await connection.QueryAsync<ShareRow>(new CommandDefinition($"""
            SELECT certificate_id, school_unit
            FROM certificate_shares
            WHERE {dialect.InList("certificate_id", "Ids")}
            ORDER BY school_unit
            """, parameters, transaction, cancellationToken: cancellationToken))).ToLookup(row => row.CertificateId);

        var byId = rows.ToDictionary(row => row.Id, row => new Certificate(
            row.Id,
            row.ChildId,
            row.ChildPersonnummer,
            row.ChildName,
            row.Status,
            row.Version,
            guardians[row.Id].Select(g => new CertificateGuardian(g.Personnummer, g.Name, g.Email)).ToList(),
            measures[row.Id].Select(m => new Measure(m.Code, m.Description, m.Performer, m.Instructions, m.IfHarm, m.IfChanged)).ToList(),
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
                : null));
        return ids.Where(byId.ContainsKey).Select(id => byId[id]).ToList();
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

    private sealed class MeasureRow
    {
        public Guid CertificateId { get; set; }
        public string Code { get; set; } = "";
        public string? Description { get; set; }
        public string Performer { get; set; } = "";
        public string Instructions { get; set; } = "";
        public string IfHarm { get; set; } = "";
        public string IfChanged { get; set; } = "";
    }

    private sealed class ShareRow
    {
        public Guid CertificateId { get; set; }
        public string SchoolUnit { get; set; } = "";
    }
}
