using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EgenvardRegistry.Concerns;

/// <summary>
/// Samverkan när egenvården inte fungerar: a school reports a concern on a certificate shared with it, the issuing care
/// unit answers it from its worklist, and the certificate's readers see both.
/// </summary>
public static class ConcernEndpoints
{
    public static IEndpointRouteBuilder MapConcerns(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapApiGroup("/api", "Concerns");
        group.MapPost("/certificates/{id:guid}/concerns", ReportConcern)
            .WithName(nameof(ReportConcern))
            .RequireAuthorization(Policies.School)
            .WithIdempotency()
            .WithSummary("Report that the egenvård does not work (school unit the certificate is shared with). " +
                         "An incident is urgent. The certificate does not change.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        group.MapGet("/certificates/{id:guid}/concerns", ListCertificateConcerns)
            .WithName(nameof(ListCertificateConcerns))
            .RequireAuthorization(Policies.AnyRole)
            .WithSummary("A certificate's concerns and their answers, newest first, for the certificate's readers; a school unit " +
                         "sees the concerns it raised, a guardian sees no staff ids or names.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/care-units/me/concerns", ListCareUnitConcerns)
            .WithName(nameof(ListCareUnitConcerns))
            .RequireAuthorization(Policies.Clinician)
            .WithSummary("The caller's care unit's concerns (status=open, the default, or answered): urgent first, then oldest " +
                         "first, each with its certificate and age in days.");
        group.MapPost("/concerns/{concernId:guid}/response", RespondToConcern)
            .WithName(nameof(RespondToConcern))
            .RequireAuthorization(Policies.Clinician)
            .WithIdempotency()
            .WithSummary("Answer an open concern (clinician of the issuing care unit), optionally with the date of a booked " +
                         "re-assessment; the concern becomes answered. A concern is answered once.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        return routes;
    }

    public static async Task<Results<Created<ConcernResponse>, ValidationProblem, ProblemHttpResult>> ReportConcern(
        Guid id, ReportConcernRequest request, Caller caller, ConcernStore store, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (ConcernRules.Validate(request, errors) is not { } concern)
        {
            return TypedResults.ValidationProblem(errors.ToProblemErrors(), title: "The concern is not complete or not valid.");
        }
        var result = await store.ReportAsync(id, concern, caller, cancellationToken);
        return result.Concern is { } reported
            ? TypedResults.Created($"/api/certificates/{id}/concerns", ConcernResponse.From(reported, caller))
            : CertificateEndpoints.NotFound();
    }

    public static async Task<Results<Ok<ItemsResponse<ConcernResponse>>, ProblemHttpResult>> ListCertificateConcerns(
        Guid id, Caller caller, ConcernStore store, CancellationToken cancellationToken)
    {
        var concerns = await store.ListForCertificateAsync(id, caller, cancellationToken);
        return concerns is null
            ? CertificateEndpoints.NotFound()
            : TypedResults.Ok(new ItemsResponse<ConcernResponse>(
                concerns.Select(concern => ConcernResponse.From(concern, caller)).ToList()));
    }

    public static async Task<Results<Ok<ItemsResponse<CareUnitConcern>>, ValidationProblem>> ListCareUnitConcerns(
        string? status, Caller caller, ConcernStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (ConcernRules.Status(status, errors) is not { } wanted)
        {
            return TypedResults.ValidationProblem(errors.ToProblemErrors());
        }
        var today = time.TodayInStockholm();
        var concerns = await store.ListForCareUnitAsync(caller, wanted, cancellationToken);
        return TypedResults.Ok(new ItemsResponse<CareUnitConcern>(concerns.Select(item => new CareUnitConcern(
            ConcernResponse.From(item.Concern, caller),
            ConcernCertificate.From(item.Certificate, today),
            ConcernRules.AgeInDays(item.Concern.ReportedAt, today))).ToList()));
    }

    public static async Task<Results<Ok<ConcernResponse>, ValidationProblem, ProblemHttpResult>> RespondToConcern(
        Guid concernId, AnswerConcernRequest request, Caller caller, ConcernStore store, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (ConcernRules.Validate(request, time.TodayInStockholm(), errors) is not { } answer)
        {
            return TypedResults.ValidationProblem(errors.ToProblemErrors(), title: "The answer is not complete or not valid.");
        }
        var result = await store.AnswerAsync(concernId, answer, caller, cancellationToken);
        return result switch
        {
            { Concern: { } answered } => TypedResults.Ok(ConcernResponse.From(answered, caller)),
            { Outcome: ConcernOutcome.Conflict } => TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "The concern is already answered",
                detail: "A concern is answered once. If there is more to say, call the school or wait for its next report."),
            _ => TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "Concern not found",
                detail: "There is no concern with this id on a certificate of your care unit."),
        };
    }
}
