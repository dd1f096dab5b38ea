using System.Data.Common;
using Dapper;
using EgenvardRegistry.Audit;
using EgenvardRegistry.Certificates;
using EgenvardRegistry.Concerns;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Database;
using EgenvardRegistry.Reminders;
using Microsoft.Extensions.Options;

namespace EgenvardRegistry.Requests;

public enum CreateOutcome
{
    Created,

    /// <summary>The unit already has an open request for the child: that one is the answer, and nothing is sent again.</summary>
    AlreadyOpen,

    /// <summary>No guardians were given and the registry knows none with an e-mail address.</summary>
    NoKnownGuardians,
}

public sealed record CreateResult(CreateOutcome Outcome, CertificateRequest? Request = null);

public enum WithdrawOutcome
{
    Done,
    NotFound,
    NotOpen,
}

public sealed record WithdrawResult(WithdrawOutcome Outcome, CertificateRequest? Request = null);

/// <summary>A request locked for a clinician's issue that answers it (<see cref="CertificateRequestStore.LockAsync"/>).</summary>
public sealed record RequestToAnswer(Guid Id, string Reference, Guid ChildId, string ChildPersonnummer, string SchoolUnit,
    string Status, DateTimeOffset CreatedAt)
{
    public bool IsOpen(DateTimeOffset openSince) => Status == RequestStatus.Open && CreatedAt >= openSince;
}

/// <summary>
/// Records schools' certificate requests, queues their e-mails to the guardians in the outbox, and reads them for the
/// requesting school unit, any clinician searching by the child's personnummer, and the child's guardians. Every call
/// is audited in its own transaction. A request past its last open day is expired on every read, and recorded as such by
/// <see cref="ExpireDueAsync"/> (the recurring job) or by the next request for the same child and unit.
/// </summary>
public sealed class CertificateRequestStore(IDbConnectionFactory db, TimeProvider time, IOptions<RequestOptions> options)
{
    /// <summary>Who records a lapse in the audit log: the registry itself.</summary>
    public const string SystemActor = "request-expiry";

    private const int ReferenceAttempts = 5;

    private int ExpireAfterDays => options.Value.ExpireAfterDays;

    /// <summary>
    /// A school unit asks for a certificate. While the unit has an open request for the child, that request is the
    /// answer; otherwise a new one is recorded with one outbox row per guardian, in the same transaction.
    /// </summary>
    public Task<CreateResult> CreateAsync(NewRequest input, Caller caller, CancellationToken cancellationToken) =>
        db.RunAuditedAsync(async transaction =>
        {
            var now = time.GetUtcNow();
            var openSince = RequestRules.OpenSince(time.TodayInStockholm(), ExpireAfterDays);
            var connection = transaction.Connection!;
            var events = new List<AuditEvent>();
            var childId = await UncheckedCertificateReader.FindChildAsync(transaction, input.ChildPersonnummer, cancellationToken);
            if (childId is { } known)
            {
                events.AddRange(await ExpireAsync(transaction, "school_unit = @SchoolUnit AND child_id = @ChildId",
                    new { caller.SchoolUnit, ChildId = known }, openSince, now, cancellationToken));
                if (await OpenForAsync(transaction, caller.SchoolUnit!, known, cancellationToken) is { } open)
                {
                    return Audited.With(new CreateResult(CreateOutcome.AlreadyOpen, open),
                        [.. events, AuditEvent.By(caller, now, AuditActions.RequestCreate, RequestAuditOutcomes.AlreadyOpen, childId: known)]);
                }
            }

            var recipients = input.Guardians.Select(guardian => new Recipient { Name = guardian.Name, Email = guardian.Email }).ToList();
            if (recipients.Count == 0 && childId is { } child)
            {
                recipients = await KnownGuardiansAsync(transaction, child, cancellationToken);
            }
            if (recipients.Count == 0)
            {
                return Audited.With(new CreateResult(CreateOutcome.NoKnownGuardians),
                    [.. events, AuditEvent.By(caller, now, AuditActions.RequestCreate, AuditOutcomes.Invalid, childId: childId)]);
            }

            // A child the registry has not met gets its internal id now, so the audit trail can name it; a certificate
            // issued later finds the same row (and replaces the name the school gave with the clinician's).
            var id = Guid.CreateVersion7(now);
            var childOfRequest = childId ?? await connection.QuerySingleAsync<Guid>(new CommandDefinition("""
                INSERT INTO children (id, personnummer, name, created_at)
                VALUES (@Id, @Personnummer, @Name, @Now)
                ON CONFLICT (personnummer) DO UPDATE SET personnummer = excluded.personnummer
                RETURNING id
                """, new { Id = Guid.CreateVersion7(now), Personnummer = input.ChildPersonnummer, Name = input.ChildName, Now = now },
                transaction, cancellationToken: cancellationToken));
            if (!await InsertRequestAsync(transaction, id, childOfRequest, input, caller, now, cancellationToken))
            {
                // Another request for the unit and child won the unique index a moment ago: that one is the answer.
                var winner = await OpenForAsync(transaction, caller.SchoolUnit!, childOfRequest, cancellationToken);
                return Audited.With(new CreateResult(CreateOutcome.AlreadyOpen, winner),
                    [.. events, AuditEvent.By(caller, now, AuditActions.RequestCreate, RequestAuditOutcomes.AlreadyOpen, childId: childOfRequest)]);
            }
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO certificate_request_measures (request_id, position, code) VALUES (@RequestId, @Position, @Code)
                """, input.Measures.Select((code, position) => new { RequestId = id, Position = position, Code = code }).ToList(),
                transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO certificate_request_recipients (request_id, position, name, email, guardian_id)
                VALUES (@RequestId, @Position, @Name, @Email, @GuardianId)
                """, recipients.Select((recipient, position) => new
            {
                RequestId = id,
                Position = position,
                recipient.Name,
                recipient.Email,
                recipient.GuardianId,
            }).ToList(), transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO notifications (id, kind, request_id, recipient_position, status, attempts, next_attempt_at, created_at)
                VALUES (@Id, @Kind, @RequestId, @Position, @Status, 0, @Now, @Now)
                """, recipients.Select((_, position) => new
            {
                Id = Guid.CreateVersion7(now),
                Kind = NotificationKinds.CertificateRequest,
                RequestId = id,
                Position = position,
                Status = NotificationStatus.Pending,
                Now = now,
            }).ToList(), transaction, cancellationToken: cancellationToken));
            var created = await LoadOneAsync(transaction, id, cancellationToken);
            return Audited.With(new CreateResult(CreateOutcome.Created, created),
                [.. events, AuditEvent.By(caller, now, AuditActions.RequestCreate, AuditOutcomes.Ok, childId: childOfRequest)]);
        }, cancellationToken);

    /// <summary>The caller's school unit's requests with this status today, oldest first.</summary>
    public Task<IReadOnlyList<CertificateRequest>> ListForSchoolAsync(Caller caller, string status, CancellationToken cancellationToken) =>
        db.RunAuditedAsync(async transaction =>
        {
            var openSince = RequestRules.OpenSince(time.TodayInStockholm(), ExpireAfterDays);
            var requests = await LoadAsync(transaction, $"r.school_unit = @SchoolUnit AND {StatusToday(status)}", OldestFirst,
                new { caller.SchoolUnit, Status = status, OpenSince = openSince }, cancellationToken);
            return Audited.With(requests, PerRequest(caller, AuditActions.RequestList, requests));
        }, cancellationToken);

    /// <summary>The school unit that made an open request withdraws it. Another unit's request is not found.</summary>
    public Task<WithdrawResult> WithdrawAsync(Guid id, Caller caller, CancellationToken cancellationToken) =>
        db.RunAuditedAsync(async transaction =>
        {
            var now = time.GetUtcNow();
            var request = await LoadOneAsync(transaction, id, cancellationToken);
            if (request is null || caller.Role != Roles.School || request.SchoolUnit != caller.SchoolUnit)
            {
                return Audited.With(new WithdrawResult(WithdrawOutcome.NotFound), AuditEvent.By(caller, now, AuditActions.RequestWithdraw,
                    request is null ? AuditOutcomes.NotFound : AuditOutcomes.Denied, childId: request?.ChildId));
            }
            var withdrawn = await transaction.Connection!.ExecuteAsync(new CommandDefinition("""
                UPDATE certificate_requests SET status = @Withdrawn, closed_at = @Now, closed_by = @By
                WHERE id = @Id AND status = @Open AND created_at >= @OpenSince
                """, new
            {
                Id = id,
                Withdrawn = RequestStatus.Withdrawn,
                Open = RequestStatus.Open,
                Now = now,
                By = caller.Id,
                OpenSince = RequestRules.OpenSince(time.TodayInStockholm(), ExpireAfterDays),
            }, transaction, cancellationToken: cancellationToken));
            if (withdrawn == 0)
            {
                return Audited.With(new WithdrawResult(WithdrawOutcome.NotOpen, request),
                    AuditEvent.By(caller, now, AuditActions.RequestWithdraw, AuditOutcomes.Conflict, request.CertificateId, request.ChildId));
            }
            return Audited.With(new WithdrawResult(WithdrawOutcome.Done, await LoadOneAsync(transaction, id, cancellationToken)),
                AuditEvent.By(caller, now, AuditActions.RequestWithdraw, AuditOutcomes.Ok, childId: request.ChildId));
        }, cancellationToken);

    /// <summary>A child's open requests from every school unit, oldest first: what a clinician may answer when issuing.</summary>
    public Task<IReadOnlyList<CertificateRequest>> SearchOpenAsync(string personnummer, Caller caller, CancellationToken cancellationToken) =>
        db.RunAuditedAsync(async transaction =>
        {
            var openSince = RequestRules.OpenSince(time.TodayInStockholm(), ExpireAfterDays);
            var requests = await LoadAsync(transaction, $"ch.personnummer = @Personnummer AND {StatusToday(RequestStatus.Open)}",
                OldestFirst, new { Personnummer = personnummer, Status = RequestStatus.Open, OpenSince = openSince }, cancellationToken);
            if (requests.Count == 0)
            {
                var childId = await UncheckedCertificateReader.FindChildAsync(transaction, personnummer, cancellationToken);
                return Audited.With(requests, AuditEvent.By(caller, time.GetUtcNow(), AuditActions.RequestSearch,
                    childId is null ? AuditOutcomes.NotFound : AuditOutcomes.Ok, childId: childId));
            }
            return Audited.With(requests, PerRequest(caller, AuditActions.RequestSearch, requests));
        }, cancellationToken);

    /// <summary>
    /// Requests about the children of the certificates that name the caller as guardian, newest first. A request about a
    /// child the registry knows no certificate for reaches the guardian by e-mail only.
    /// </summary>
    public Task<IReadOnlyList<CertificateRequest>> ListForGuardianAsync(Caller caller, CancellationToken cancellationToken) =>
        db.RunAuditedAsync(async transaction =>
        {
            var requests = await LoadAsync(transaction, """
                r.child_id IN (
                    SELECT c.child_id
                    FROM certificates c
                    JOIN certificate_guardians cg ON cg.certificate_id = c.id
                    JOIN guardians g ON g.id = cg.guardian_id
                    WHERE g.personnummer = @Personnummer)
                """, NewestFirst, new { caller.Personnummer }, cancellationToken);
            return Audited.With(requests, PerRequest(caller, AuditActions.RequestRead, requests));
        }, cancellationToken);

    /// <summary>One request, for the clinician about to answer it (the issue form is filled in from it); null when there is none.</summary>
    public Task<CertificateRequest?> ReadForAnswerAsync(Guid id, Caller caller, CancellationToken cancellationToken) =>
        db.RunAuditedAsync(async transaction =>
        {
            var request = caller.Role == Roles.Clinician ? await LoadOneAsync(transaction, id, cancellationToken) : null;
            return Audited.With(request, AuditEvent.By(caller, time.GetUtcNow(), AuditActions.RequestRead,
                request is null ? AuditOutcomes.NotFound : AuditOutcomes.Ok, request?.CertificateId, request?.ChildId));
        }, cancellationToken);

    /// <summary>Records every open request past its last open day as expired; the recurring job's work. Idempotent.</summary>
    /// <returns>How many requests lapsed now.</returns>
    public Task<int> ExpireDueAsync(CancellationToken cancellationToken) =>
        db.RunAuditedAsync(async transaction =>
        {
            var now = time.GetUtcNow();
            var events = await ExpireAsync(transaction, "1 = 1", new { },
                RequestRules.OpenSince(time.TodayInStockholm(), ExpireAfterDays), now, cancellationToken);
            return Audited.With(events.Count, events);
        }, cancellationToken);

    /// <summary>
    /// Locks a request for an issue that answers it, inside the transaction (a row lock on PostgreSQL; SQLite's
    /// write transactions are serialised), so two clinicians answering at once cannot both fulfil it.
    /// </summary>
    public static async Task<RequestToAnswer?> LockAsync(DbTransaction transaction, SqlDialect dialect, Guid id,
        CancellationToken cancellationToken)
    {
        var connection = transaction.Connection!;
        var row = await connection.QuerySingleOrDefaultAsync<LockedRow>(new CommandDefinition($"""
            SELECT id, reference, child_id, school_unit, status, created_at
            FROM certificate_requests
            WHERE id = @Id
            {dialect.ForUpdateSql}
            """, new { Id = id }, transaction, cancellationToken: cancellationToken));
        if (row is null)
        {
            return null;
        }
        var personnummer = await connection.QuerySingleAsync<string>(new CommandDefinition(
            "SELECT personnummer FROM children WHERE id = @Id", new { Id = row.ChildId }, transaction, cancellationToken: cancellationToken));
        return new RequestToAnswer(row.Id, row.Reference, row.ChildId, personnummer, row.SchoolUnit, row.Status, row.CreatedAt);
    }

    /// <summary>The request is answered by the certificate just issued in the same transaction.</summary>
    public static Task FulfilAsync(DbTransaction transaction, Guid id, Guid certificateId, Caller caller, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        transaction.Connection!.ExecuteAsync(new CommandDefinition("""
            UPDATE certificate_requests SET status = @Fulfilled, certificate_id = @CertificateId, closed_at = @Now, closed_by = @By
            WHERE id = @Id AND status = @Open
            """, new
        {
            Id = id,
            Fulfilled = RequestStatus.Fulfilled,
            Open = RequestStatus.Open,
            CertificateId = certificateId,
            Now = now,
            By = caller.HsaId ?? caller.Id,
        }, transaction, cancellationToken: cancellationToken));

    private const string OldestFirst = "r.created_at, r.id";

    private const string NewestFirst = "r.created_at DESC, r.id DESC";

    /// <summary>A condition on today's status: an open request created before <c>@OpenSince</c> has lapsed.</summary>
    private static string StatusToday(string status) => status switch
    {
        RequestStatus.Open => "r.status = @Status AND r.created_at >= @OpenSince",
        RequestStatus.Expired => "(r.status = @Status OR (r.status = 'open' AND r.created_at < @OpenSince))",
        _ => "r.status = @Status",
    };

    /// <summary>Records lapsed open requests (those <paramref name="condition"/> selects) as expired, one audit event each.</summary>
    private static async Task<IReadOnlyList<AuditEvent>> ExpireAsync(DbTransaction transaction, string condition, object parameters,
        DateTimeOffset openSince, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var all = new DynamicParameters(parameters);
        all.AddDynamicParams(new
        {
            Expired = RequestStatus.Expired,
            Open = RequestStatus.Open,
            OpenSince = openSince,
            Now = now,
            By = SystemActor,
        });
        var lapsed = await transaction.Connection!.QueryAsync<(Guid Id, Guid ChildId)>(new CommandDefinition($"""
            UPDATE certificate_requests SET status = @Expired, closed_at = @Now, closed_by = @By
            WHERE status = @Open AND created_at < @OpenSince AND {condition}
            RETURNING id, child_id
            """, all, transaction, cancellationToken: cancellationToken));
        return [.. lapsed.Select(row => new AuditEvent(now, "system", SystemActor, null, AuditActions.RequestExpire, null, row.ChildId,
            AuditOutcomes.Ok))];
    }

    private async Task<CertificateRequest?> OpenForAsync(DbTransaction transaction, string schoolUnit, Guid childId,
        CancellationToken cancellationToken) =>
        (await LoadAsync(transaction, "r.school_unit = @SchoolUnit AND r.child_id = @ChildId AND r.status = @Open", OldestFirst,
            new { SchoolUnit = schoolUnit, ChildId = childId, Open = RequestStatus.Open }, cancellationToken)).SingleOrDefault();

    /// <summary>The guardians with an e-mail address on the child's latest certificate, in their order there.</summary>
    private static async Task<List<Recipient>> KnownGuardiansAsync(DbTransaction transaction, Guid childId,
        CancellationToken cancellationToken) =>
        [.. await transaction.Connection!.QueryAsync<Recipient>(new CommandDefinition("""
            SELECT g.name, g.email, g.id AS guardian_id
            FROM certificate_guardians cg
            JOIN guardians g ON g.id = cg.guardian_id
            WHERE cg.certificate_id = (
                SELECT id FROM certificates WHERE child_id = @ChildId ORDER BY issued_at DESC, id DESC LIMIT 1)
              AND g.email IS NOT NULL
            ORDER BY cg.position
            """, new { ChildId = childId }, transaction, cancellationToken: cancellationToken))];

    /// <returns>False when the unit already has an open request for the child (the unique index said so).</returns>
    private async Task<bool> InsertRequestAsync(DbTransaction transaction, Guid id, Guid childId, NewRequest input, Caller caller,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < ReferenceAttempts; attempt++)
        {
            // DO NOTHING on any unique key: the open index (a racing request) or, very rarely, the reference.
            var inserted = await transaction.Connection!.ExecuteAsync(new CommandDefinition("""
                INSERT INTO certificate_requests (id, reference, child_id, child_name, school_unit, school_unit_name, message, status,
                    created_at, created_by_id, created_by_name)
                VALUES (@Id, @Reference, @ChildId, @ChildName, @SchoolUnit, @SchoolUnitName, @Message, @Status,
                    @Now, @CreatedById, @CreatedByName)
                ON CONFLICT DO NOTHING
                """, new
            {
                Id = id,
                Reference = RequestRules.NewReference(),
                ChildId = childId,
                input.ChildName,
                caller.SchoolUnit,
                caller.SchoolUnitName,
                input.Message,
                Status = RequestStatus.Open,
                Now = now,
                CreatedById = caller.Id,
                CreatedByName = caller.Name,
            }, transaction, cancellationToken: cancellationToken));
            if (inserted == 1)
            {
                return true;
            }
            if (await OpenForAsync(transaction, caller.SchoolUnit!, childId, cancellationToken) is not null)
            {
                return false;
            }
        }
        throw new InvalidOperationException($"No free request reference after {ReferenceAttempts} attempts.");
    }

    /// <summary>One event per request a list showed; an empty list still records that the caller looked.</summary>
    private IReadOnlyList<AuditEvent> PerRequest(Caller caller, string action, IReadOnlyList<CertificateRequest> shown)
    {
        var now = time.GetUtcNow();
        return shown.Count == 0
            ? [AuditEvent.By(caller, now, action, AuditOutcomes.Ok)]
            : [.. shown.Select(request => AuditEvent.By(caller, now, action, AuditOutcomes.Ok, request.CertificateId, request.ChildId))];
    }

    private async Task<CertificateRequest?> LoadOneAsync(DbTransaction transaction, Guid id, CancellationToken cancellationToken) =>
        (await LoadAsync(transaction, "r.id = @Id", OldestFirst, new { Id = id }, cancellationToken)).SingleOrDefault();

    /// <summary>Requests a fixed condition selects, with their measures; the values stay parameters.</summary>
    private async Task<IReadOnlyList<CertificateRequest>> LoadAsync(DbTransaction transaction, string condition, string order,
        object parameters, CancellationToken cancellationToken)
    {
        var connection = transaction.Connection!;
        var rows = (await connection.QueryAsync<RequestRow>(new CommandDefinition($"""
            SELECT r.id, r.reference, r.child_id, ch.personnummer AS child_personnummer, r.child_name, r.school_unit,
                   r.school_unit_name, r.message, r.status, r.created_at, r.created_by_id, r.created_by_name, r.closed_at,
                   r.certificate_id,
                   (SELECT COUNT(*) FROM certificate_request_recipients rr WHERE rr.request_id = r.id) AS recipients
            FROM certificate_requests r
            JOIN children ch ON ch.id = r.child_id
            WHERE {condition}
            ORDER BY {order}
            """, parameters, transaction, cancellationToken: cancellationToken))).ToList();
        if (rows.Count == 0)
        {
            return [];
        }
        var measures = (await connection.QueryAsync<(Guid RequestId, string Code)>(new CommandDefinition($"""
            SELECT request_id, code FROM certificate_request_measures
            WHERE {db.Dialect.InList("request_id", "Ids")}
            ORDER BY request_id, position
            """, new { Ids = db.Dialect.Ids(rows.Select(row => row.Id)) }, transaction, cancellationToken: cancellationToken)))
            .ToLookup(row => row.RequestId, row => row.Code);
        return [.. rows.Select(row => new CertificateRequest(
            row.Id,
            row.Reference,
            row.ChildId,
            row.ChildPersonnummer,
            row.ChildName,
            row.SchoolUnit,
            row.SchoolUnitName,
            [.. measures[row.Id]],
            row.Message,
            row.Status,
            row.CreatedAt,
            new StaffMember(row.CreatedById, row.CreatedByName),
            row.ClosedAt,
            row.CertificateId,
            (int)row.Recipients))];
    }

    private sealed class Recipient
    {
        public string Name { get; set; } = "";
        public string Email { get; set; } = "";
        public Guid? GuardianId { get; set; }
    }

    // Row classes with setters: Dapper maps SQLite's integers and text onto them, which constructor mapping refuses.
    private sealed class RequestRow
    {
        public Guid Id { get; set; }
        public string Reference { get; set; } = "";
        public Guid ChildId { get; set; }
        public string ChildPersonnummer { get; set; } = "";
        public string ChildName { get; set; } = "";
        public string SchoolUnit { get; set; } = "";
        public string? SchoolUnitName { get; set; }
        public string? Message { get; set; }
        public string Status { get; set; } = "";
        public DateTimeOffset CreatedAt { get; set; }
        public string CreatedById { get; set; } = "";
        public string CreatedByName { get; set; } = "";
        public DateTimeOffset? ClosedAt { get; set; }
        public Guid? CertificateId { get; set; }
        public long Recipients { get; set; }
    }

    private sealed class LockedRow
    {
        public Guid Id { get; set; }
        public string Reference { get; set; } = "";
        public Guid ChildId { get; set; }
        public string SchoolUnit { get; set; } = "";
        public string Status { get; set; } = "";
        public DateTimeOffset CreatedAt { get; set; }
    }
}

/// <summary>Audit outcomes of the request actions besides the common ones.</summary>
public static class RequestAuditOutcomes
{
    /// <summary>The unit asked again while its request for the child was open: the open one was returned, nothing sent.</summary>
    public const string AlreadyOpen = "already-open";
}
