using EgenvardRegistry.Infrastructure.Database;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace EgenvardRegistry.Infrastructure.Http;

/// <summary>
/// An API request that failed because the database is unavailable (<see cref="DatabaseUnavailable"/>) gets 503 problem details
/// with <c>Retry-After</c>, not 500: nothing is wrong with the request, and the same request will work once the database
/// is back. The log names the cause only, never the exception's text or the request's data.
/// </summary>
public sealed partial class DatabaseUnavailableExceptionHandler(IProblemDetailsService problems, ILogger<DatabaseUnavailableExceptionHandler> log)
    : IExceptionHandler
{
    /// <summary>Seconds a client is asked to wait: about how long a database restart or fail-over takes.</summary>
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        // A page's failure is re-executed as the Swedish error page (503 with Retry-After), see Program.cs.
        if (DatabaseUnavailable.Cause(exception) is not { } cause || !HttpRegistration.IsMachineFacing(httpContext.Request.Path))
        {
            return false;
        }
        LogUnavailable(cause, httpContext.Request.Method);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Service Unavailable",
                Detail = $"The registry's database cannot be reached right now; try again in {RetryAfterSeconds} seconds.",
            },
            Exception = exception,
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database is unavailable ({Cause}); a {Method} request was answered 503")]
    private partial void LogUnavailable(string cause, string method);
}
