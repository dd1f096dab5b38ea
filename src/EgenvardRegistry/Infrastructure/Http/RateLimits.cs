using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using EgenvardRegistry.Infrastructure.Auth;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace EgenvardRegistry.Infrastructure.Http;

/// <summary>Requests each caller may make per minute (<c>RateLimiting:*</c>); counted per node.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimiting";

    [Range(1, 1_000_000)]
    public int PermitsPerMinute { get; set; } = 600;

    /// <summary>Verification and search look children up by personnummer: a tighter limit makes trawling slow.</summary>
    [Range(1, 1_000_000)]
    public int LookupPermitsPerMinute { get; set; } = 60;
}

public static class RateLimits
{
    public const string Api = "api";
    public const string Lookup = "lookup";

    /// <summary>
    /// The <see cref="Lookup"/> budget for a page whose GET only shows what its POST would do (the unsubscribe link): a
    /// Razor Page is one endpoint for every method, so the policy itself lets the GETs through.
    /// </summary>
    public const string LookupPosts = "lookup-posts";

    public static IServiceCollection AddRegistryRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>()
            .BindConfiguration(RateLimitOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(Api, context => PerCaller(context, options => options.PermitsPerMinute));
            limiter.AddPolicy(Lookup, context => PerCaller(context, options => options.LookupPermitsPerMinute));
            limiter.AddPolicy(LookupPosts, context => HttpMethods.IsPost(context.Request.Method)
                ? PerCaller(context, options => options.LookupPermitsPerMinute)
                : RateLimitPartition.GetNoLimiter(""));
            limiter.OnRejected = async (rejected, _) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                var seconds = (int)Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds));
                rejected.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                if (!HttpRegistration.IsMachineFacing(rejected.HttpContext.Request.Path))
                {
                    return; // an empty 429: the status-code pages show people the Swedish error page
                }
                await Problems.Write(rejected.HttpContext, StatusCodes.Status429TooManyRequests, "Too many requests",
                    $"Too many requests from you in a short time. Try again in {seconds} seconds.");
            };
        });
        return services;
    }

    private static RateLimitPartition<string> PerCaller(HttpContext context, Func<RateLimitOptions, int> permits)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
        var user = context.User;
        var key = user.Identity?.IsAuthenticated == true
            ? $"{user.FindFirst(ClaimNames.Role)?.Value}:{user.FindFirst(ClaimNames.Subject)?.Value}"
            : $"anonymous:{context.Connection.RemoteIpAddress}";
        var limit = permits(options);
        return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = limit,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });
    }
}
