using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace EgenvardRegistry.Infrastructure.Auth;

/// <summary>
/// Mints HS256 tokens with the configured development key: <c>dotnet run -- mint-token clinician</c> prints one.
/// Only for development and tests; production tokens come from the OIDC authority.
/// </summary>
public static class DevTokens
{
    /// <summary>Demo identities for each role; any claim can be overridden with <c>name=value</c>.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Defaults =
        new Dictionary<string, IReadOnlyDictionary<string, string>>
        {
            [Roles.Clinician] = new Dictionary<string, string>
            {
                [ClaimNames.Subject] = "clinician-demo",
                [ClaimNames.Name] = "Karin Berg",
                [ClaimNames.HsaId] = "SE2321000016-K7BG",
                [ClaimNames.CareUnit] = "SE2321000016-D1AB",
                [ClaimNames.Profession] = "Sjuksköterska",
            },
            [Roles.School] = new Dictionary<string, string>
            {
                [ClaimNames.Subject] = "school-demo",
                [ClaimNames.Name] = "Per Ek",
                [ClaimNames.SchoolUnit] = "12345678",
                [ClaimNames.SchoolUnitName] = "Solbackeskolan",
            },
            [Roles.Guardian] = new Dictionary<string, string>
            {
                [ClaimNames.Subject] = "guardian-demo",
                [ClaimNames.Name] = "Sara Lind",
                [ClaimNames.Personnummer] = "198204112380",
            },
            [Roles.Admin] = new Dictionary<string, string>
            {
                [ClaimNames.Subject] = "admin-demo",
                [ClaimNames.Name] = "Regionadministratör",
            },
        };

    public static string Mint(AuthOptions options, IReadOnlyDictionary<string, string> claims, DateTimeOffset now, TimeSpan lifetime)
    {
        if (string.IsNullOrEmpty(options.SigningKey))
        {
            throw new InvalidOperationException("Auth:SigningKey is not set; development tokens need it.");
        }
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + lifetime).UtcDateTime,
            Claims = claims.ToDictionary(claim => claim.Key, claim => (object)claim.Value),
            SigningCredentials = new SigningCredentials(AuthRegistration.SigningKey(options), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    /// <summary>Handles <c>mint-token ROLE [claim=value …]</c> from the command line.</summary>
    public static string FromCommandLine(AuthOptions options, IReadOnlyList<string> arguments, DateTimeOffset now)
    {
        if (arguments.Count == 0 || !Defaults.TryGetValue(arguments[0], out var defaults))
        {
            throw new ArgumentException($"Usage: mint-token {string.Join('|', Roles.All)} [claim=value ...]");
        }
        var claims = new Dictionary<string, string>(defaults) { [ClaimNames.Role] = arguments[0] };
        foreach (var argument in arguments.Skip(1))
        {
            var parts = argument.Split('=', 2);
            if (parts.Length != 2)
            {
                throw new ArgumentException($"'{argument}' is not claim=value.");
            }
            claims[parts[0]] = parts[1];
        }
        return Mint(options, claims, now, TimeSpan.FromHours(8));
    }
}
