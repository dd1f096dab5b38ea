using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace EgenvardRegistry.Infrastructure.Http;

/// <summary>
/// <c>Http:*</c>: the reverse proxies whose <c>X-Forwarded-For</c>/<c>X-Forwarded-Proto</c> the service believes, and
/// <c>Api:ShowExplorer</c> for the Swagger UI.
/// </summary>
public sealed class HttpOptions
{
    public const string Section = "Http";

    /// <summary>IP addresses of the proxies in front of the service (e.g. the load balancer that ends TLS).</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Networks of such proxies in CIDR form, e.g. <c>10.0.0.0/8</c>.</summary>
    public string[] KnownNetworks { get; set; } = [];
}

/// <summary>
/// Other origins the pages' forms may lead to. A form's POST that is answered with a redirect elsewhere (signing out at
/// the identity provider, or being sent to sign in again after the cookie expired) is checked against
/// <c>form-action</c> too, so the provider's origin belongs there.
/// </summary>
public sealed class SecurityHeaderOptions
{
    public List<string> FormTargets { get; } = [];
}

/// <summary>
/// The headers every response carries, so a browser treats the registry's pages as what they are: pages with children's
/// health data that nobody may frame, sniff, cache or follow to another site with a referrer.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>Pages: everything from the site itself, nothing inline (the one script is a file), no framing.</summary>
    public const string PagePolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>JSON and problem details render nothing: a browser that opens one may load nothing.</summary>
    public const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'";

    /// <summary>
    /// The Swagger UI (Development by default) and the Hangfire Dashboard set element styles inline; scripts still come
    /// from the site only.
    /// </summary>
    public const string ToolPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; " +
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary><paramref name="policy"/> with <paramref name="targets"/> beside <c>'self'</c> in <c>form-action</c>.</summary>
    public static string WithFormTargets(string policy, IReadOnlyCollection<string> targets) =>
        targets.Count == 0 ? policy
            : policy.Replace("form-action 'self'", $"form-action 'self' {string.Join(' ', targets)}", StringComparison.Ordinal);

    public static IServiceCollection AddSecurityHeaders(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HttpOptions>().BindConfiguration(HttpOptions.Section);
        services.AddHsts(hsts =>
        {
            hsts.MaxAge = TimeSpan.FromDays(365);
            hsts.IncludeSubDomains = true;
        });
        var options = configuration.GetSection(HttpOptions.Section).Get<HttpOptions>() ?? new HttpOptions();
        services.Configure<ForwardedHeadersOptions>(forwarded =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in options.KnownProxies)
            {
                forwarded.KnownProxies.Add(IPAddress.TryParse(proxy, out var address)
                    ? address
                    : throw new InvalidOperationException($"Http:KnownProxies: '{proxy}' is not an IP address."));
            }
            foreach (var network in options.KnownNetworks)
            {
                forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network, out var parsed)
                    ? parsed
                    : throw new InvalidOperationException($"Http:KnownNetworks: '{network}' is not a network in CIDR form (10.0.0.0/8)."));
            }
        });
        return services;
    }

    /// <summary>
    /// Forwarded headers from the configured proxies first (so <c>Request.IsHttps</c> is true behind TLS termination and
    /// cookies are <c>Secure</c>), then HSTS outside Development (sent on HTTPS only), then the headers on every response.
    /// </summary>
    public static IApplicationBuilder UseSecurityHeaders(this WebApplication app)
    {
        var options = app.Configuration.GetSection(HttpOptions.Section).Get<HttpOptions>() ?? new HttpOptions();
        if (options.KnownProxies.Length > 0 || options.KnownNetworks.Length > 0)
        {
            app.UseForwardedHeaders();
        }
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }
        var targets = app.Services.GetRequiredService<IOptions<SecurityHeaderOptions>>().Value.FormTargets;
        var (pagePolicy, toolPolicy) = (WithFormTargets(PagePolicy, targets), WithFormTargets(ToolPolicy, targets));
        return app.Use((context, next) =>
        {
            // On starting, not now: the exception handler clears the headers of a response it replaces.
            context.Response.OnStarting(() =>
            {
                Apply(context, pagePolicy, toolPolicy);
                return Task.CompletedTask;
            });
            return next(context);
        });
    }

    private static void Apply(HttpContext context, string pagePolicy, string toolPolicy)
    {
        var headers = context.Response.Headers;
        var path = context.Request.PathBase.Add(context.Request.Path); // the dashboard runs under a path base
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XFrameOptions = "DENY";
        headers.ContentSecurityPolicy = HttpRegistration.IsMachineFacing(path) ? ApiPolicy
            : path.StartsWithSegments("/swagger") || path.StartsWithSegments(Scheduling.SchedulerRegistration.DashboardPath) ? toolPolicy
            : pagePolicy;
        // Anything an endpoint answered may show a child's data; static files (no endpoint) may be cached.
        if (context.GetEndpoint() is not null && string.IsNullOrEmpty(headers.CacheControl))
        {
            headers.CacheControl = "no-store";
        }
    }
}
