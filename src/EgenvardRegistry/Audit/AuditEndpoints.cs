using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Http;
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
    string Outcome,
    string? Detail);

/// <summary>The personnummer travels in the body, never in a URL.</summary>
public sealed record AuditSearchRequest(string? Personnummer, int? Limit, long? Before);

public static class AuditEndpoints
{
    public static readonly ErrorCode NotACertificateId = new("certificate-id.invalid", "Not a certificate id (a UUID).");
    public static readonly ErrorCode NotAnInstant =
        new("instant.invalid", $"An ISO-8601 instant with Z or an offset, e.g. {Instants.Example} (send + as %2B).");
    public static readonly ErrorCode ToNotAfterFrom = new("to.not-after-from", "Must be later than from.");

    public static IEndpointRouteBuilder MapAudit(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapApiGroup("/api/admin/audit", "Audit")
            .RequireAuthorization(Policies.Admin);
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
