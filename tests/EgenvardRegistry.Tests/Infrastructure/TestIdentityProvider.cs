using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace EgenvardRegistry.Tests.Infrastructure;

/// <summary>
/// A real OpenID Connect provider for the sign-in tests: OpenIddict's server in degraded mode (no database; the few
/// checks a client store would make are inline handlers here), ephemeral keys, on Kestrel at a free loopback port over
/// plain HTTP. Its authorization endpoint shows a tiny login form to choose one of <see cref="User"/>s and remembers the
/// choice in a session cookie of its own, so a second sign-in is silent until its end-session endpoint is called, as a
/// real provider's single sign-on is. It issues some claims in the ID token and others only from its user-info endpoint.
/// </summary>
public sealed class TestIdentityProvider : IAsyncDisposable
{
    public const string ClientId = "egenvard-registry";
    public const string ClientSecret = "test-client-secret-for-the-registry";
    public const string SessionCookie = "test-idp-session";
    public const string UserField = "test_idp_user";

    /// <summary>The login form's "Avbryt": the provider answers the registry with <c>access_denied</c>.</summary>
    public const string Cancel = "avbryt";
    private const string SessionScheme = "TestIdpSession";

    /// <summary>A person the provider knows: claims under the provider's own names, some in the ID token, some only in user info.</summary>
    public sealed record User(
        string Id,
        string Label,
        IReadOnlyDictionary<string, string> IdTokenClaims,
        IReadOnlyDictionary<string, string>? UserInfoClaims = null);

    /// <summary>One call of the end-session endpoint: whose ID token came as the hint (null without one), and where it returned to.</summary>
    public sealed record EndSession(string? HintSubject, string? PostLogoutRedirectUri);

    private readonly WebApplication _app;
    private readonly IReadOnlyDictionary<string, User> _users;
    private readonly ConcurrentQueue<EndSession> _endSessions = new();
    private int _loginFormsShown;

    private TestIdentityProvider(WebApplication app, IReadOnlyDictionary<string, User> users) => (_app, _users) = (app, users);

    /// <summary>The issuer and the address the registry's <c>Auth:Oidc:Authority</c> names, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Authority { get; private set; } = null!;

    public IReadOnlyList<EndSession> EndSessions => [.. _endSessions];

    /// <summary>How often the login form was shown (a silent single sign-on shows none).</summary>
    public int LoginFormsShown => Volatile.Read(ref _loginFormsShown);

    /// <summary>The settings that point the registry at this provider (plain HTTP allowed: a test setting).</summary>
    public Dictionary<string, string?> RegistrySettings(IReadOnlyDictionary<string, string>? claimMap = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Auth:Oidc:Authority"] = Authority.ToString(),
            ["Auth:Oidc:ClientId"] = ClientId,
            ["Auth:Oidc:ClientSecret"] = ClientSecret,
            ["Auth:Oidc:Scopes"] = "openid profile egenvard",
            ["Auth:Oidc:AllowHttp"] = "true",
        };
        foreach (var (ours, theirs) in claimMap ?? new Dictionary<string, string>())
        {
            settings[$"Auth:Oidc:Claims:{ours}"] = theirs;
        }
        return settings;
    }

    public static async Task<TestIdentityProvider> StartAsync(IEnumerable<User> users)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Testing",
            ApplicationName = "EgenvardRegistry.Tests.IdentityProvider",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.Services.AddAuthentication(SessionScheme)
            .AddCookie(SessionScheme, cookie => cookie.Cookie.Name = SessionCookie);
        builder.Services.AddAuthorization();
        var byId = users.ToDictionary(user => user.Id);
        builder.Services.AddOpenIddict().AddServer(server =>
        {
            server.SetAuthorizationEndpointUris("connect/authorize")
                .SetTokenEndpointUris("connect/token")
                .SetUserInfoEndpointUris("connect/userinfo")
                .SetEndSessionEndpointUris("connect/endsession");
            server.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
            server.RegisterScopes(Scopes.OpenId, Scopes.Profile, "egenvard");
            server.AddEphemeralSigningKey().AddEphemeralEncryptionKey().DisableAccessTokenEncryption();
            server.EnableDegradedMode().DisableTokenStorage().DisableAuthorizationStorage();
            server.UseAspNetCore()
                .EnableAuthorizationEndpointPassthrough()
                .EnableEndSessionEndpointPassthrough()
                .DisableTransportSecurityRequirement();
            server.AddEventHandler<ValidateAuthorizationRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.ClientId != ClientId)
                {
                    context.Reject(Errors.InvalidClient, "Unknown client.");
                }
                else if (!IsRegistryAddress(context.RedirectUri, "/signin-oidc"))
                {
                    context.Reject(Errors.InvalidRequest, "The redirect_uri is not the registry's /signin-oidc.");
                }
                return default;
            }));
            server.AddEventHandler<ValidateTokenRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.Request.ClientId != ClientId || context.Request.ClientSecret != ClientSecret)
                {
                    context.Reject(Errors.InvalidClient, "Wrong client credentials.");
                }
                return default;
            }));
            server.AddEventHandler<ValidateEndSessionRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.PostLogoutRedirectUri is not null && !IsRegistryAddress(context.PostLogoutRedirectUri, "/signout-callback-oidc"))
                {
                    context.Reject(Errors.InvalidRequest, "The post_logout_redirect_uri is not the registry's /signout-callback-oidc.");
                }
                return default;
            }));
            server.AddEventHandler<HandleUserInfoRequestContext>(handler => handler
                .UseInlineHandler(context =>
                {
                    var subject = context.AccessTokenPrincipal?.GetClaim(Claims.Subject);
                    if (subject is not null && byId.TryGetValue(subject, out var user))
                    {
                        foreach (var (name, value) in user.UserInfoClaims ?? new Dictionary<string, string>())
                        {
                            context.Claims[name] = value;
                        }
                    }
                    return default;
                })
                .SetOrder(OpenIddictServerHandlers.UserInfo.AttachClaims.Descriptor.Order + 1_000));
        });

        var app = builder.Build();
        var provider = new TestIdentityProvider(app, byId);
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapMethods("/connect/authorize", [HttpMethods.Get, HttpMethods.Post], (Func<HttpContext, Task<IResult>>)provider.AuthorizeAsync);
        app.MapMethods("/connect/endsession", [HttpMethods.Get, HttpMethods.Post], (Func<HttpContext, Task<IResult>>)provider.EndSessionAsync);
        await app.StartAsync();
        provider.Authority = new Uri(app.Urls.First() + "/");
        return provider;
    }

    private static bool IsRegistryAddress(string? address, string path) =>
        Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.IsLoopback && uri.AbsolutePath == path;

    private async Task<IResult> AuthorizeAsync(HttpContext context)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        string? chosen = null;
        if (HttpMethods.IsPost(context.Request.Method) && context.Request.Form.TryGetValue(UserField, out var field))
        {
            chosen = field.ToString();
        }
        else if (await context.AuthenticateAsync(SessionScheme) is { Succeeded: true } session)
        {
            chosen = session.Principal.FindFirst(Claims.Subject)?.Value;
        }
        if (chosen == Cancel)
        {
            return Results.Forbid(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }
        if (chosen is null || !_users.TryGetValue(chosen, out var user))
        {
            Interlocked.Increment(ref _loginFormsShown);
            return Results.Content(LoginForm(request), "text/html; charset=utf-8");
        }
        await context.SignInAsync(SessionScheme,
            new ClaimsPrincipal(new ClaimsIdentity([new Claim(Claims.Subject, user.Id)], SessionScheme)));

        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, user.Id).SetDestinations(Destinations.IdentityToken, Destinations.AccessToken));
        foreach (var (name, value) in user.IdTokenClaims)
        {
            identity.AddClaim(new Claim(name, value).SetDestinations(Destinations.IdentityToken));
        }
        var principal = new ClaimsPrincipal(identity);
        principal.SetScopes(request.GetScopes());
        return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private async Task<IResult> EndSessionAsync(HttpContext context)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var hint = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        _endSessions.Enqueue(new EndSession(hint.Principal?.GetClaim(Claims.Subject), request.PostLogoutRedirectUri));
        await context.SignOutAsync(SessionScheme);
        return Results.SignOut(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    /// <summary>The provider's own page: a button per person, posting the authorization request back with the choice.</summary>
    private string LoginForm(OpenIddictRequest request)
    {
        var html = new StringBuilder("""
            <!DOCTYPE html>
            <html lang="sv"><head><meta charset="utf-8"><title>Test-IdP: logga in</title></head>
            <body><h1>Test-IdP: logga in</h1>
            <form method="post" action="/connect/authorize">
            """);
        foreach (var (name, value) in request.GetParameters())
        {
            if (name != UserField)
            {
                html.Append(CultureInfo.InvariantCulture, $"""<input type="hidden" name="{WebUtility.HtmlEncode(name)}" value="{WebUtility.HtmlEncode((string?)value)}">""");
            }
        }
        foreach (var user in _users.Values)
        {
            html.Append(CultureInfo.InvariantCulture, $"""<p><button type="submit" name="{UserField}" value="{WebUtility.HtmlEncode(user.Id)}">{WebUtility.HtmlEncode(user.Label)}</button></p>""");
        }
        html.Append(CultureInfo.InvariantCulture, $"""<p><button type="submit" name="{UserField}" value="{Cancel}">Avbryt</button></p>""");
        return html.Append("</form></body></html>").ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
