using System.ComponentModel.DataAnnotations;
using System.Text;

namespace EgenvardRegistry.Infrastructure.Auth;

/// <summary>
/// Bearer-token settings (<c>Auth:*</c>). Production names an OIDC <see cref="Authority"/>; development and tests
/// sign their own HS256 tokens with <see cref="SigningKey"/>.
/// </summary>
public sealed class AuthOptions : IValidatableObject
{
    public const string Section = "Auth";
    public const int MinimumKeyBytes = 32;

    public string? SigningKey { get; set; }

    public string? Issuer { get; set; }

    public string? Audience { get; set; }

    public string? Authority { get; set; }

    /// <summary>
    /// For the web pages behind a trusted reverse proxy that signs people in with the region's identity provider: the
    /// request header in which the proxy passes the user's token (e.g. <c>X-Forwarded-Access-Token</c>). The proxy must
    /// strip this header from what clients send. Unset, pages use the sign-in cookie only.
    /// </summary>
    public string? TrustedProxyHeader { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var hasKey = !string.IsNullOrEmpty(SigningKey);
        if (hasKey && !string.IsNullOrWhiteSpace(Authority))
        {
            yield return new ValidationResult(
                "Set either Auth:Authority (OIDC) or Auth:SigningKey (HS256 development tokens), not both: which tokens " +
                "the service believes must not depend on which setting wins.", [nameof(Authority), nameof(SigningKey)]);
        }
        if (!hasKey && string.IsNullOrWhiteSpace(Authority))
        {
            yield return new ValidationResult(
                "Set Auth:Authority (OIDC) or Auth:SigningKey (HS256 development tokens): the service cannot authenticate anyone.",
                [nameof(Authority), nameof(SigningKey)]);
        }
        if (hasKey && Encoding.UTF8.GetByteCount(SigningKey!) < MinimumKeyBytes)
        {
            yield return new ValidationResult(
                $"Auth:SigningKey must be at least {MinimumKeyBytes} bytes of UTF-8.", [nameof(SigningKey)]);
        }
        if (hasKey && string.IsNullOrWhiteSpace(Issuer))
        {
            yield return new ValidationResult("Auth:Issuer is required with Auth:SigningKey.", [nameof(Issuer)]);
        }
        if (string.IsNullOrWhiteSpace(Audience))
        {
            yield return new ValidationResult("Auth:Audience is required.", [nameof(Audience)]);
        }
    }
}
