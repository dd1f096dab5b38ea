using EgenvardRegistry.Infrastructure.Auth;

namespace EgenvardRegistry.Tests.Infrastructure;

/// <summary>Bearer tokens for the test identities, signed with the test key.</summary>
public static class Tokens
{
    public const string CareUnit = "SE2321000016-D1AB";
    public const string OtherCareUnit = "SE2321000016-X9YZ";
    public const string SchoolUnit = "12345678";
    public const string OtherSchoolUnit = "87654321";
    public const string GuardianPnr = "198204112380";
    public const string OtherGuardianPnr = "198112189876";

    public static string Clinician(string careUnit = CareUnit, string sub = "clinician-1") => Mint(new()
    {
        ["sub"] = sub, ["name"] = "Karin Berg", ["role"] = "clinician",
        ["hsa_id"] = "SE2321000016-K7BG", ["care_unit"] = careUnit, ["profession"] = "Sjuksköterska",
    });

    public static string School(string schoolUnit = SchoolUnit, string? unitName = null)
    {
        var claims = new Dictionary<string, string>
        {
            ["sub"] = $"school-{schoolUnit}", ["name"] = "Per Ek", ["role"] = "school", ["school_unit"] = schoolUnit,
        };
        if (unitName is not null)
        {
            claims["school_unit_name"] = unitName;
        }
        return Mint(claims);
    }

    public static string Guardian(string personnummer = GuardianPnr) => Mint(new()
    {
        ["sub"] = $"guardian-{personnummer[^4..]}", ["name"] = "Sara Lind", ["role"] = "guardian", ["pnr"] = personnummer,
    });

    public static string Admin() => Mint(new() { ["sub"] = "admin-1", ["name"] = "Admin", ["role"] = "admin" });

    /// <summary>Tokens are checked against the real clock by the JWT handler, so they are minted on it too.</summary>
    public static string Mint(Dictionary<string, string> claims, TimeSpan? lifetime = null, DateTimeOffset? issuedAt = null,
        AuthOptions? options = null) =>
        DevTokens.Mint(options ?? RegistryApp.Auth, claims, issuedAt ?? DateTimeOffset.UtcNow, lifetime ?? TimeSpan.FromHours(1));
}
