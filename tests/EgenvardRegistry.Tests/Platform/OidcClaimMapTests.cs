using System.Security.Claims;
using EgenvardRegistry.Infrastructure.Auth;

namespace EgenvardRegistry.Tests.Platform;

/// <summary>The provider's claims as the registry's (pure: no host).</summary>
public sealed class OidcClaimMapTests
{
    private static readonly OidcClaimMap Siths = new(new Dictionary<string, string>
    {
        [ClaimNames.Role] = "egenvard_roll",
        [ClaimNames.HsaId] = "employeeHsaId",
        [ClaimNames.CareUnit] = "healthCareUnitHsaId",
    });

    private static ClaimsPrincipal Provider(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(claim => new Claim(claim.Type, claim.Value)), "provider"));

    private static Dictionary<string, string> Mapped(ClaimsPrincipal principal) =>
        principal.Claims.ToDictionary(claim => claim.Type, claim => claim.Value);

    [Test]
    public void ProvidersNames_BecomeOurs_AndNothingElseIsKept()
    {
        var mapped = Siths.ToRegistryPrincipal(Provider(
            ("sub", "abc"), ("name", "Karin Berg"), ("egenvard_roll", "clinician"), ("employeeHsaId", " SE2321000016-K7BG "),
            ("healthCareUnitHsaId", "SE2321000016-D1AB"), ("iss", "https://idp"), ("hsa_id", "SE2321000016-XXXX")), "oidc");

        Assert.That(Mapped(mapped), Is.EquivalentTo(new Dictionary<string, string>
        {
            ["sub"] = "abc", ["name"] = "Karin Berg", ["role"] = "clinician", ["hsa_id"] = "SE2321000016-K7BG",
            ["care_unit"] = "SE2321000016-D1AB",
        }), "our hsa_id comes from employeeHsaId, never from a claim the provider happens to call hsa_id");
        Assert.That(mapped.Identity!.IsAuthenticated, Is.True);
        Assert.That(mapped.Identity.Name, Is.EqualTo("Karin Berg"));
    }

    [Test]
    public void UnmappedClaims_AreReadUnderOurOwnNames()
    {
        var map = new OidcClaimMap(new Dictionary<string, string>());

        var mapped = map.ToRegistryPrincipal(Provider(("sub", "s"), ("role", "school"), ("school_unit", "12345678")), "oidc");

        Assert.That(Mapped(mapped), Is.EquivalentTo(new Dictionary<string, string>
        {
            ["sub"] = "s", ["role"] = "school", ["school_unit"] = "12345678",
        }));
        Assert.That(map.ProviderClaims, Is.EquivalentTo(OidcClaimMap.Ours));
    }

    [Test]
    public void SeveralRoleValues_TheFirstTheRegistryKnowsCounts_UnknownOnesAreDropped()
    {
        var several = Siths.ToRegistryPrincipal(Provider(("sub", "s"), ("egenvard_roll", "nurse"), ("egenvard_roll", "admin")), "oidc");
        var unknown = Siths.ToRegistryPrincipal(Provider(("sub", "s"), ("egenvard_roll", "nurse")), "oidc");

        Assert.That(several.FindFirst(ClaimNames.Role)?.Value, Is.EqualTo(Roles.Admin));
        Assert.That(unknown.FindFirst(ClaimNames.Role), Is.Null);
        Assert.That(Caller.FromPrincipal(unknown, new DateOnly(2026, 11, 23)), Is.Null, "no access: 'Ingen behörighet'");
    }

    [Test]
    public void NoName_IsMadeOfGivenAndFamilyName_EmptyValuesAreLeftOut()
    {
        var mapped = Siths.ToRegistryPrincipal(Provider(
            ("sub", "s"), ("given_name", "Per"), ("family_name", "Ek"), ("employeeHsaId", "  ")), "oidc");

        Assert.That(mapped.FindFirst(ClaimNames.Name)?.Value, Is.EqualTo("Per Ek"));
        Assert.That(mapped.FindFirst(ClaimNames.HsaId), Is.Null);
    }
}
