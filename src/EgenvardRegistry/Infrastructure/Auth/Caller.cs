using System.Reflection;
using System.Security.Claims;
// Identifiers is a shared rule set, not a feature: pure checks of Swedish identifiers with no I/O, endpoints or store,
// so Infrastructure may read claims with them and still depend on no feature.
using EgenvardRegistry.Identifiers;

namespace EgenvardRegistry.Infrastructure.Auth;

public static class Roles
{
    public const string Clinician = "clinician";
    public const string School = "school";
    public const string Guardian = "guardian";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Clinician, School, Guardian, Admin];
}

public static class ClaimNames
{
    public const string Subject = "sub";
    public const string Name = "name";
    public const string Role = "role";
    public const string HsaId = "hsa_id";
    public const string CareUnit = "care_unit";
    public const string SchoolUnit = "school_unit";

    /// <summary>Optional: the school unit's name, which a certificate request's e-mail shows the guardians.</summary>
    public const string SchoolUnitName = "school_unit_name";
    public const string Personnummer = "pnr";
    public const string Profession = "profession";
}

/// <summary>
/// The signed-in actor as the registry sees it, read from the token's claims. A handler takes a <see cref="Caller"/>
/// parameter; the authorization policies have already checked that the claims its role needs are present and valid.
/// </summary>
public sealed record Caller(
    string Role,
    string Id,
    string Name,
    string? HsaId,
    string? CareUnit,
    string? SchoolUnit,
    string? Personnummer,
    string? Profession)
{
    /// <summary>The school unit's name when the sign-in carries one (<c>school_unit_name</c>); null otherwise.</summary>
    public string? SchoolUnitName { get; init; }

    /// <summary>
    /// The unit the actor acts for: care unit for clinicians, school unit for schools. A school's unit claim is a
    /// skolenhetskod or a preschool id (<see cref="UnitId"/>), held in its canonical form.
    /// </summary>
    public string? Unit => Role switch
    {
        Roles.Clinician => CareUnit,
        Roles.School => SchoolUnit,
        _ => null,
    };

    public static Caller? FromPrincipal(ClaimsPrincipal user, DateOnly today)
    {
        if (user.Identity?.IsAuthenticated != true)
        {
            return null;
        }
        var role = user.FindFirstValue(ClaimNames.Role);
        var id = user.FindFirstValue(ClaimNames.Subject);
        if (role is null || !Roles.All.Contains(role) || string.IsNullOrWhiteSpace(id))
        {
            return null;
        }
        var schoolUnit = user.FindFirstValue(ClaimNames.SchoolUnit);
        var caller = new Caller(
            role,
            id,
            user.FindFirstValue(ClaimNames.Name) ?? id,
            user.FindFirstValue(ClaimNames.HsaId),
            user.FindFirstValue(ClaimNames.CareUnit),
            UnitId.TryParse(schoolUnit, out var unit) ? unit.Value : schoolUnit,
            Identifiers.Personnummer.TryNormalize(user.FindFirstValue(ClaimNames.Personnummer), today, out var pnr) ? pnr : null,
            user.FindFirstValue(ClaimNames.Profession))
        {
            SchoolUnitName = role == Roles.School ? UnitName(user.FindFirstValue(ClaimNames.SchoolUnitName)) : null,
        };
        return caller.HasWhatItsRoleNeeds() ? caller : null;
    }

    /// <summary>A usable unit name: one line of at most 200 characters, else none (the e-mail then names the unit by code).</summary>
    private static string? UnitName(string? value) =>
        value?.Trim() is { Length: > 0 and <= 200 } name && !name.Any(char.IsControl) ? name : null;

    private bool HasWhatItsRoleNeeds() => Role switch
    {
        Roles.Clinician => Identifiers.HsaId.IsValid(HsaId) && Identifiers.HsaId.IsValid(CareUnit),
        Roles.School => UnitId.IsValid(SchoolUnit),
        Roles.Guardian => Personnummer is not null,
        _ => true,
    };

    /// <summary>Minimal API binding: handlers declare a <see cref="Caller"/> parameter.</summary>
    public static ValueTask<Caller?> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        var today = context.RequestServices.GetRequiredService<TimeProvider>().TodayInStockholm();
        return ValueTask.FromResult(FromPrincipal(context.User, today));
    }
}
