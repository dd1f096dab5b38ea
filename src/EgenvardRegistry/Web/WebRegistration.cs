using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Http;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.WebEncoders;

namespace EgenvardRegistry.Web;

/// <summary>Policies for the web pages: the same role rules as the API, but proven by the sign-in cookie.</summary>
public static class WebPolicies
{
    public const string Clinician = "page-clinician";
    public const string School = "page-school";
    public const string Guardian = "page-guardian";
    public const string Admin = "page-admin";

    /// <summary>Any signed-in role; the page itself decides what that caller may see, as the API does.</summary>
    public const string AnyRole = "page-any-role";
}

/// <summary>
/// Server-rendered pages in Swedish (Razor Pages under <c>Web/Pages</c>). They call the same rules and stores as the
/// API, so every authorisation check, validation and audit event is the API's own. They sign people in with a
/// cookie, never with the API's bearer tokens, so a page's cookie cannot be used to call the API.
/// </summary>
public static class WebRegistration
{
    public const string CookieScheme = CookieAuthenticationDefaults.AuthenticationScheme;

    /// <summary>The pages' sign-in cookie.</summary>
    public const string CookieName = "egenvard";

    /// <summary>A token passed by the trusted reverse proxy in <see cref="AuthOptions.TrustedProxyHeader"/>.</summary>
    public const string ProxyScheme = "TrustedProxy";

    /// <summary>What pages authenticate with: the proxy's token when the request carries one, else the cookie.</summary>
    public const string PageScheme = "Pages";

    /// <summary>The default: bearer tokens for the API (never the cookie, so a page's cookie cannot call it), pages' scheme elsewhere.</summary>
    public const string DefaultScheme = "ApiOrPages";

    /// <summary>
    /// The pages, their sign-in cookie and, when <c>Auth:Oidc:Authority</c> is set in <paramref name="configuration"/>, sign-in
    /// through that OpenID Connect provider (read here only to decide whether to register it; the settings themselves
    /// are validated options).
    /// </summary>
    public static IServiceCollection AddRegistryWeb(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OidcOptions>()
            .BindConfiguration(OidcOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<OidcOptions>, OidcOptionsCheck>();
        var oidc = configuration.GetSection(OidcOptions.Section).Get<OidcOptions>() ?? new OidcOptions();

        services.AddRazorPages(pages =>
        {
            pages.RootDirectory = "/Web/Pages";
            pages.Conventions.AuthorizeFolder("/Vard", WebPolicies.Clinician);
            pages.Conventions.AuthorizeFolder("/Skola", WebPolicies.School);
            pages.Conventions.AuthorizeFolder("/Vardnadshavare", WebPolicies.Guardian);
            pages.Conventions.AuthorizeFolder("/Admin", WebPolicies.Admin);
            pages.Conventions.AuthorizeFolder("/Intyg", WebPolicies.AnyRole);
        });
        services.AddScoped<UnitNames>();
        // Swedish letters as themselves, not as &#xE5; entities: the pages are read as source by tests and screen readers alike.
        services.Configure<WebEncoderOptions>(encoder => encoder.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        var authentication = services.AddAuthentication(DefaultScheme)
            .AddPolicyScheme(DefaultScheme, "API or pages", scheme => scheme.ForwardDefaultSelector = context =>
                HttpRegistration.IsApi(context.Request.Path) ? JwtBearerDefaults.AuthenticationScheme : PageScheme)
            .AddPolicyScheme(PageScheme, "Pages", scheme =>
            {
                scheme.ForwardDefaultSelector = context =>
                {
                    var header = context.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value.TrustedProxyHeader;
                    return !string.IsNullOrEmpty(header) && context.Request.Headers.ContainsKey(header) ? ProxyScheme : CookieScheme;
                };
                // With a provider (never beside a trusted proxy: that stops the start) a visit without a cookie goes there,
                // not to the development sign-in page; refusals still come from the cookie ("Ingen behörighet").
                if (oidc.Enabled)
                {
                    scheme.ForwardChallenge = OidcSignIn.Scheme;
                }
            })
            .AddJwtBearer(ProxyScheme)
            .AddCookie(CookieScheme, cookie =>
        {
            cookie.LoginPath = "/logga-in";
            cookie.LogoutPath = "/logga-ut";
            cookie.AccessDeniedPath = "/ingen-behorighet";
            cookie.Cookie.Name = CookieName;
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
            cookie.SlidingExpiration = true;
        });
        if (oidc.Enabled)
        {
            authentication.AddOidcSignIn();
            if (OidcSignIn.Origin(oidc) is { } origin)
            {
                services.Configure<SecurityHeaderOptions>(headers => headers.FormTargets.Add(origin));
            }
        }
        // The proxy's token is validated exactly as the API's bearer tokens are; only where it is read from differs.
        services.AddOptions<JwtBearerOptions>(ProxyScheme).Configure<IOptions<AuthOptions>>((jwt, auth) =>
        {
            AuthRegistration.Configure(jwt, auth.Value);
            jwt.Events = new JwtBearerEvents
            {
                OnMessageReceived = context =>
                {
                    var header = auth.Value.TrustedProxyHeader;
                    if (!string.IsNullOrEmpty(header) && context.Request.Headers.TryGetValue(header, out var token))
                    {
                        context.Token = token.ToString();
                    }
                    else
                    {
                        context.NoResult();
                    }
                    return Task.CompletedTask;
                },
            };
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(WebPolicies.Clinician, policy => Page(policy, Roles.Clinician))
            .AddPolicy(WebPolicies.School, policy => Page(policy, Roles.School))
            .AddPolicy(WebPolicies.Guardian, policy => Page(policy, Roles.Guardian))
            .AddPolicy(WebPolicies.Admin, policy => Page(policy, Roles.Admin))
            .AddPolicy(WebPolicies.AnyRole, policy => Page(policy, [.. Roles.All]));
        return services;
    }

    private static void Page(Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder policy, params string[] roles) =>
        policy.AddAuthenticationSchemes(PageScheme).AddRequirements(new CallerRequirement(roles));

    /// <summary>The page a role lands on after signing in.</summary>
    public static string HomeFor(string role) => role switch
    {
        Roles.Clinician => "/vard",
        Roles.School => "/skola",
        Roles.Guardian => "/vardnadshavare",
        Roles.Admin => "/admin",
        _ => "/",
    };
}
