using System.Text.Json;
using Hl7.Fhir.Serialization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;
using R4 = Hl7.Fhir.Model;

namespace EgenvardRegistry.Fhir;

public static class FhirMedia
{
    public const string Json = "application/fhir+json";

    /// <summary>The SDK's System.Text.Json serializer for R4 POCOs, built once.</summary>
    public static readonly JsonSerializerOptions Options = new JsonSerializerOptions().ForFhir();

    /// <summary>
    /// Whether the caller can take FHIR JSON: no Accept, or one that admits application/fhir+json (or application/json,
    /// or a wildcard); <c>_format</c>, when given, must name JSON. Anything else (XML, Turtle) is 406.
    /// </summary>
    public static bool Acceptable(HttpRequest request)
    {
        if (request.Query.TryGetValue("_format", out var format)
            && !format.All(value => value is "json" or "application/json" or Json or "application/json+fhir"))
        {
            return false;
        }
        var accept = request.Headers.Accept;
        if (accept.Count == 0)
        {
            return true;
        }
        if (!MediaTypeHeaderValue.TryParseList(accept, out var types))
        {
            return false;
        }
        return types.Any(type => type.Quality is not 0 && type.MediaType.Value is "*/*" or "application/*" or Json
            or "application/json" or "application/json+fhir");
    }
}

/// <summary>A FHIR resource as <c>application/fhir+json</c>, with its status and any headers.</summary>
public sealed class FhirResult(R4.Resource resource, int status = StatusCodes.Status200OK, string? etag = null) : IResult
{
    public R4.Resource Resource { get; } = resource;

    public int Status { get; } = status;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = Status;
        response.ContentType = $"{FhirMedia.Json}; charset=utf-8";
        if (etag is not null)
        {
            response.Headers.ETag = etag;
        }
        await JsonSerializer.SerializeAsync(response.Body, Resource, Resource.GetType(), FhirMedia.Options, httpContext.RequestAborted);
    }

    public static FhirResult Outcome(int status, R4.OperationOutcome.IssueType code, string diagnostics) =>
        new(OperationOutcomes.Of(status, code, diagnostics), status);
}

public static class OperationOutcomes
{
    public static R4.OperationOutcome Of(int status, R4.OperationOutcome.IssueType code, string diagnostics) => new()
    {
        Issue =
        [
            new R4.OperationOutcome.IssueComponent
            {
                Severity = status >= 500 ? R4.OperationOutcome.IssueSeverity.Fatal : R4.OperationOutcome.IssueSeverity.Error,
                Code = code,
                Diagnostics = diagnostics,
            },
        ],
    };

    /// <summary>The issue type that fits an HTTP error status the framework answered (authentication, routing, limits).</summary>
    public static R4.OperationOutcome.IssueType TypeFor(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => R4.OperationOutcome.IssueType.Login,
        StatusCodes.Status403Forbidden => R4.OperationOutcome.IssueType.Forbidden,
        StatusCodes.Status404NotFound => R4.OperationOutcome.IssueType.NotFound,
        StatusCodes.Status405MethodNotAllowed or StatusCodes.Status406NotAcceptable or StatusCodes.Status415UnsupportedMediaType
            => R4.OperationOutcome.IssueType.NotSupported,
        StatusCodes.Status413PayloadTooLarge => R4.OperationOutcome.IssueType.TooCostly,
        StatusCodes.Status429TooManyRequests => R4.OperationOutcome.IssueType.Throttled,
        StatusCodes.Status503ServiceUnavailable => R4.OperationOutcome.IssueType.Transient,
        >= 500 => R4.OperationOutcome.IssueType.Exception,
        _ => R4.OperationOutcome.IssueType.Invalid,
    };
}

/// <summary>
/// Under <c>/fhir</c>, every problem the framework writes (401 and 403 from authorization, 404 and 405 from routing, 413,
/// 429, 503, an unexpected 500) is written as an OperationOutcome instead of RFC 9457 problem details. It must come before
/// the default writer, which only writes for callers that accept application/json.
/// </summary>
public sealed class OperationOutcomeProblemWriter : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => FhirEndpoints.IsFhir(context.HttpContext.Request.Path);

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var status = context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode;
        var problem = context.ProblemDetails;
        var diagnostics = string.Join(" ", new[] { problem.Title, problem.Detail }.Where(text => !string.IsNullOrEmpty(text)));
        var result = FhirResult.Outcome(status, OperationOutcomes.TypeFor(status),
            diagnostics.Length > 0 ? diagnostics : $"HTTP {status}");
        return new ValueTask(result.ExecuteAsync(context.HttpContext));
    }
}

/// <summary>OpenAPI metadata: the endpoint answers FHIR JSON (a resource, or an OperationOutcome for every error).</summary>
public static class FhirOpenApi
{
    public static RouteHandlerBuilder ProducesFhir(this RouteHandlerBuilder builder, params int[] errors)
    {
        // A FHIR resource or OperationOutcome: the SDK's types are not described here, so the schema is any JSON object.
        foreach (var status in errors.Prepend(StatusCodes.Status200OK))
        {
            builder.Produces<object>(status, FhirMedia.Json);
        }
        return builder;
    }
}
