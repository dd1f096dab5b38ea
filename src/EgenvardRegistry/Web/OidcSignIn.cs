using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace EgenvardRegistry.Web;

/// <summary>
/// Sign-in to the pages through an OpenID Connect provider (<see cref="OidcOptions"/>): the authorization code flow with
/// PKCE, the provider's claims mapped to the registry's (<see cref="OidcClaimMap"/>) and kept in the pages' cookie, and a
/// sign-out that ends the provider's session too. The provider calls back at <see cref="CallbackPath"/> and, after
/// signing out, <see cref="SignedOutCallbackPath"/>.
/// </summary>
public static partial class OidcSignIn
{
    public const string Scheme = OpenIdConnectDefaults.AuthenticationScheme;
    public const string CallbackPath = "/signin-oidc";
    public const string SignedOutCallbackPath = "/signout-callback-oidc";

    /// <summary>Where a finished sign-out lands: the page that says so.</summary>
    public const string SignedOutPage = "/logga-ut";

    /// <summary>Where a sign-in the provider refused or that could not be completed lands.</summary>
    public const string FailedPage = "/fel/401";

    public static AuthenticationBuilder AddOidcSignIn(this AuthenticationBuilder authentication)
    {
        authentication.AddOpenIdConnect(Scheme, _ => { });
        authentication.Services.AddOptions<OpenIdConnectOptions>(Scheme)
            .Configure<IOptions<OidcOptions>>((oidc, settings) => Configure(oidc, settings.Value));
        return authentication;
    }

    /// <summary>The provider's origin, which the pages' forms may be redirected to (a sign-out, a sign-in after a POST).</summary>
    public static string? Origin(OidcOptions options) =>
        Uri.TryCreate(options.Authority, UriKind.Absolute, out var authority) ? authority.GetLeftPart(UriPartial.Authority) : null;

    private static void Configure(OpenIdConnectOptions oidc, OidcOptions settings)
    {
        oidc.Authority = settings.Authority;
        oidc.ClientId = settings.ClientId;
        oidc.ClientSecret = settings.ClientSecret;
        oidc.ResponseType = OpenIdConnectResponseType.Code;
        oidc.UsePkce = true;
        oidc.Scope.Clear();
        foreach (var scope in settings.ScopeList)
        {
            oidc.Scope.Add(scope);
        }
        oidc.SignInScheme = WebRegistration.CookieScheme;
        oidc.SignOutScheme = WebRegistration.CookieScheme;
        oidc.CallbackPath = CallbackPath;
        oidc.SignedOutCallbackPath = SignedOutCallbackPath;
        oidc.SignedOutRedirectUri = SignedOutPage;
        oidc.MapInboundClaims = false;
        oidc.GetClaimsFromUserInfoEndpoint = true;
        // Only the ID token is kept (for the sign-out's id_token_hint), not the access token the pages never use.
        oidc.SaveTokens = false;
        oidc.RequireHttpsMetadata = !settings.AllowHttp;
        if (settings.AllowHttp)
        {
            // Tests and local development over plain HTTP: a SameSite=None cookie must be Secure, so these would be dropped.
            foreach (var cookie in new[] { oidc.CorrelationCookie, oidc.NonceCookie })
            {
                cookie.SameSite = SameSiteMode.Lax;
                cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            }
        }
        var map = settings.ClaimMap;
        // Claims the provider gives only from its user-info endpoint reach the principal under their own names.
        foreach (var claim in map.ProviderClaims)
        {
            oidc.ClaimActions.MapUniqueJsonKey(claim, claim);
        }
        oidc.Events = new OpenIdConnectEvents
        {
            OnTokenValidated = context =>
            {
                var idToken = context.TokenEndpointResponse?.IdToken ?? context.ProtocolMessage.IdToken;
                if (!string.IsNullOrEmpty(idToken))
                {
                    context.Properties!.StoreTokens([new AuthenticationToken { Name = OpenIdConnectParameterNames.IdToken, Value = idToken }]);
                }
                return Task.CompletedTask;
            },
            OnTicketReceived = context =>
            {
                context.Principal = map.ToRegistryPrincipal(context.Principal!, Scheme);
                LogWithoutAccess(context, map);
                return Task.CompletedTask;
            },
            OnRemoteFailure = context =>
            {
                // The provider's error (the person cancelled, say) or a broken callback: a Swedish page, never a 500.
                SignInFailed(Logger(context.HttpContext), context.Failure?.Message);
                context.Response.Redirect(FailedPage);
                context.HandleResponse();
                return Task.CompletedTask;
            },
            OnRedirectToIdentityProviderForSignOut = context =>
            {
                // A provider that publishes no end-session endpoint: the registry's own session has ended; say so, not 500.
                if (string.IsNullOrEmpty(context.ProtocolMessage.IssuerAddress))
                {
                    NoEndSessionEndpoint(Logger(context.HttpContext));
                    context.Response.Redirect(SignedOutPage);
                    context.HandleResponse();
                }
                return Task.CompletedTask;
            },
        };
    }

    /// <summary>
    /// Says which of the registry's claims a sign-in lacked, so an operator can correct the claim map. Names only: the
    /// values may be a personnummer.
    /// </summary>
    private static void LogWithoutAccess(TicketReceivedContext context, OidcClaimMap map)
    {
        var today = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>().TodayInStockholm();
        if (Caller.FromPrincipal(context.Principal!, today) is not null)
        {
            return;
        }
        var role = context.Principal!.FindFirst(ClaimNames.Role)?.Value;
        var needed = role switch
        {
            Roles.Clinician => [ClaimNames.Subject, ClaimNames.HsaId, ClaimNames.CareUnit],
            Roles.School => [ClaimNames.Subject, ClaimNames.SchoolUnit],
            Roles.Guardian => [ClaimNames.Subject, ClaimNames.Personnummer],
            _ => new[] { ClaimNames.Subject, ClaimNames.Role },
        };
        SignedInWithoutAccess(Logger(context.HttpContext), role ?? "none",
            string.Join(", ", needed.Select(ours => $"{ours} (from '{map.Theirs(ours)}')")));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in through the identity provider failed: {Error}")]
    private static partial void SignInFailed(ILogger logger, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The identity provider publishes no end_session_endpoint; signed out of the registry only")]
    private static partial void NoEndSessionEndpoint(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "A person signed in through the identity provider has no access to the registry (role {Role}); check these claims and their values: {Claims}")]
    private static partial void SignedInWithoutAccess(ILogger logger, string role, string claims);

    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OidcSignIn).FullName!);
}
