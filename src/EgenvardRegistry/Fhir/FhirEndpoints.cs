using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Http;
using Microsoft.Net.Http.Headers;
using R4 = Hl7.Fhir.Model;

namespace EgenvardRegistry.Fhir;

/// <summary>
/// A read-only FHIR R4 view of the certificates for journal systems: CarePlan read, and search by the child's identifier
/// only as <c>POST CarePlan/_search</c> with a form body, so a personnummer never goes in a URL. Same tokens, access rules
/// and audit events as <c>GET /api/certificates/{id}</c> and <c>POST /api/certificates/search</c>, whose store methods
/// these call.
/// </summary>
public static class FhirEndpoints
{
    public const string Base = "/fhir/r4";

    public static bool IsFhir(PathString path) => path.StartsWithSegments("/fhir");

    public static IServiceCollection AddFhirView(this IServiceCollection services)
    {
        // First among the problem writers, ahead of the default one AddProblemDetails registers.
        services.Insert(0, ServiceDescriptor.Singleton<IProblemDetailsWriter, OperationOutcomeProblemWriter>());
        return services;
    }

    public static IEndpointRouteBuilder MapFhir(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup(Base);
        group.WithTags("FHIR R4")
            .RequireRateLimiting(RateLimits.Api)
            .AddEndpointFilter(async (context, next) => FhirMedia.Acceptable(context.HttpContext.Request)
                ? await next(context)
                : FhirResult.Outcome(StatusCodes.Status406NotAcceptable, R4.OperationOutcome.IssueType.NotSupported,
                    $"This server answers {FhirMedia.Json} only."));
        group.MapGet("/metadata", GetCapabilityStatement)
            .WithName(nameof(GetCapabilityStatement))
            .AllowAnonymous()
            .WithSummary("The FHIR CapabilityStatement: what this server supports (CarePlan read and POST _search). No sign-in, as FHIR clients expect.")
            .ProducesFhir(StatusCodes.Status406NotAcceptable, StatusCodes.Status429TooManyRequests);
        group.MapGet("/CarePlan/{id}", ReadCarePlan)
            .WithName(nameof(ReadCarePlan))
            .RequireAuthorization(Policies.AnyRole)
            .WithSummary("A certificate as a FHIR R4 CarePlan with the child, clinician and care unit contained; readers as " +
                         "GET /api/certificates/{id}; anyone else 404 OperationOutcome.")
            .ProducesFhir(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound,
                StatusCodes.Status406NotAcceptable, StatusCodes.Status429TooManyRequests, StatusCodes.Status503ServiceUnavailable);
        group.MapPost("/CarePlan/_search", SearchCarePlans)
            .WithName(nameof(SearchCarePlans))
            .RequireAuthorization(Policies.Clinician)
            .RequireRateLimiting(RateLimits.Lookup)
            .Accepts<IFormCollection>("application/x-www-form-urlencoded")
            .WithSummary("A child's CarePlans (clinicians, as POST /api/certificates/search): form body " +
                         "patient.identifier=urn:oid:1.2.752.129.2.1.3.1|<12 digits> (or …3.3 for a samordningsnummer) → a " +
                         "searchset Bundle; other care units' certificates as SUBSETTED CarePlans.")
            .ProducesFhir(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden,
                StatusCodes.Status406NotAcceptable, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity,
                StatusCodes.Status429TooManyRequests, StatusCodes.Status503ServiceUnavailable);
        // A search by GET would carry the identifier in the URL: refused before anything is read, whoever asks.
        group.MapGet("/CarePlan", RefuseSearchByGet).AllowAnonymous().ExcludeFromDescription();
        group.MapGet("/CarePlan/_search", RefuseSearchByGet).AllowAnonymous().ExcludeFromDescription();
        return routes;
    }

    public static FhirResult GetCapabilityStatement(HttpContext http) => new(CapabilityStatementDocument.For(BaseUrl(http.Request)));

    public static async Task<FhirResult> ReadCarePlan(string id, Caller caller, CertificateStore store, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var certificate = Guid.TryParse(id, out var certificateId)
            ? await store.ReadAsync(certificateId, caller, cancellationToken)
            : null;
        if (certificate is null)
        {
            return FhirResult.Outcome(StatusCodes.Status404NotFound, R4.OperationOutcome.IssueType.NotFound,
                "There is no CarePlan with this id that you may see.");
        }
        return new FhirResult(CarePlanMapping.ToCarePlan(certificate, time.TodayInStockholm()),
            etag: $"W/\"{certificate.Version}\"");
    }

    public static async Task<FhirResult> SearchCarePlans(Caller caller, CertificateStore store, TimeProvider time,
        HttpContext http, CancellationToken cancellationToken)
    {
        var request = http.Request;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || !contentType.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            return FhirResult.Outcome(StatusCodes.Status415UnsupportedMediaType, R4.OperationOutcome.IssueType.NotSupported,
                "Send the search as application/x-www-form-urlencoded: patient.identifier=system|value.");
        }
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(cancellationToken);
        }
        catch (InvalidDataException)
        {
            return FhirResult.Outcome(StatusCodes.Status400BadRequest, R4.OperationOutcome.IssueType.Structure,
                "The form body could not be read.");
        }
        var today = time.TodayInStockholm();
        var (personnummer, refusal) = FhirSearchRules.Parse(form, request.Query, today);
        if (refusal is not null)
        {
            return FhirResult.Outcome(refusal.Status, refusal.Code, refusal.Diagnostics);
        }
        var found = await store.SearchAsync(personnummer!, careRelationship: null, caller, cancellationToken);
        var baseUrl = BaseUrl(request);
        var plans = found.Certificates.Select(certificate => CarePlanMapping.ToCarePlan(certificate, today))
            .Concat(found.Summaries.Select(summary => CarePlanMapping.ToCarePlan(summary, personnummer!, today)))
            .OrderByDescending(plan => plan.Created, StringComparer.Ordinal)
            .ThenByDescending(plan => plan.Id, StringComparer.Ordinal)
            .ToList();
        var bundle = new R4.Bundle
        {
            Id = Guid.CreateVersion7(time.GetUtcNow()).ToString(),
            Type = R4.Bundle.BundleType.Searchset,
            Total = plans.Count,
            Link = [new R4.Bundle.LinkComponent { Relation = "self", Url = $"{baseUrl}/CarePlan/_search" }],
            Entry = [.. plans.Select(plan => new R4.Bundle.EntryComponent
            {
                FullUrl = $"{baseUrl}/CarePlan/{plan.Id}",
                Resource = plan,
                Search = new R4.Bundle.SearchComponent { Mode = R4.Bundle.SearchEntryMode.Match },
            })],
        };
        return new FhirResult(bundle);
    }

    public static FhirResult RefuseSearchByGet() => FhirResult.Outcome(StatusCodes.Status400BadRequest,
        R4.OperationOutcome.IssueType.NotSupported,
        "Search with POST CarePlan/_search and patient.identifier in a form body: a personnummer never goes in a URL.");

    private static string BaseUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}{Base}";
}
