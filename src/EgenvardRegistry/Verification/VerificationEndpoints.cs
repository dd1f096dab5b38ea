using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EgenvardRegistry.Verification;

public sealed record VerificationRequest(string? Personnummer, string? Measure);

public sealed record VerificationResponse(bool Covered, string Reason, VerifiedCertificate? Certificate);

/// <summary>What school staff need at the moment of care: how, what if harm, whom to call.</summary>
public sealed record VerifiedCertificate(
    Guid Id,
    string ChildName,
    string Status,
    DateOnly ValidFrom,
    DateOnly ValidUntil,
    DateOnly FollowUpOn,
    IReadOnlyList<Measure> Measures,
    string InstructionGivenBy,
    CareUnit CareUnit)
{
    public static VerifiedCertificate From(Certificate c) =>
        new(c.Id, c.ChildName, c.Status, c.ValidFrom, c.ValidUntil, c.FollowUpOn, c.Measures, c.InstructionGivenBy, c.CareUnit);
}

public static class VerificationEndpoints
{
    public static IEndpointRouteBuilder MapVerifications(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/api/verifications").WithTags("Verification")
            .RequireRateLimiting(RateLimits.Api)
            .MapPost("/", VerifyCoverage)
            .WithName(nameof(VerifyCoverage))
            .RequireRateLimiting(RateLimits.Lookup)
            .RequireAuthorization(Policies.School)
            .WithSummary("Is the child covered for this measure today? Only certificates shared with the caller's school unit count.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        return routes;
    }

    public static async Task<Results<Ok<VerificationResponse>, ValidationProblem>> VerifyCoverage(
        VerificationRequest request, Caller caller, VerificationStore store, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var today = time.TodayInStockholm();
        var errors = new ValidationErrors();
        var (personnummer, measure) = Validate(request, today, errors);
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToProblemErrors(), title: "The verification request is not valid.");
        }
        var outcome = await store.VerifyAsync(personnummer!, measure!, caller, today, cancellationToken);
        return TypedResults.Ok(new VerificationResponse(
            outcome.Covered, outcome.Reason, outcome.Certificate is { } c ? VerifiedCertificate.From(c) : null));
    }

    /// <summary>The child's personnummer (12 digits) and the measure code, each null when it is wrong.</summary>
    public static (string? Personnummer, string? Measure) Validate(VerificationRequest request, DateOnly today, ValidationErrors errors)
    {
        var personnummer = Identifiers.Personnummer.Normalize(request.Personnummer, today, errors, "personnummer");
        var measure = request.Measure?.Trim();
        if (!MeasureCatalogue.IsKnown(measure))
        {
            errors.Add("measure", MeasureCatalogue.Unknown);
            measure = null;
        }
        return (personnummer, measure);
    }
}
