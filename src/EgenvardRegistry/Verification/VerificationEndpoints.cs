using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EgenvardRegistry.Verification;

public sealed record VerificationRequest(string? Personnummer, string? Measure);

/// <param name="NeedsConfirmation">
/// True when the measure asked about is <c>other</c> and the answer is valid: <c>other</c> stands for any measure, so
/// staff must see <paramref name="DescribedAs"/> and confirm that it is the measure at hand before they act on the answer.
/// </param>
/// <param name="DescribedAs">For <c>other</c>: the descriptions of the <c>other</c> measures on the certificate named; otherwise null.</param>
/// <param name="InstructedStaff">
/// How many staff the caller's school unit has recorded as instructed for the certificate named (0: none); null when
/// no certificate is named.
/// </param>
public sealed record VerificationResponse(
    bool Covered,
    string Reason,
    VerifiedCertificate? Certificate,
    bool NeedsConfirmation,
    IReadOnlyList<string>? DescribedAs,
    int? InstructedStaff)
{
    public static VerificationResponse From(VerificationOutcome outcome) => new(
        outcome.Covered,
        outcome.Reason,
        outcome.Certificate is { } certificate ? VerifiedCertificate.From(certificate) : null,
        outcome.NeedsConfirmation,
        outcome.DescribedAs,
        outcome.InstructedStaff);
}

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
        routes.MapApiGroup("/api/verifications", "Verification")
            .MapPost("/", VerifyCoverage)
            .WithName(nameof(VerifyCoverage))
            .RequireRateLimiting(RateLimits.Lookup)
            .RequireAuthorization(Policies.School)
            .WithSummary("Is the child covered for this measure today? Only certificates shared with the caller's school unit count. " +
                         "For the code other, a valid answer needs confirmation: staff check that describedAs is the measure at hand.")
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
        return TypedResults.Ok(VerificationResponse.From(outcome));
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
