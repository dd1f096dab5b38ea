using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace EgenvardRegistry.Infrastructure.Auth;

/// <summary>
/// Sign-in to the pages through the region's or municipality's OpenID Connect provider (<c>Auth:Oidc:*</c>):
/// authorization code flow with PKCE. Off unless <see cref="Authority"/> is set; then unauthenticated page visits go to
/// the provider instead of the development sign-in page.
/// </summary>
public sealed class OidcOptions : IValidatableObject
{
    public const string Section = "Auth:Oidc";
    public const string DefaultScopes = "openid profile";

    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>Space-separated, as in OAuth; <c>openid</c> is always asked for.</summary>
    public string Scopes { get; set; } = DefaultScopes;

    /// <summary>
    /// Our claim name (<see cref="OidcClaimMap.Ours"/>) → the provider's, e.g. <c>hsa_id</c> → <c>employeeHsaId</c>. A claim
    /// left out is read under our own name.
    /// </summary>
    public Dictionary<string, string> Claims { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Tests and local development only: the provider may be reached over plain HTTP (no HTTPS metadata) and the sign-in's
    /// correlation cookies are sent over HTTP. Never on by default; refused in Production.
    /// </summary>
    public bool AllowHttp { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);

    public IReadOnlyList<string> ScopeList =>
        ["openid", .. Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(scope => scope != "openid").Distinct(StringComparer.Ordinal)];

    public OidcClaimMap ClaimMap => new(Claims);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var anySet = Enabled || !string.IsNullOrWhiteSpace(ClientId) || !string.IsNullOrWhiteSpace(ClientSecret) || Claims.Count > 0;
        if (!anySet)
        {
            yield break;
        }
        if (!Enabled)
        {
            yield return new ValidationResult(
                "Auth:Oidc:Authority is required when any Auth:Oidc setting is given (the identity provider's address).",
                [nameof(Authority)]);
        }
        else if (!Uri.TryCreate(Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("https" or "http"))
        {
            yield return new ValidationResult($"Auth:Oidc:Authority '{Authority}' is not an absolute https address.", [nameof(Authority)]);
        }
        else if (authority.Scheme == "http" && !AllowHttp)
        {
            yield return new ValidationResult(
                $"Auth:Oidc:Authority '{Authority}' must use https (Auth:Oidc:AllowHttp is for tests and local development).",
                [nameof(Authority)]);
        }
        if (string.IsNullOrWhiteSpace(ClientId))
        {
            yield return new ValidationResult("Auth:Oidc:ClientId is required with Auth:Oidc:Authority.", [nameof(ClientId)]);
        }
        if (string.IsNullOrWhiteSpace(ClientSecret))
        {
            yield return new ValidationResult("Auth:Oidc:ClientSecret is required with Auth:Oidc:Authority.", [nameof(ClientSecret)]);
        }
        if (Scopes.Any(character => character is '"' or '\\' || (char.IsControl(character) || character > '~')))
        {
            yield return new ValidationResult(
                "Auth:Oidc:Scopes must be scope names separated by spaces (e.g. \"openid profile\").", [nameof(Scopes)]);
        }
        foreach (var (ours, theirs) in Claims)
        {
            if (!OidcClaimMap.Ours.Contains(ours, StringComparer.OrdinalIgnoreCase))
            {
                yield return new ValidationResult(
                    $"Auth:Oidc:Claims:{ours} is not a registry claim; map one of {string.Join(", ", OidcClaimMap.Ours)}.",
                    [nameof(Claims)]);
            }
            else if (string.IsNullOrWhiteSpace(theirs))
            {
                yield return new ValidationResult(
                    $"Auth:Oidc:Claims:{ours} is empty: name the identity provider's claim, or leave the key out.", [nameof(Claims)]);
            }
        }
    }
}

/// <summary>
/// What <see cref="OidcOptions"/> cannot check alone: plain HTTP to the provider in Production, and a second way of signing
/// in to the pages (the trusted proxy's header) beside it, where which one counts would depend on the request.
/// </summary>
public sealed class OidcOptionsCheck(IHostEnvironment environment, IOptions<AuthOptions> auth) : IValidateOptions<OidcOptions>
{
    public ValidateOptionsResult Validate(string? name, OidcOptions options)
    {
        if (options.AllowHttp && environment.IsProduction())
        {
            return ValidateOptionsResult.Fail(
                "Auth:Oidc:AllowHttp is for tests and local development; in Production the identity provider is reached over https.");
        }
        if (options.Enabled && !string.IsNullOrEmpty(auth.Value.TrustedProxyHeader))
        {
            return ValidateOptionsResult.Fail(
                "Set either Auth:Oidc:Authority (the service signs people in) or Auth:TrustedProxyHeader (a proxy in front of it " +
                "does), not both.");
        }
        return ValidateOptionsResult.Success;
    }
}
