using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;

namespace EgenvardRegistry.Infrastructure.Http;

public static class HttpRegistration
{
    /// <summary>Largest request body the API reads.</summary>
    public const long MaxRequestBodyBytes = 64 * 1024;

    public static IServiceCollection AddRegistryHttp(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
            context.ProblemDetails.Extensions["traceId"] = context.HttpContext.TraceIdentifier);
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        services.AddExceptionHandler<DatabaseUnavailableExceptionHandler>();
        // Malformed bodies reach BadRequestExceptionHandler, which says what was wrong, instead of a bare 400.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.Configure<Microsoft.AspNetCore.Http.Json.JsonOptions>(options =>
        {
            options.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
            options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        });
        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "EgenvardRegistry API";
            document.Info.Description = "Registry of Swedish egenvårdsintyg (self-care certificates).";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A JWT with the claims sub, name, role and the role's unit claims.",
            };
            document.Security ??= [];
            document.Security.Add(new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference("Bearer", document)] = [],
            });
            return Task.CompletedTask;
        }).AddOperationTransformer((operation, context, _) =>
        {
            // An endpoint anyone may call (the signing keys, the revocation list) needs no token: an empty requirement.
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<Microsoft.AspNetCore.Authorization.IAllowAnonymous>().Any())
            {
                operation.Security = [];
            }
            return Task.CompletedTask;
        }));
        return services;
    }

    /// <summary>Lets an endpoint read bodies up to <paramref name="bytes"/> instead of <see cref="MaxRequestBodyBytes"/>.</summary>
    public static TBuilder WithRequestBodyLimit<TBuilder>(this TBuilder builder, long bytes) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequestBodyLimit(bytes));

    /// <summary>
    /// The largest body the request's endpoint reads. Kept in the request's items too, for the exception handler, which
    /// runs after the endpoint has been cleared.
    /// </summary>
    public static long BodyLimitFor(HttpContext context) =>
        context.Items.TryGetValue(typeof(RequestBodyLimit), out var kept) && kept is long bytes ? bytes
        : context.GetEndpoint()?.Metadata.GetMetadata<RequestBodyLimit>()?.Bytes ?? MaxRequestBodyBytes;

    /// <summary>
    /// A group of API endpoints under <paramref name="prefix"/>: tagged for the OpenAPI document, on the per-caller request
    /// budget, and documented to answer the problems every API endpoint can give (401, 403, 429, and 503 while the database
    /// is unavailable).
    /// </summary>
    public static RouteGroupBuilder MapApiGroup(this IEndpointRouteBuilder routes, string prefix, string tag)
    {
        var group = routes.MapGroup(prefix);
        group.WithTags(tag)
            .RequireRateLimiting(RateLimits.Api)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    /// <summary>Paths answered for programs (problem details); everything else is a page for people (Swedish HTML).</summary>
    public static bool IsMachineFacing(PathString path) =>
        IsApi(path) || path.StartsWithSegments("/health") || path.StartsWithSegments("/openapi");

    /// <summary>The JSON API and the FHIR view: bearer tokens, bodies limited, nothing cached.</summary>
    public static bool IsApi(PathString path) => path.StartsWithSegments("/api") || path.StartsWithSegments("/fhir");

    /// <summary>
    /// Every API and health response says <c>Cache-Control: no-store</c> (they carry children's data or live state), and bodies over
    /// <see cref="MaxRequestBodyBytes"/> (or the endpoint's own <see cref="RequestBodyLimit"/>) are refused with 413 before
    /// anything reads them. It runs after routing, so the endpoint is known.
    /// </summary>
    public static IApplicationBuilder UseApiResponseRules(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/health"))
        {
            context.Response.Headers.CacheControl = "no-store";
        }
        if (!IsApi(path))
        {
            await next(context);
            return;
        }
        context.Response.Headers.CacheControl = "no-store";
        var limit = BodyLimitFor(context);
        context.Items[typeof(RequestBodyLimit)] = limit;
        if (context.Request.ContentLength > limit)
        {
            await Problems.Write(context, StatusCodes.Status413PayloadTooLarge, "Content Too Large",
                $"The request body may be at most {limit} bytes.");
            return;
        }
        // A body without Content-Length (chunked) is cut off while it is read.
        var sizeLimit = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeLimit is { IsReadOnly: false })
        {
            sizeLimit.MaxRequestBodySize = limit;
        }
        context.Request.Body = new LimitedReadStream(context.Request.Body, limit);
        await next(context);
    });
}

/// <summary>Endpoint metadata: the largest request body the endpoint reads, when it is not <see cref="HttpRegistration.MaxRequestBodyBytes"/>.</summary>
public sealed record RequestBodyLimit(long Bytes);

public static class Problems
{
    public static async Task Write(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }
}

/// <summary>
/// Turns a request the framework could not bind (malformed JSON, wrong media type) into a problem that says what
/// was wrong and where, without echoing any of the body.
/// </summary>
public sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public static readonly ErrorCode NotJson = new("json.invalid", "Not valid JSON here, or a value of the wrong type.");

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }
        var status = badRequest.StatusCode;
        ProblemDetails problem = status switch
        {
            StatusCodes.Status415UnsupportedMediaType => new ProblemDetails
            {
                Title = "Unsupported media type",
                Detail = "Send the request body as application/json.",
            },
            StatusCodes.Status413PayloadTooLarge => new ProblemDetails
            {
                Title = "Content Too Large",
                Detail = $"The request body may be at most {HttpRegistration.BodyLimitFor(httpContext)} bytes.",
            },
            _ when badRequest.InnerException is JsonException json => new HttpValidationProblemDetails(NotJsonAt(json.Path))
            {
                Title = "Malformed JSON",
                Detail = json.LineNumber is { } line
                    ? $"The request body is not valid JSON for this operation (line {line + 1}, byte {json.BytePositionInLine + 1})."
                    : "The request body is not valid JSON for this operation.",
            },
            _ => new ProblemDetails
            {
                Title = "Bad request",
                Detail = "The request could not be read. A JSON body is required.",
            },
        };
        problem.Status = status;
        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    private static Dictionary<string, string[]> NotJsonAt(string? path)
    {
        var errors = new ValidationErrors();
        errors.Add(JsonPaths.ToField(path), NotJson);
        return errors.ToProblemErrors();
    }
}

public static class JsonPaths
{
    /// <summary><c>$.measures[0].code</c> → <c>measures[0].code</c>; the whole body is <c>$</c>.</summary>
    public static string ToField(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "$" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;
}
