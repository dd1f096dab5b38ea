using System.Data.Common;
using Dapper;
using EgenvardRegistry.Audit;
using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Database;

namespace EgenvardRegistry.Instructions;

/// <summary>One staff member recorded as instructed in a certificate's egenvård, at one school unit.</summary>
public sealed record InstructionEntry(
    Guid Id,
    Guid CertificateId,
    string SchoolUnit,
    string StaffName,
    string StaffRole,
    string InstructedBy,
    DateOnly InstructedOn,
    DateTimeOffset RecordedAt,
    string RecordedBy,
    Guid? CarriedFrom);

/// <summary>
/// The staff currently instructed for a certificate (a school sees its own unit's), and whether the certificate renewed
/// one with other measures, so that no one was carried over and the staff must be instructed anew.
/// </summary>
public sealed record InstructionList(Certificate Certificate, IReadOnlyList<InstructionEntry> Entries, bool MeasuresChangedAtRenewal);

public enum InstructionOutcome
{
    Done,
    NotFound,
    Conflict,
}

public static class InstructionAuditOutcomes
{
    /// <summary>A renewal changed the measures, so the instructed staff were not carried over.</summary>
    public const string MeasuresChanged = "measures-changed";
}

/// <summary>
/// Records, lists and removes instructed staff; append-only (a removal is a row of its own). Every call is audited in
/// the same transaction. A school works with its own unit's entries on certificates shared with it.
/// </summary>
public sealed class InstructionStore(IDbConnectionFactory db, TimeProvider time)
{
    private const string EntryColumns = """
        id, certificate_id, school_unit, staff_name, staff_role, instructed_by, instructed_on, recorded_at, recorded_by, carried_from
        """;

    public Task<(InstructionOutcome Outcome, InstructionEntry? Entry)> RecordAsync(
        Guid certificateId, NewInstruction input, Caller caller, CancellationToken cancellationToken) =>
        db.RunAuditedAsync(async transaction =>
        {
            var now = time.GetUtcNow();
            var certificate = await LoadAsync(transaction, certificateId, cancellationToken);
            if (SchoolRefusal(certificate, caller) is { } refusal)
            {
                return Audited.With<(InstructionOutcome, InstructionEntry?)>((InstructionOutcome.NotFound, null),
                    AuditEvent.By(caller, now, AuditActions.InstructionRecord, refusal, certificateId, certificate?.ChildId));
            }
            if (certificate!.Status != CertificateStatus.Active)
            {
                return Audited.With<(InstructionOutcome, InstructionEntry?)>((InstructionOutcome.Conflict, null),
                    AuditEvent.By(caller, now, AuditActions.InstructionRecord, AuditOutcomes.Conflict, certificateId, certificate.ChildId));
            }
            var entry = new InstructionEntry(Guid.CreateVersion7(now), certificateId, caller.SchoolUnit!, input.StaffName,
                input.StaffRole, input.InstructedBy, input.InstructedOn, now, caller.Id, null);
            await transaction.Connection!.ExecuteAsync(new CommandDefinition("""
                INSERT INTO staff_instructions (id, certificate_id, school_unit, staff_name, staff_role, instructed_by, instructed_on,
                    recorded_at, recorded_by)
                VALUES (@Id, @CertificateId, @SchoolUnit, @StaffName, @StaffRole, @InstructedBy, @InstructedOn, @RecordedAt, @RecordedBy)
                """, entry, transaction, cancellationToken: cancellationToken));
            return Audited.With<(InstructionOutcome, InstructionEntry?)>((InstructionOutcome.Done, entry),
                AuditEvent.By(caller, now, AuditActions.InstructionRecord, AuditOutcomes.Ok, certificateId, certificate.ChildId));
        }, cancellationToken);

    /// <returns>Null when the certificate does not exist or the caller may not read it (the two look alike).</returns>
    public Task<InstructionList?> ListAsync(Guid certificateId, Caller caller, CancellationToken cancellationToken) =>
        db.RunAuditedAsync(async transaction =>
        {
            var now = time.GetUtcNow();
            var certificate = await LoadAsync(transaction, certificateId, cancellationToken);
            if (certificate is null || !CertificateAccess.CanRead(caller, certificate))
            {
                return Audited.With<InstructionList?>(null, AuditEvent.By(caller, now, AuditActions.InstructionList,
                    certificate is null ? AuditOutcomes.NotFound : AuditOutcomes.Denied, certificateId, certificate?.ChildId));
            }
            var unit = caller.Role == Roles.School ? "AND school_unit = @SchoolUnit" : "";
            var rows = await transaction.Connection!.QueryAsync<EntryRow>(new CommandDefinition($"""
                SELECT {EntryColumns}
                FROM current_staff_instructions
                WHERE certificate_id = @CertificateId {unit}
                ORDER BY school_unit, instructed_on, recorded_at, id
                """, new { CertificateId = certificateId, caller.SchoolUnit }, transaction, cancellationToken: cancellationToken));
            var changed = await MeasuresChangedAtRenewalAsync(transaction, db.Dialect, certificate, cancellationToken);
            return Audited.With<InstructionList?>(new InstructionList(certificate, [.. rows.Select(row => row.ToEntry())], changed),
                AuditEvent.By(caller, now, AuditActions.InstructionList, AuditOutcomes.Ok, certificateId, certificate.ChildId));
        }, cancellationToken);

    /// <summary>Records that a staff member is no longer instructed (left, say). The entry itself stays.</summary>
    public Task<InstructionOutcome> RemoveAsync(Guid certificateId, Guid entryId, Caller caller, CancellationToken cancellationToken) =>
        db.RunAuditedAsync(async transaction =>
        {
            var now = time.GetUtcNow();
            var certificate = await LoadAsync(transaction, certificateId, cancellationToken);
            var refusal = SchoolRefusal(certificate, caller);
            // The key on instruction_id decides two removals racing for one entry; the loser finds nothing to remove.
            var removed = refusal is not null ? 0 : await transaction.Connection!.ExecuteAsync(new CommandDefinition("""
                INSERT INTO staff_instruction_removals (instruction_id, removed_at, removed_by)
                SELECT id, @Now, @By
                FROM current_staff_instructions
                WHERE id = @EntryId AND certificate_id = @CertificateId AND school_unit = @SchoolUnit
                ON CONFLICT (instruction_id) DO NOTHING
                """, new { EntryId = entryId, CertificateId = certificateId, caller.SchoolUnit, Now = now, By = caller.Id },
                transaction, cancellationToken: cancellationToken));
            var outcome = removed == 1 ? InstructionOutcome.Done : InstructionOutcome.NotFound;
            return Audited.With(outcome, AuditEvent.By(caller, now, AuditActions.InstructionRemove,
                refusal ?? (removed == 1 ? AuditOutcomes.Ok : AuditOutcomes.NotFound), certificateId, certificate?.ChildId));
        }, cancellationToken);

    /// <summary>How many staff are instructed at a school unit for each of these certificates (absent: none).</summary>
    public static async Task<IReadOnlyDictionary<Guid, int>> CountCurrentAsync(DbTransaction transaction, SqlDialect dialect,
        IReadOnlyCollection<Guid> certificateIds, string schoolUnit, CancellationToken cancellationToken)
    {
        if (certificateIds.Count == 0)
        {
            return new Dictionary<Guid, int>();
        }
        var rows = await transaction.Connection!.QueryAsync<CountRow>(new CommandDefinition($"""
            SELECT certificate_id, COUNT(*) AS staff
            FROM current_staff_instructions
            WHERE school_unit = @SchoolUnit AND {dialect.InList("certificate_id", "Ids")}
            GROUP BY certificate_id
            """, new { SchoolUnit = schoolUnit, Ids = dialect.Ids(certificateIds) }, transaction, cancellationToken: cancellationToken));
        return rows.ToDictionary(row => row.CertificateId, row => (int)row.Staff);
    }

    /// <summary>
    /// Part of a renewal, in its transaction: the staff instructed for the old certificate are carried over to the
    /// new one, at the units it is still shared with, unless the measures changed; then no one is, and the school
    /// must instruct its staff anew. Returns the audit event when the old certificate had instructed staff.
    /// </summary>
    public static async Task<IReadOnlyList<AuditEvent>> CarryOverAsync(DbTransaction transaction, SqlDialect dialect,
        Certificate old, Guid renewalId, IReadOnlyList<Measure> renewedMeasures, Caller caller, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var connection = transaction.Connection!;
        var instructed = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM current_staff_instructions WHERE certificate_id = @Id",
            new { old.Id }, transaction, cancellationToken: cancellationToken));
        if (instructed == 0)
        {
            return [];
        }
        if (InstructionRules.MeasuresChanged(old.Measures, renewedMeasures))
        {
            return [AuditEvent.By(caller, now, AuditActions.InstructionCarryOver, InstructionAuditOutcomes.MeasuresChanged, renewalId, old.ChildId)];
        }
        await connection.ExecuteAsync(new CommandDefinition($"""
            INSERT INTO staff_instructions (id, certificate_id, school_unit, staff_name, staff_role, instructed_by, instructed_on,
                recorded_at, recorded_by, carried_from)
            SELECT {dialect.NewIdSql}, @RenewalId, i.school_unit, i.staff_name, i.staff_role, i.instructed_by, i.instructed_on,
                @Now, i.recorded_by, i.id
            FROM current_staff_instructions i
            WHERE i.certificate_id = @OldId
              AND i.school_unit IN (SELECT s.school_unit FROM certificate_shares s WHERE s.certificate_id = @RenewalId)
            """, new { RenewalId = renewalId, OldId = old.Id, Now = now }, transaction, cancellationToken: cancellationToken));
        return [AuditEvent.By(caller, now, AuditActions.InstructionCarryOver, AuditOutcomes.Ok, renewalId, old.ChildId)];
    }

    /// <summary>Whether this certificate renewed one with other measures (so no instructed staff were carried over).</summary>
    public static async Task<bool> MeasuresChangedAtRenewalAsync(DbTransaction transaction, SqlDialect dialect,
        Certificate certificate, CancellationToken cancellationToken)
    {
        if (certificate.Replaces is not { } replacedId)
        {
            return false;
        }
        var replaced = await UncheckedCertificateReader.LoadAsync(transaction, dialect, [replacedId], cancellationToken);
        return replaced is [var old] && InstructionRules.MeasuresChanged(old.Measures, certificate.Measures);
    }

    /// <summary>Why a school may not record or remove on this certificate, as an audit outcome; null when it may.</summary>
    private static string? SchoolRefusal(Certificate? certificate, Caller caller) =>
        certificate is null ? AuditOutcomes.NotFound
        : caller.Role != Roles.School || !certificate.SharedWith.Contains(caller.SchoolUnit) ? AuditOutcomes.Denied
        : null;

    private async Task<Certificate?> LoadAsync(DbTransaction transaction, Guid id, CancellationToken cancellationToken) =>
        (await UncheckedCertificateReader.LoadAsync(transaction, db.Dialect, [id], cancellationToken)).SingleOrDefault();

    // Row classes with setters: Dapper maps SQLite's text ids and dates through the type handlers onto them.
    private sealed class EntryRow
    {
        public Guid Id { get; set; }
        public Guid CertificateId { get; set; }
        public string SchoolUnit { get; set; } = "";
        public string StaffName { get; set; } = "";
        public string StaffRole { get; set; } = "";
        public string InstructedBy { get; set; } = "";
        public DateOnly InstructedOn { get; set; }
        public DateTimeOffset RecordedAt { get; set; }
        public string RecordedBy { get; set; } = "";
        public Guid? CarriedFrom { get; set; }

        public InstructionEntry ToEntry() => new(Id, CertificateId, SchoolUnit, StaffName, StaffRole, InstructedBy, InstructedOn,
            RecordedAt, RecordedBy, CarriedFrom);
    }

    private sealed class CountRow
    {
        public Guid CertificateId { get; set; }
        public long Staff { get; set; }
    }
}
