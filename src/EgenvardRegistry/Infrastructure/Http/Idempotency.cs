using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Scheduling;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;

namespace EgenvardRegistry.Infrastructure.Http;

/// <summary>
/// The <c>Idempotency-Key</c> header on unsafe requests. Mark an endpoint with <see cref="WithIdempotency"/>;
/// <see cref="UseIdempotency"/> (after authorization) then stores the first response per caller and key and sends it
/// again for a retry of the same request.
/// </summary>
public static class Idempotency
{
    public const string KeyHeader = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    public const int MaxKeyLength = 200;

    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    /// <summary>The response headers a replay repeats; the rest (<c>Cache-Control</c> …) the pipeline sets each time.</summary>
    public static readonly IReadOnlyList<string> StoredHeaders = [HeaderNames.Location, HeaderNames.ETag, HeaderNames.ContentType];

    public static IServiceCollection AddIdempotency(this IServiceCollection services) => services
        .AddSingleton<IdempotencyStore>()
        .AddScoped<PurgeJob>()
        .AddRecurringJobs<PurgeJobSchedule>();

    public static IApplicationBuilder UseIdempotency(this IApplicationBuilder app) =>
        app.UseMiddleware<IdempotencyMiddleware>();

    /// <summary>Requests to this endpoint honour the <c>Idempotency-Key</c> header.</summary>
    public static RouteHandlerBuilder WithIdempotency(this RouteHandlerBuilder builder) => builder
        .WithMetadata(new IdempotentEndpoint())
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
        .AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = KeyHeader,
                In = ParameterLocation.Header,
                Required = false,
                Description = $"""
                    Makes a retry safe: 1–{MaxKeyLength} visible ASCII characters, chosen by the client, new for each new request.
                    For {Lifetime.TotalHours:0} hours the same request with the same key gets the first response again (marked
                    `{ReplayedHeader}: true`) and does nothing more; another request with the key gets 422, and a retry while the
                    first is still running gets 409. A 5xx first response frees the key. Keys are per caller.
                    """,
                Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    MinLength = 1,
                    MaxLength = MaxKeyLength,
                    Pattern = "^[!-~]+$",
                },
            });
            return Task.CompletedTask;
        });

    /// <summary>1–200 characters, each visible ASCII (<c>!</c> to <c>~</c>).</summary>
    public static bool IsValidKey([NotNullWhen(true)] string? key) =>
        key is { Length: > 0 and <= MaxKeyLength } && key.All(character => character is >= '!' and <= '~');
}

/// <summary>Endpoint metadata: this endpoint's requests honour the <c>Idempotency-Key</c> header.</summary>
public sealed class IdempotentEndpoint;

/// <summary>
/// For endpoints marked <see cref="IdempotentEndpoint"/> and requests that carry an <c>Idempotency-Key</c>: claims
/// the key for the caller (role and <c>sub</c>), runs the request once, stores its response (status, body,
/// <see cref="Idempotency.StoredHeaders"/>) and answers a repeat of the same request (method, path, body; compared by
/// SHA-256) with that response. A 5xx or an exception releases the key.
/// </summary>
public sealed partial class IdempotencyMiddleware(
    RequestDelegate next, IdempotencyStore store, TimeProvider time, ILogger<IdempotencyMiddleware> log)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<IdempotentEndpoint>() is null
            || !context.Request.Headers.TryGetValue(Idempotency.KeyHeader, out var keys)
            || Caller.FromPrincipal(context.User, time.TodayInStockholm()) is not { } caller)
        {
            await next(context);
            return;
        }
        if (keys is not [var key] || !Idempotency.IsValidKey(key))
        {
            await Problems.Write(context, StatusCodes.Status400BadRequest, $"Invalid {Idempotency.KeyHeader} header",
                $"The {Idempotency.KeyHeader} header must be one value of 1 to {Idempotency.MaxKeyLength} visible ASCII characters.");
            return;
        }

        var callerKey = $"{caller.Role}:{caller.Id}";
        var requestHash = await HashRequestAsync(context.Request, context.RequestAborted);
        var claim = await store.ClaimAsync(callerKey, key, requestHash, time.GetUtcNow(), context.RequestAborted);
        switch (claim.Outcome)
        {
            case ClaimOutcome.Claimed:
                await RunAndStoreAsync(context, callerKey, key);
                break;
            case ClaimOutcome.Replay:
                LogReplayed(context.Request.Path);
                await ReplayAsync(context.Response, claim.Response!, context.RequestAborted);
                break;
            case ClaimOutcome.DifferentRequest:
                await Problems.Write(context, StatusCodes.Status422UnprocessableEntity, $"{Idempotency.KeyHeader} already used",
                    $"This {Idempotency.KeyHeader} was used for a different request (method, path or body). Use a new key for a new request.");
                break;
            default:
                context.Response.Headers.RetryAfter = "1";
                await Problems.Write(context, StatusCodes.Status409Conflict, "Request still in progress",
                    $"A request with this {Idempotency.KeyHeader} is still being processed. Retry it later to get its response.");
                break;
        }
    }

    private async Task RunAndStoreAsync(HttpContext context, string caller, string key)
    {
        var response = context.Response;
        var body = response.Body;
        using var captured = new MemoryStream();
        response.Body = captured;
        try
        {
            await next(context);
        }
        catch
        {
            response.Body = body;
            // The request may have been aborted; the key must be released regardless.
            await store.ReleaseAsync(caller, key, CancellationToken.None);
            LogReleasedAfterException(context.Request.Path);
            throw;
        }
        response.Body = body;

        if (response.StatusCode >= StatusCodes.Status500InternalServerError)
        {
            await store.ReleaseAsync(caller, key, CancellationToken.None);
            LogReleased(context.Request.Path, response.StatusCode);
        }
        else
        {
            var headers = Idempotency.StoredHeaders
                .Where(name => response.Headers.ContainsKey(name))
                .ToDictionary(name => name, name => response.Headers[name].ToString());
            try
            {
                // Stored even if the client has gone: its retry is what this response is kept for.
                await store.CompleteAsync(caller, key, new StoredResponse(response.StatusCode, headers, captured.ToArray()),
                    CancellationToken.None);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The work is done: the client gets its answer, and the key stays claimed so a retry cannot repeat it.
                LogNotStored(exception, context.Request.Path);
            }
        }

        if (captured.Length > 0)
        {
            response.ContentLength = captured.Length;
            captured.Position = 0;
            await captured.CopyToAsync(body, context.RequestAborted);
        }
    }

    private static async Task ReplayAsync(HttpResponse response, StoredResponse stored, CancellationToken cancellationToken)
    {
        response.StatusCode = stored.Status;
        foreach (var (name, value) in stored.Headers)
        {
            response.Headers[name] = value;
        }
        response.Headers[Idempotency.ReplayedHeader] = "true";
        if (stored.Body.Length > 0)
        {
            response.ContentLength = stored.Body.Length;
            await response.Body.WriteAsync(stored.Body, cancellationToken);
        }
    }

    private static async Task<string> HashRequestAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        // Buffered in memory up to the body limit, so a child's data never lands in a temporary file.
        request.EnableBuffering(bufferThreshold: (int)HttpRegistration.MaxRequestBodyBytes);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{request.Method} {request.PathBase}{request.Path}{request.QueryString}\n"));
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            hash.AppendData(buffer, 0, read);
        }
        request.Body.Position = 0;
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Replayed the stored response to an idempotent request to {Path}")]
    private partial void LogReplayed(PathString path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Released the Idempotency-Key of a request to {Path} that ended in {Status}")]
    private partial void LogReleased(PathString path, int status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Released the Idempotency-Key of a request to {Path} that threw")]
    private partial void LogReleasedAfterException(PathString path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not store the response to an idempotent request to {Path}; its key stays claimed")]
    private partial void LogNotStored(Exception exception, PathString path);
}
