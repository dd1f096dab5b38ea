using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace EgenvardRegistry.Requests;

/// <summary>
/// Begäran om egenvårdsintyg: a school unit asks for a certificate through the child's guardians, the registry e-mails
/// them, a clinician finds the open requests when issuing and answers one with the certificate.
/// </summary>
public static class RequestEndpoints
{
    public static IEndpointRouteBuilder MapCertificateRequests(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapApiGroup("/api", "Certificate requests");
        group.MapPost("/certificate-requests", CreateCertificateRequest)
            .WithName(nameof(CreateCertificateRequest))
            .RequireAuthorization(Policies.School)
            .WithIdempotency()
            .WithSummary("Ask for a certificate through the child's guardians (school): body { personnummer, childName, measures, " +
                         "message, guardians: [{ name, email }] }, guardians optional when the registry knows them from an earlier " +
                         "certificate. 201 a new open request, e-mailed to each guardian; 200 the unit's request for the child " +
                         "that is already open (nothing is sent again); 422 when no guardian is given and the registry knows none.")
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        group.MapGet("/schools/me/certificate-requests", ListSchoolCertificateRequests)
            .WithName(nameof(ListSchoolCertificateRequests))
            .RequireAuthorization(Policies.School)
            .WithSummary("The caller's school unit's certificate requests with a status today (open, the default, withdrawn, " +
                         "fulfilled or expired), oldest first, each with its age in days and, while open, the days until it lapses.");
        group.MapPost("/certificate-requests/{requestId:guid}/withdrawal", WithdrawCertificateRequest)
            .WithName(nameof(WithdrawCertificateRequest))
            .RequireAuthorization(Policies.School)
            .WithSummary("Withdraw an open request (the school unit that made it); it becomes withdrawn and any e-mail not yet " +
                         "sent is cancelled. Another unit's request is 404; one that is not open, 409.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/certificate-requests/search", SearchCertificateRequests)
            .WithName(nameof(SearchCertificateRequests))
            .RequireAuthorization(Policies.Clinician)
            .RequireRateLimiting(RateLimits.Lookup)
            .WithSummary("A child's open certificate requests from every school unit, oldest first (clinician; body { personnummer }, " +
                         "never in a URL). Answer one by issuing with answersRequest.")
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        group.MapGet("/guardians/me/certificate-requests", ListGuardianCertificateRequests)
            .WithName(nameof(ListGuardianCertificateRequests))
            .RequireAuthorization(Policies.Guardian)
            .WithSummary("Certificate requests about the children of the certificates that name the caller as guardian, newest " +
                         "first, without staff names.");
        return routes;
    }

    public static async Task<Results<Created<CertificateRequestResponse>, Ok<CertificateRequestResponse>, ValidationProblem, ProblemHttpResult>>
        CreateCertificateRequest(CreateRequestBody request, Caller caller, CertificateRequestStore store, TimeProvider time,
            IOptions<RequestOptions> options, CancellationToken cancellationToken)
    {
        var today = time.TodayInStockholm();
        var errors = new ValidationErrors();
        if (RequestRules.Validate(request, today, errors) is not { } input)
        {
            return TypedResults.ValidationProblem(errors.ToProblemErrors(), title: "The certificate request is not complete or not valid.");
        }
        var result = await store.CreateAsync(input, caller, cancellationToken);
        if (result.Request is not { } recorded)
        {
            errors.Add("guardians", RequestErrors.GuardiansUnknown);
            return UnprocessableEntity(errors, "No guardian to ask");
        }
        var response = CertificateRequestResponse.From(recorded, caller, today, options.Value.ExpireAfterDays);
        return result.Outcome == CreateOutcome.Created
            ? TypedResults.Created("/api/schools/me/certificate-requests", response)
            : TypedResults.Ok(response);
    }

    public static async Task<Results<Ok<ItemsResponse<CertificateRequestResponse>>, ValidationProblem>> ListSchoolCertificateRequests(
        string? status, Caller caller, CertificateRequestStore store, TimeProvider time, IOptions<RequestOptions> options,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (RequestRules.Status(status, errors) is not { } wanted)
        {
            return TypedResults.ValidationProblem(errors.ToProblemErrors());
        }
        var requests = await store.ListForSchoolAsync(caller, wanted, cancellationToken);
        return TypedResults.Ok(Items(requests, caller, time, options));
    }

    public static async Task<Results<Ok<CertificateRequestResponse>, ProblemHttpResult>> WithdrawCertificateRequest(
        Guid requestId, Caller caller, CertificateRequestStore store, TimeProvider time, IOptions<RequestOptions> options,
        CancellationToken cancellationToken)
    {
        var result = await store.WithdrawAsync(requestId, caller, cancellationToken);
        var today = time.TodayInStockholm();
        var expireAfterDays = options.Value.ExpireAfterDays;
        return result switch
        {
            { Outcome: WithdrawOutcome.Done, Request: { } withdrawn } =>
                TypedResults.Ok(CertificateRequestResponse.From(withdrawn, caller, today, expireAfterDays)),
            { Outcome: WithdrawOutcome.NotOpen, Request: { } closed } => TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "The request is not open",
                detail: $"The request is {RequestRules.StatusToday(closed.Status, closed.CreatedAt, today, expireAfterDays)}; " +
                        "only an open request can be withdrawn."),
            _ => NotFound(),
        };
    }

    public static async Task<Results<Ok<ItemsResponse<CertificateRequestResponse>>, ValidationProblem>> SearchCertificateRequests(
        RequestSearchBody request, Caller caller, CertificateRequestStore store, TimeProvider time, IOptions<RequestOptions> options,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var personnummer = Identifiers.Personnummer.Normalize(request.Personnummer, time.TodayInStockholm(), errors, "personnummer");
        if (personnummer is null)
        {
            return TypedResults.ValidationProblem(errors.ToProblemErrors());
        }
        var requests = await store.SearchOpenAsync(personnummer, caller, cancellationToken);
        return TypedResults.Ok(Items(requests, caller, time, options));
    }

    public static async Task<Ok<ItemsResponse<CertificateRequestResponse>>> ListGuardianCertificateRequests(
        Caller caller, CertificateRequestStore store, TimeProvider time, IOptions<RequestOptions> options,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(Items(await store.ListForGuardianAsync(caller, cancellationToken), caller, time, options));

    /// <summary>A 422 problem with field errors, like a validation problem: the request is well-formed, the registry cannot act on it.</summary>
    internal static ProblemHttpResult UnprocessableEntity(ValidationErrors errors, string title) =>
        TypedResults.Problem(new HttpValidationProblemDetails(errors.ToProblemErrors())
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Title = title,
        });

    private static ProblemHttpResult NotFound() => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Certificate request not found",
        detail: "There is no certificate request with this id from your school unit.");

    private static ItemsResponse<CertificateRequestResponse> Items(IReadOnlyList<CertificateRequest> requests, Caller caller,
        TimeProvider time, IOptions<RequestOptions> options)
    {
        var today = time.TodayInStockholm();
        return new ItemsResponse<CertificateRequestResponse>(
            [.. requests.Select(request => CertificateRequestResponse.From(request, caller, today, options.Value.ExpireAfterDays))]);
    }
}
