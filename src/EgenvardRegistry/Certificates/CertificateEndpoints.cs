using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EgenvardRegistry.Certificates;

public static class CertificateEndpoints
{
    public static IEndpointRouteBuilder MapCertificates(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/certificates").WithTags("Certificates");
        group.MapPost("/", IssueCertificate)
            .WithName(nameof(IssueCertificate))
            .RequireAuthorization(Policies.Clinician)
            .WithIdempotency()
            .WithSummary("Issue a certificate for a child (clinician of the care unit on the certificate).")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        group.MapGet("/{id:guid}", GetCertificate)
            .WithName(nameof(GetCertificate))
            .RequireAuthorization(Policies.AnyRole)
            .WithSummary("A certificate: issuing care unit's clinicians, the child's guardians, school units it is shared with, admins.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
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
            return TypedResults.ValidationProblem(outcome.Errors.ToDictionary(),
                title: "The certificate is not complete or not valid.");
        }
        if (certificate.CareUnit.HsaId != caller.CareUnit)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden,
                title: "Not your care unit",
                detail: "A clinician issues certificates only for the care unit they are signed in for.");
        }
        var issued = await store.IssueAsync(certificate, caller, cancellationToken);
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

    internal static ProblemHttpResult NotFound() => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Certificate not found",
        detail: "There is no certificate with this id that you may see.");
}
