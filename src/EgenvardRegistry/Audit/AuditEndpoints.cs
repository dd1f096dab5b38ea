using System.Data.Common;
using Dapper;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Http;
using EgenvardRegistry.Infrastructure.Database;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EgenvardRegistry.Audit;

/// <summary>One audit event as an administrator reviewing the log sees it.</summary>
public sealed record AuditEventItem(
    long Id,
    DateTimeOffset OccurredAt,
    string ActorRole,
    string ActorId,
    string? ActorUnit,
    string Action,
    Guid? CertificateId,
    Guid? ChildId,
    string Outcome);

/// <summary>The personnummer travels in the body, never in a URL.</summary>
public sealed record AuditSearchRequest(string? Personnummer, int? Limit, long? Before);

/// <summary>Which events a list shows; every filter given must hold. <c>From</c> is inclusive, <c>To</c> exclusive.</summary>
public sealed record AuditFilter(Guid? CertificateId, DateTimeOffset? From, DateTimeOffset? To);

public static class AuditEndpoints
{
    public static readonly ErrorCode NotACertificateId = new("certificate-id.invalid", "Not a certificate id (a UUID).");
    public static readonly ErrorCode NotAnInstant =
        new("instant.invalid", $"An ISO-8601 instant with Z or an offset, e.g. {Instants.Example} (send + as %2B).");
    public static readonly ErrorCode ToNotAfterFrom = new("to.not-after-from", "Must be later than from.");

    public static IEndpointRouteBuilder MapAudit(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/admin/audit").WithTags("Audit")
            .RequireAuthorization(Policies.Admin)
            .RequireRateLimiting(RateLimits.Api);
        group.MapGet("/", ListAuditEvents)
            .WithName(nameof(ListAuditEvents))
            .WithSummary("Audit events, newest first, filtered by certificateId and/or from (inclusive) and to (exclusive), " +
                         $"ISO-8601 instants such as {Instants.Example}; paged by limit (1–{PageRequest.MaxLimit}, " +
                         $"default {PageRequest.DefaultLimit}) and before (the previous page's next). The read is itself audited.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapPost("/search", SearchAuditEvents)
            .WithName(nameof(SearchAuditEvents))
            .RequireRateLimiting(RateLimits.Lookup)
            .WithSummary("All audit events about one child, newest first, body { personnummer, limit, before }. " +
                         "An unknown child gives an empty list. The search is itself audited.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        return routes;
    }

    // Query values arrive as text so that a bad one becomes a field error, not the framework's bare binding failure.
    public static async Task<Results<Ok<PageResponse<AuditEventItem>>, ValidationProblem>> ListAuditEvents(
        string? certificateId, string? from, string? to, string? limit, string? before,
        Caller caller, AuditStore store, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        Guid? certificate = null;
        if (!string.IsNullOrEmpty(certificateId))
        {
            if (Guid.TryParse(certificateId, out var parsed))
            {
                certificate = parsed;
            }
            else
            {
                errors.Add("certificateId", NotACertificateId);
            }
        }
        var fromInstant = Instant(errors, "from", from);
        var toInstant = Instant(errors, "to", to);
        if (fromInstant >= toInstant)
        {
            errors.Add("to", ToNotAfterFrom);
        }
        var page = PageRequest.FromQuery(limit, before, errors);
        if (errors.Any || page is null)
        {
            return TypedResults.ValidationProblem(errors.ToProblemErrors(), title: "The audit query is not valid.");
        }
        return TypedResults.Ok(await store.ListAsync(new AuditFilter(certificate, fromInstant, toInstant), page, caller, cancellationToken));
    }

    public static async Task<Results<Ok<PageResponse<AuditEventItem>>, ValidationProblem>> SearchAuditEvents(
        AuditSearchRequest request, Caller caller, AuditStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var personnummer = Identifiers.Personnummer.Normalize(request.Personnummer, time.TodayInStockholm(), errors, "personnummer");
        var page = PageRequest.From(request.Limit, request.Before, errors);
        if (errors.Any || page is null)
        {
            return TypedResults.ValidationProblem(errors.ToProblemErrors(), title: "The audit search is not valid.");
        }
        return TypedResults.Ok(await store.SearchByChildAsync(personnummer!, page, caller, cancellationToken));
    }

    private static DateTimeOffset? Instant(ValidationErrors errors, string field, string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        if (Instants.TryParse(text, out var instant))
        {
            return instant;
        }
        errors.Add(field, NotAnInstant);
        return null;
    }
}

/// <summary>Reads the audit log for administrators; every read writes its own audit event in the same transaction.</summary>
public sealed class AuditStore(IDbConnectionFactory db, TimeProvider time)
{
    public async Task<PageResponse<AuditEventItem>> ListAsync(AuditFilter filter, PageRequest page, Caller caller, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Fixed fragments only; the values stay parameters.
        var conditions = new List<string>();
        if (filter.CertificateId is not null)
        {
            conditions.Add("certificate_id = @CertificateId");
        }
        if (filter.From is not null)
        {
            conditions.Add("occurred_at >= @From");
        }
        if (filter.To is not null)
        {
            conditions.Add("occurred_at < @To");
        }
        var events = await ReadPageAsync(transaction, conditions, page,
            new { filter.CertificateId, filter.From, filter.To, page.Before, page.Take }, cancellationToken);
        // The child is recorded too, so the read shows in that child's access log.
        var childId = filter.CertificateId is null ? null : await connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(
            "SELECT child_id FROM certificates WHERE id = @Id",
            new { Id = filter.CertificateId.Value }, transaction, cancellationToken: cancellationToken));
        await AuditLog.WriteAsync(transaction, AuditEvent.By(caller, time.GetUtcNow(), AuditActions.AuditRead, AuditOutcomes.Ok,
            filter.CertificateId, childId), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return events;
    }

    public async Task<PageResponse<AuditEventItem>> SearchByChildAsync(
        string personnummer, PageRequest page, Caller caller, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var childId = await connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(
            "SELECT id FROM children WHERE personnummer = @Personnummer",
            new { Personnummer = personnummer }, transaction, cancellationToken: cancellationToken));
        var events = childId is null ? PageResponse<AuditEventItem>.Empty : await ReadPageAsync(transaction, ["child_id = @ChildId"], page,
            new { ChildId = childId.Value, page.Before, page.Take }, cancellationToken);
        await AuditLog.WriteAsync(transaction, AuditEvent.By(caller, time.GetUtcNow(), AuditActions.AuditSearch, AuditOutcomes.Ok,
            childId: childId), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return events;
    }

    /// <summary>Newest first by id, which grows in the order events were written.</summary>
    private static async Task<PageResponse<AuditEventItem>> ReadPageAsync(
        DbTransaction transaction, IReadOnlyList<string> conditions, PageRequest page, object parameters, CancellationToken cancellationToken)
    {
        var where = string.Join(" AND ", page.Before is null ? conditions : [.. conditions, "id < @Before"]);
        var rows = (await transaction.Connection!.QueryAsync<AuditEventRow>(new CommandDefinition($"""
            SELECT id, occurred_at, actor_role, actor_id, actor_unit, action, certificate_id, child_id, outcome
            FROM audit_events
            {(where.Length == 0 ? "" : $"WHERE {where}")}
            ORDER BY id DESC
            LIMIT @Take
            """, parameters, transaction, cancellationToken: cancellationToken))).ToList();
        return PageResponse.From(rows, page, row => row.Id, row => new AuditEventItem(row.Id, row.OccurredAt, row.ActorRole,
            row.ActorId, row.ActorUnit, row.Action, row.CertificateId, row.ChildId, row.Outcome));
    }

    // A row class with setters: Dapper maps SQLite's text ids and instants through the type handlers onto it.
    private sealed class AuditEventRow
    {
        public long Id { get; set; }
        public DateTimeOffset OccurredAt { get; set; }
        public string ActorRole { get; set; } = "";
        public string ActorId { get; set; } = "";
        public string? ActorUnit { get; set; }
        public string Action { get; set; } = "";
        public Guid? CertificateId { get; set; }
        public Guid? ChildId { get; set; }
        public string Outcome { get; set; } = "";
    }
}
