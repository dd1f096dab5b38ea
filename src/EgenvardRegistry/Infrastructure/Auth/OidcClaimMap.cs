using System.Security.Claims;

namespace EgenvardRegistry.Infrastructure.Auth;

/// <summary>
/// Turns what an identity provider says about a person into the registry's own claims (<see cref="ClaimNames"/>). Swedish
/// providers name them differently (SITHS for health care, BankID/Freja for guardians, municipalities' providers for
/// schools), so <c>Auth:Oidc:Claims:*</c> says under which name each one arrives. Only the mapped claims are kept.
/// </summary>
public sealed class OidcClaimMap(IReadOnlyDictionary<string, string> theirsByOurs)
{
    /// <summary>The claims the registry reads, and so the keys <c>Auth:Oidc:Claims:*</c> may have.</summary>
    public static readonly IReadOnlyList<string> Ours =
    [
        ClaimNames.Subject, ClaimNames.Name, ClaimNames.Role, ClaimNames.HsaId, ClaimNames.CareUnit, ClaimNames.SchoolUnit,
        ClaimNames.Personnummer, ClaimNames.Profession,
    ];

    /// <summary>The provider's name for one of ours: the mapped one, else our own.</summary>
    public string Theirs(string ours) =>
        theirsByOurs.TryGetValue(ours, out var theirs) && !string.IsNullOrWhiteSpace(theirs) ? theirs.Trim() : ours;

    /// <summary>Every claim name to read from the provider's ID token and user info.</summary>
    public IReadOnlyList<string> ProviderClaims => [.. Ours.Select(Theirs).Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// The registry's identity for <paramref name="provider"/>'s person: each of our claims from its mapped name (first
    /// non-empty value); of several role values the first the registry knows; the name, if the provider gives none under
    /// the mapped name, from <c>given_name</c> and <c>family_name</c>. A person with no known role still gets an identity:
    /// the pages then show "Ingen behörighet" and let them sign out.
    /// </summary>
    public ClaimsPrincipal ToRegistryPrincipal(ClaimsPrincipal provider, string authenticationType)
    {
        var claims = new List<Claim>();
        foreach (var ours in Ours)
        {
            var values = provider.FindAll(Theirs(ours)).Select(claim => claim.Value.Trim()).Where(value => value.Length > 0);
            var value = ours == ClaimNames.Role ? values.FirstOrDefault(Roles.All.Contains) : values.FirstOrDefault();
            if (ours == ClaimNames.Name && value is null)
            {
                var parts = new[] { provider.FindFirst("given_name")?.Value, provider.FindFirst("family_name")?.Value }
                    .Where(part => !string.IsNullOrWhiteSpace(part)).Select(part => part!.Trim());
                value = string.Join(' ', parts) is { Length: > 0 } full ? full : null;
            }
            if (value is not null)
            {
                claims.Add(new Claim(ours, value));
            }
        }
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, ClaimNames.Name, ClaimNames.Role));
    }
}
