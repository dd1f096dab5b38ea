using EgenvardRegistry.Infrastructure.Auth;

namespace EgenvardRegistry.Tests.Infrastructure;

/// <summary>
/// The people of the <see cref="TestIdentityProvider"/> in the sign-in tests, with claims under SITHS-like and
/// municipality-like names that <see cref="ClaimMap"/> maps to the registry's. Some arrive only from user info.
/// </summary>
public static class OidcPeople
{
    public const string Clinician = "3f5e1c2a-karin";
    public const string School = "9b7d4e10-per";
    public const string Guardian = "c1a2b3d4-sara";
    public const string NoRole = "77aa0c31-olle";
    public const string UnknownRole = "5e5e5e5e-eva";
    public const string ClinicianWithoutUnit = "0d0d0d0d-kim";

    public const string ClinicianHsaId = "SE2321000016-K7BG";
    public const string CareUnit = "SE2321000016-D1AB";
    public const string SchoolUnit = "12345678";

    /// <summary><c>Auth:Oidc:Claims:*</c> for this provider: ours → theirs.</summary>
    public static readonly IReadOnlyDictionary<string, string> ClaimMap = new Dictionary<string, string>
    {
        [ClaimNames.Role] = "egenvard_roll",
        [ClaimNames.HsaId] = "employeeHsaId",
        [ClaimNames.CareUnit] = "healthCareUnitHsaId",
        [ClaimNames.SchoolUnit] = "skolenhetskod",
        [ClaimNames.Personnummer] = "personalIdentityNumber",
        [ClaimNames.Profession] = "title",
    };

    public static readonly IReadOnlyList<TestIdentityProvider.User> All =
    [
        new(Clinician, "Karin Berg, sjuksköterska (SITHS)",
            new Dictionary<string, string>
            {
                ["name"] = "Karin Berg", ["egenvard_roll"] = Roles.Clinician, ["employeeHsaId"] = ClinicianHsaId,
                ["title"] = "Sjuksköterska",
            },
            new Dictionary<string, string> { ["healthCareUnitHsaId"] = CareUnit }),
        new(School, "Per Ek, skolsköterska (kommunens inloggning)",
            new Dictionary<string, string> { ["given_name"] = "Per", ["family_name"] = "Ek", ["egenvard_roll"] = Roles.School },
            new Dictionary<string, string> { ["skolenhetskod"] = SchoolUnit }),
        new(Guardian, "Sara Lind, vårdnadshavare (BankID)",
            new Dictionary<string, string>
            {
                ["name"] = "Sara Lind", ["egenvard_roll"] = Roles.Guardian, ["personalIdentityNumber"] = "198204112380",
            }),
        new(NoRole, "Olle Utan Roll",
            new Dictionary<string, string> { ["name"] = "Olle Utan Roll" }),
        new(UnknownRole, "Eva med okänd roll",
            new Dictionary<string, string> { ["name"] = "Eva Okänd", ["egenvard_roll"] = "nurse" }),
        new(ClinicianWithoutUnit, "Kim, vård utan vårdenhet",
            new Dictionary<string, string>
            {
                ["name"] = "Kim Utan Enhet", ["egenvard_roll"] = Roles.Clinician, ["employeeHsaId"] = ClinicianHsaId,
            }),
    ];
}
