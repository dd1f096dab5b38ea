using System.Data.Common;
using Dapper;
using EgenvardRegistry.Audit;
using EgenvardRegistry.Guardians;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Database;
using EgenvardRegistry.Instructions;
using EgenvardRegistry.Shares;
using EgenvardRegistry.Signing;
using EgenvardRegistry.Requests;
using Microsoft.Extensions.Options;

namespace EgenvardRegistry.Certificates;

/// <summary>
/// Issues, reads, renews, revokes and searches certificates. Every call writes its audit event in the same
/// transaction as its work, and every state change adds a row to the certificate's history.
/// </summary>
public sealed class CertificateStore(IDbConnectionFactory db, TimeProvider time, IOptions<RequestOptions> requestOptions,
    SigningKeyRing signing)
{
    /// <summary>What a row of <c>certificate_history</c> says happened.</summary>
    private static class HistoryChange
    {
        public const string Issued = "issued";
        public const string Renewed = "renewed";
        public const string Replaced = "replaced";
        public const string Revoked = "revoked";
    }

    public async Task<Certificate> IssueAsync(NewCertificate input, Caller caller, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return await db.RunAuditedAsync(async transaction =>
        {
            var (id, childId, addressEvents) = await InsertAsync(transaction, signing.Current, input, caller, now, replaces: null,
                ConsentBases.AtGuardiansRequest, cancellationToken);
            await History(transaction, id, 1, CertificateStatus.Active, HistoryChange.Issued, now, caller, null, cancellationToken);
            var issued = await LoadOneAsync(transaction, id, cancellationToken);
            return Audited.With(issued!,
                [AuditEvent.By(caller, now, AuditActions.CertificateIssue, AuditOutcomes.Ok, id, childId), .. addressEvents]);
        }, cancellationToken);
    }

    /// <summary>
    /// Issues a certificate that answers a school's open request for the same child, in one transaction: the certificate is
    /// shared with the requesting school unit as well (at the guardian's request, through the request: the audit detail
    /// says so) and the request becomes fulfilled. A request that is unknown, closed or about another child refuses the
    /// issue, and nothing but the refusal's audit event is written.
    /// </summary>
    public async Task<AnswerResult> IssueAnsweringAsync(NewCertificate input, Guid requestId, Caller caller,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var openSince = RequestRules.OpenSince(time.TodayInStockholm(), requestOptions.Value.ExpireAfterDays);
        return await db.RunAuditedAsync(async transaction =>
        {
            var request = await CertificateRequestStore.LockAsync(transaction, db.Dialect, requestId, cancellationToken);
            var (refusal, auditOutcome) = request switch
            {
                null => (RequestErrors.AnswersUnknownRequest, AuditOutcomes.NotFound),
                _ when request.ChildPersonnummer != input.ChildPersonnummer => (RequestErrors.AnswersOtherChild, AuditOutcomes.Invalid),
                _ when !request.IsOpen(openSince) => (RequestErrors.AnswersClosedRequest, AuditOutcomes.Conflict),
                _ => ((ErrorCode?)null, AuditOutcomes.Ok),
            };
            if (refusal is not null)
            {
                return Audited.With(new AnswerResult(null, refusal),
                    AuditEvent.By(caller, now, AuditActions.RequestFulfil, auditOutcome, childId: request?.ChildId));
            }
            var shared = input.SharedWith.Contains(request!.SchoolUnit) ? input : input with { SharedWith = [.. input.SharedWith, request.SchoolUnit] };
            var (id, childId, addressEvents) = await InsertAsync(transaction, signing.Current, shared, caller, now, replaces: null,
                ConsentBases.AtGuardiansRequest, cancellationToken);
            await History(transaction, id, 1, CertificateStatus.Active, HistoryChange.Issued, now, caller, null, cancellationToken);
            await CertificateRequestStore.FulfilAsync(transaction, requestId, id, caller, now, cancellationToken);
            var issued = await LoadOneAsync(transaction, id, cancellationToken);
            var detail = $"Svar på begäran {request.Reference}: delat med skolenhet {request.SchoolUnit} på vårdnadshavarens begäran.";
            return Audited.With(new AnswerResult(issued, null), [
                AuditEvent.By(caller, now, AuditActions.CertificateIssue, AuditOutcomes.Ok, id, childId, detail),
                AuditEvent.By(caller, now, AuditActions.RequestFulfil, AuditOutcomes.Ok, id, childId, request.Reference),
                .. addressEvents]);
        }, cancellationToken);
    }

    /// <returns>The certificate, or null when it does not exist or the caller may not see it (the two look alike).</returns>
    public Task<Certificate?> ReadAsync(Guid id, Caller caller, CancellationToken cancellationToken) =>
        db.RunAuditedAsync(async transaction =>
        {
            var certificate = await LoadOneAsync(transaction, id, cancellationToken);
            var outcome = certificate is null ? AuditOutcomes.NotFound
                : CertificateAccess.CanRead(caller, certificate) ? AuditOutcomes.Ok
                : AuditOutcomes.Denied;
            return Audited.With(outcome == AuditOutcomes.Ok ? certificate : null,
                AuditEvent.By(caller, time.GetUtcNow(), AuditActions.CertificateRead, outcome, id, certificate?.ChildId));
        }, cancellationToken);

    /// <summary>
    /// Renews an active certificate: a new certificate with new dates (and any changed content) replaces it.
    /// Only clinicians of the issuing care unit may renew.
    /// </summary>
    public async Task<ChangeResult> RenewAsync(Guid id, RenewCertificateRequest request, Caller caller, int? expectedVersion,
        DateOnly today, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return await db.RunAuditedAsync(async transaction =>
        {
            var old = await LoadOneAsync(transaction, id, cancellationToken);
            if (Refusal(old, caller, expectedVersion) is { } refusal)
            {
                return Refused(caller, now, AuditActions.CertificateRenew, refusal, id, old);
            }

            var (renewal, errors) = CertificateRules.Validate(request.MergeInto(old!), today);
            if (renewal is null)
            {
                return Refused(caller, now, AuditActions.CertificateRenew, ChangeResult.Invalid(errors), id, old);
            }

            // The guarded update is where two racing renewals (or a renewal and a revocation) are decided.
            var connection = transaction.Connection!;
            var replaced = await connection.ExecuteAsync(new CommandDefinition("""
                UPDATE certificates SET status = 'replaced', version = version + 1
                WHERE id = @Id AND status = 'active' AND version = @Version
                """, new { Id = id, old!.Version }, transaction, cancellationToken: cancellationToken));
            if (replaced == 0)
            {
                return Refused(caller, now, AuditActions.CertificateRenew,
                    ChangeResult.Conflict("The certificate changed while it was being renewed."), id, old);
            }
            // Units the clinician lists are shared at the guardian's request; left out, the renewed certificate's current
            // units (after any the guardian withdrew) are carried over.
            var (newId, childId, addressEvents) = await InsertAsync(transaction, signing.Current, renewal, caller, now, replaces: id,
                request.SharedWith is null ? ConsentBases.CarriedOver : ConsentBases.AtGuardiansRequest, cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE certificates SET replaced_by = @NewId WHERE id = @Id",
                new { NewId = newId, Id = id }, transaction, cancellationToken: cancellationToken));
            await History(transaction, id, old.Version + 1, CertificateStatus.Replaced, HistoryChange.Replaced, now, caller, null, cancellationToken);
            await History(transaction, newId, 1, CertificateStatus.Active, HistoryChange.Renewed, now, caller, null, cancellationToken);
            // The school's instructed staff follow the certificate unless what they were instructed in has changed.
            var carriedOver = await InstructionStore.CarryOverAsync(transaction, db.Dialect, old, newId, renewal.Measures, caller, now,
                cancellationToken);
            var renewed = await LoadOneAsync(transaction, newId, cancellationToken);
            return Audited.With(ChangeResult.Done(renewed!), [
                AuditEvent.By(caller, now, AuditActions.CertificateRenew, AuditOutcomes.Replaced, id, childId),
                AuditEvent.By(caller, now, AuditActions.CertificateRenew, AuditOutcomes.Ok, newId, childId),
                .. carriedOver, .. addressEvents]);
        }, cancellationToken);
    }

    /// <summary>Revokes an active certificate for good. Only clinicians of the issuing care unit may revoke.</summary>
    public async Task<ChangeResult> RevokeAsync(Guid id, string reason, Caller caller, int expectedVersion,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return await db.RunAuditedAsync(async transaction =>
        {
            var certificate = await LoadOneAsync(transaction, id, cancellationToken);
            if (Refusal(certificate, caller, expectedVersion) is { } refusal)
            {
                return Refused(caller, now, AuditActions.CertificateRevoke, refusal, id, certificate);
            }
            var revoked = await transaction.Connection!.ExecuteAsync(new CommandDefinition("""
                UPDATE certificates
                SET status = 'revoked', version = version + 1, revoked_at = @Now, revoked_by = @RevokedBy, revocation_reason = @Reason
                WHERE id = @Id AND status = 'active' AND version = @Version
                """, new { Id = id, Version = expectedVersion, Now = now, RevokedBy = caller.HsaId ?? caller.Id, Reason = reason },
                transaction, cancellationToken: cancellationToken));
            if (revoked == 0)
            {
                return Refused(caller, now, AuditActions.CertificateRevoke, ChangeResult.PreconditionFailed(), id, certificate);
            }
            await History(transaction, id, expectedVersion + 1, CertificateStatus.Revoked, HistoryChange.Revoked, now, caller, reason, cancellationToken);
            var result = await LoadOneAsync(transaction, id, cancellationToken);
            return Audited.With(ChangeResult.Done(result!),
                AuditEvent.By(caller, now, AuditActions.CertificateRevoke, AuditOutcomes.Ok, id, certificate!.ChildId));
        }, cancellationToken);
    }

    /// <summary>
    /// A child's certificates across care units, newest first. The caller's own care unit's come in full; other units'
    /// come as summaries unless the clinician states a care relationship with the child (Patientdatalagen 4 kap.), which
    /// is audited as the detail of every event of the search.
    /// </summary>
    public Task<CertificateSearch> SearchAsync(string personnummer, string? careRelationship, Caller caller,
        CancellationToken cancellationToken) =>
        db.RunAuditedAsync(async transaction =>
        {
            var childId = await UncheckedCertificateReader.FindChildAsync(transaction, personnummer, cancellationToken);
            var certificates = childId is null ? [] : await UncheckedCertificateReader.LoadSelectedAsync(transaction, db.Dialect, """
                SELECT id FROM certificates WHERE child_id = @ChildId ORDER BY issued_at DESC, id DESC
                """, new { ChildId = childId.Value }, cancellationToken);
            var now = time.GetUtcNow();
            if (certificates.Count == 0)
            {
                return Audited.With(new CertificateSearch([], []), AuditEvent.By(caller, now, AuditActions.CertificateSearch,
                    AuditOutcomes.NotFound, childId: childId, detail: careRelationship));
            }
            bool Own(Certificate certificate) => certificate.CareUnit.HsaId == caller.CareUnit;
            var full = certificates.Where(certificate => Own(certificate) || careRelationship is not null).ToList();
            var summaries = certificates.Where(certificate => !full.Contains(certificate)).Select(CertificateSummary.Of).ToList();
            var events = certificates.Select(certificate => AuditEvent.By(caller, now,
                Own(certificate) || careRelationship is null ? AuditActions.CertificateSearch : AuditActions.CertificateSearchCareRelationship,
                full.Contains(certificate) ? AuditOutcomes.Ok : AuditOutcomes.Summary,
                certificate.Id, certificate.ChildId, careRelationship)).ToList();
            return Audited.With(new CertificateSearch(full, summaries), events);
        }, cancellationToken);

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
    private static Audited<ChangeResult> Refused(Caller caller, DateTimeOffset now, string action, ChangeResult result, Guid id,
        Certificate? certificate) =>
        Audited.With(result, AuditEvent.By(caller, now, action, result.AuditOutcome, id, certificate?.ChildId));

    private async Task<Certificate?> LoadOneAsync(DbTransaction transaction, Guid id, CancellationToken cancellationToken) =>
        (await UncheckedCertificateReader.LoadAsync(transaction, db.Dialect, [id], cancellationToken)).SingleOrDefault();

    private static async Task History(DbTransaction transaction, Guid id, int version, string status, string change,
        DateTimeOffset at, Caller caller, string? reason, CancellationToken cancellationToken) =>
        await transaction.Connection!.ExecuteAsync(new CommandDefinition("""
            INSERT INTO certificate_history (certificate_id, version, status, change, changed_at, changed_by, reason)
            VALUES (@Id, @Version, @Status, @Change, @At, @By, @Reason)
            """, new { Id = id, Version = version, Status = status, Change = change, At = at, By = caller.HsaId ?? caller.Id, Reason = reason },
            transaction, cancellationToken: cancellationToken));

    /// <param name="consentBasis">What the consent events of the certificate's units say about why they see it.</param>
    /// <returns>The ids, and the audit events of what the guardians' addresses entered did to theirs.</returns>
    private static async Task<(Guid Id, Guid ChildId, IReadOnlyList<AuditEvent> AddressEvents)> InsertAsync(DbTransaction transaction,
        SigningKey signingKey, NewCertificate input, Caller caller,
        DateTimeOffset now, Guid? replaces, string consentBasis, CancellationToken cancellationToken)
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

        var addressEvents = new List<AuditEvent>();
        for (var position = 0; position < input.Guardians.Count; position++)
        {
            var guardian = input.Guardians[position];
            // The guardian owns their address: an entry that differs from one they set becomes a suggestion to them.
            var (guardianId, addressEvent) = await GuardianStore.RecordFromCertificateAsync(transaction, guardian, input.CareUnit,
                caller, now, id, childId, cancellationToken);
            if (addressEvent is not null)
            {
                addressEvents.Add(addressEvent);
            }
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
        await ShareStore.RecordAsync(transaction, id, input.SharedWith, ConsentChanges.Add, consentBasis,
            new ConsentActor(Roles.Clinician, caller.HsaId ?? caller.Id, caller.Name), now, cancellationToken);
        // Signed now, once: every print carries the same text, whichever key signs later.
        await SigningStore.StoreAsync(transaction, SignedCertificatePayload.Of(id, input.ChildPersonnummer, input.ChildName,
            input.Measures, input.ValidFrom, input.ValidUntil, input.CareUnit, now), signingKey, now, cancellationToken);
        return (id, childId, addressEvents);
    }
}

/// <summary>How an issue that answers a request ended: the certificate, or why the request refused it.</summary>
public sealed record AnswerResult(Certificate? Certificate, ErrorCode? Refusal);

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

    public static ChangeResult PreconditionFailed() => new(ChangeOutcome.PreconditionFailed, AuditOutcomes.PreconditionFailed);

    public static ChangeResult Conflict(string detail) => new(ChangeOutcome.Conflict, AuditOutcomes.Conflict, Detail: detail);

    public static ChangeResult Invalid(ValidationErrors errors) => new(ChangeOutcome.Invalid, AuditOutcomes.Invalid, Errors: errors);
}
