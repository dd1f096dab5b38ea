using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace EgenvardRegistry.Certificates;

public static class CertificateEndpoints
{
    public static IEndpointRouteBuilder MapCertificates(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapApiGroup("/api/certificates", "Certificates");
        group.MapPost("/", IssueCertificate)
            .WithName(nameof(IssueCertificate))
            .RequireAuthorization(Policies.Clinician)
            .WithIdempotency()
            .WithSummary("Issue a certificate for a child (clinician of the care unit on the certificate). With answersRequest " +
                         "(an open certificate request for the same child) it is shared with the requesting school unit too and " +
                         "the request becomes fulfilled; an unknown request or another child's is 422, a closed one 409, and " +
                         "nothing is issued.")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        group.MapGet("/{id:guid}", GetCertificate)
            .WithName(nameof(GetCertificate))
            .RequireAuthorization(Policies.AnyRole)
            .WithSummary("A certificate: issuing care unit's clinicians, the child's guardians, school units it is shared with, admins.");
        group.MapPost("/{id:guid}/renewals", RenewCertificate)
            .WithName(nameof(RenewCertificate))
            .WithIdempotency()
            .RequireAuthorization(Policies.Clinician)
            .WithSummary("Renew: a new certificate with new dates (and any changed content) replaces this one. " +
                         "Clinicians of the issuing care unit; If-Match optional.")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapPost("/{id:guid}/revocation", RevokeCertificate)
            .WithName(nameof(RevokeCertificate))
            .WithIdempotency()
            .RequireAuthorization(Policies.Clinician)
            .WithSummary("Revoke for good, with a reason. Clinicians of the issuing care unit; If-Match with the current ETag is required.")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
        group.MapPost("/search", SearchCertificates)
            .WithName(nameof(SearchCertificates))
            .RequireRateLimiting(RateLimits.Lookup)
            .RequireAuthorization(Policies.Clinician)
            .WithSummary("A child's certificates across all care units, newest first (the personnummer goes in the body, never the URL): " +
                         "the caller's care unit's in full, other units' as summaries unless careRelationship states the clinician's " +
                         "care relationship with the child, which is audited.");
        return routes;
    }

    public static async Task<Results<Created<CertificateResponse>, ValidationProblem, ProblemHttpResult>> IssueCertificate(
        IssueCertificateRequest request, Caller caller, CertificateStore store, TimeProvider time,
        HttpContext http, CancellationToken cancellationToken)
    {
        var today = time.TodayInStockholm();
        var outcome = CertificateRules.Validate(request, today);
        if (outcome.Certificate is not { } certificate)
        {
            return TypedResults.ValidationProblem(outcome.Errors.ToProblemErrors(),
                title: "The certificate is not complete or not valid.");
        }
        if (certificate.CareUnit.HsaId != caller.CareUnit)
        {
            return NotYourCareUnit();
        }
        Certificate issued;
        if (request.AnswersRequest is { } requestId)
        {
            var answer = await store.IssueAnsweringAsync(certificate, requestId, caller, cancellationToken);
            if (answer.Certificate is null)
            {
                var errors = new ValidationErrors();
                errors.Add("answersRequest", answer.Refusal!);
                return answer.Refusal == Requests.RequestErrors.AnswersClosedRequest
                    ? TypedResults.Problem(new HttpValidationProblemDetails(errors.ToProblemErrors())
                    {
                        Status = StatusCodes.Status409Conflict,
                        Title = "The certificate request is not open",
                    })
                    : Requests.RequestEndpoints.UnprocessableEntity(errors, "The certificate cannot answer this request");
            }
            issued = answer.Certificate;
        }
        else
        {
            issued = await store.IssueAsync(certificate, caller, cancellationToken);
        }
        http.Response.Headers.ETag = issued.ETag;
        return TypedResults.Created($"/api/certificates/{issued.Id}", CertificateResponse.From(issued, today, caller));
    }

    public static async Task<Results<Ok<CertificateResponse>, ProblemHttpResult>> GetCertificate(
        Guid id, Caller caller, CertificateStore store, TimeProvider time, HttpContext http,
        CancellationToken cancellationToken)
    {
        var certificate = await store.ReadAsync(id, caller, cancellationToken);
        if (certificate is null)
        {
            return NotFound();
        }
        http.Response.Headers.ETag = certificate.ETag;
        return TypedResults.Ok(CertificateResponse.From(certificate, time.TodayInStockholm(), caller));
    }

    public static async Task<Results<Created<CertificateResponse>, ValidationProblem, ProblemHttpResult>> RenewCertificate(
        Guid id, RenewCertificateRequest request, Caller caller, CertificateStore store, TimeProvider time,
        HttpContext http, CancellationToken cancellationToken)
    {
        var ifMatch = IfMatch.Parse(http.Request.Headers.IfMatch);
        if (ifMatch.IsMalformed)
        {
            return IfMatch.Required();
        }
        if (request.CareUnit?.HsaId is { } hsaId && hsaId.Trim() != caller.CareUnit)
        {
            return NotYourCareUnit();
        }
        var today = time.TodayInStockholm();
        var result = await store.RenewAsync(id, request, caller, ifMatch.Version, today, cancellationToken);
        if (result.Outcome == ChangeOutcome.Invalid)
        {
            return TypedResults.ValidationProblem(result.Errors!.ToProblemErrors(), title: "The renewal is not complete or not valid.");
        }
        if (result.Certificate is not { } renewed)
        {
            return Problem(result);
        }
        http.Response.Headers.ETag = renewed.ETag;
        return TypedResults.Created($"/api/certificates/{renewed.Id}", CertificateResponse.From(renewed, today, caller));
    }

    public static async Task<Results<Ok<CertificateResponse>, ValidationProblem, ProblemHttpResult>> RevokeCertificate(
        Guid id, RevocationRequest request, Caller caller, CertificateStore store, TimeProvider time,
        HttpContext http, CancellationToken cancellationToken)
    {
        var ifMatch = IfMatch.Parse(http.Request.Headers.IfMatch);
        if (ifMatch.Version is not { } version)
        {
            return IfMatch.Required();
        }
        var errors = new ValidationErrors();
        if (CertificateRules.RevocationReason(request.Reason, errors) is not { } reason)
        {
            return TypedResults.ValidationProblem(errors.ToProblemErrors());
        }
        var result = await store.RevokeAsync(id, reason, caller, version, cancellationToken);
        if (result.Certificate is not { } revoked)
        {
            return Problem(result);
        }
        http.Response.Headers.ETag = revoked.ETag;
        return TypedResults.Ok(CertificateResponse.From(revoked, time.TodayInStockholm(), caller));
    }

    public static async Task<Results<Ok<SearchResponse>, ValidationProblem>> SearchCertificates(
        SearchRequest request, Caller caller, CertificateStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var today = time.TodayInStockholm();
        var errors = new ValidationErrors();
        var personnummer = Identifiers.Personnummer.Normalize(request.Personnummer, today, errors, "personnummer");
        CertificateRules.CareRelationship(request.CareRelationship, errors, out var careRelationship);
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToProblemErrors());
        }
        var found = await store.SearchAsync(personnummer!, careRelationship, caller, cancellationToken);
        return TypedResults.Ok(new SearchResponse(
            found.Certificates.Select(c => CertificateResponse.From(c, today, caller)).ToList(),
            found.Summaries.Select(summary => CertificateSummaryResponse.From(summary, today)).ToList()));
    }

    internal static ProblemHttpResult NotFound() => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Certificate not found",
        detail: "There is no certificate with this id that you may see.");

    private static ProblemHttpResult NotYourCareUnit() => TypedResults.Problem(
        statusCode: StatusCodes.Status403Forbidden,
        title: "Not your care unit",
        detail: "A clinician issues and renews certificates only for the care unit they are signed in for.");

    private static ProblemHttpResult Problem(ChangeResult result) => result.Outcome switch
    {
        ChangeOutcome.NotFound => NotFound(),
        ChangeOutcome.PreconditionFailed => TypedResults.Problem(
            statusCode: StatusCodes.Status412PreconditionFailed,
            title: "The certificate has changed",
            detail: "If-Match does not name the current version. Read the certificate again and retry with its ETag."),
        _ => TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: "The certificate cannot change",
            detail: result.Detail),
    };
}

/// <summary>The version an <c>If-Match</c> header names (ETags are the quoted version number).</summary>
public readonly record struct IfMatch(int? Version, bool IsMalformed)
{
    public static IfMatch Parse(Microsoft.Extensions.Primitives.StringValues header)
    {
        if (header.Count == 0)
        {
            return new IfMatch(null, false);
        }
        if (!EntityTagHeaderValue.TryParseList(header, out var tags) || tags.Count != 1 || tags[0].Equals(EntityTagHeaderValue.Any))
        {
            return new IfMatch(null, true);
        }
        // An ETag that is not one of ours simply does not match: 412 rather than 400.
        return int.TryParse(tags[0].Tag.AsSpan().Trim('"'), System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out var version)
            ? new IfMatch(version, false)
            : new IfMatch(0, false);
    }

    public static ProblemHttpResult Required() => TypedResults.Problem(
        statusCode: StatusCodes.Status428PreconditionRequired,
        title: "If-Match required",
        detail: "Send If-Match with the certificate's current ETag (one tag, not *), so a change never overwrites one you have not seen.");
}
