using System.Net;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.Tests.Platform;

[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class AuthenticationTests(Engine engine) : IntegrationTest(engine)
{
    private static Dictionary<string, string> AdminClaims() => new() { ["sub"] = "a", ["name"] = "A", ["role"] = "admin" };

    private async Task<HttpStatusCode> GuardianListStatus(string token)
    {
        using var response = await Client(token).GetAsync("/api/guardians/me/certificates");
        return response.StatusCode;
    }

    [Test]
    public async Task Token_SignedWithAnotherKey_Returns401()
    {
        var foreign = new AuthOptions
        {
            SigningKey = "another-key-that-is-also-long-enough-for-hs256",
            Issuer = RegistryApp.Auth.Issuer,
            Audience = RegistryApp.Auth.Audience,
        };
        var claims = new Dictionary<string, string> { ["sub"] = "g", ["name"] = "G", ["role"] = "guardian", ["pnr"] = Tokens.GuardianPnr };

        Assert.That(await GuardianListStatus(Tokens.Mint(claims, options: foreign)), Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await GuardianListStatus(Tokens.Mint(claims)), Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Token_ThatHasExpired_Returns401()
    {
        var token = Tokens.Mint(AdminClaims(), lifetime: TimeSpan.FromMinutes(10), issuedAt: DateTimeOffset.UtcNow.AddHours(-1));

        using var response = await Client(token).GetAsync($"/api/certificates/{Guid.NewGuid()}");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [TestCase("issuer")]
    [TestCase("audience")]
    public async Task Token_ForAnotherIssuerOrAudience_Returns401(string which)
    {
        var options = new AuthOptions
        {
            SigningKey = RegistryApp.Auth.SigningKey,
            Issuer = which == "issuer" ? "someone-else" : RegistryApp.Auth.Issuer,
            Audience = which == "audience" ? "another-api" : RegistryApp.Auth.Audience,
        };

        using var response = await Client(Tokens.Mint(AdminClaims(), options: options)).GetAsync($"/api/certificates/{Guid.NewGuid()}");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [TestCase("clinician", "care_unit", "SE123")]
    [TestCase("clinician", "hsa_id", "")]
    [TestCase("school", "school_unit", "1234")]
    [TestCase("guardian", "pnr", "")]
    [TestCase("nurse", "sub", "x")]
    public async Task Token_WithoutWhatItsRoleNeeds_Returns403(string role, string claim, string value)
    {
        var claims = new Dictionary<string, string>(DevTokens.Defaults.GetValueOrDefault(role) ?? DevTokens.Defaults["admin"])
        {
            ["role"] = role,
            [claim] = value,
        };

        using var response = await Client(Tokens.Mint(claims)).GetAsync($"/api/certificates/{Guid.NewGuid()}");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
    }

    [Test]
    public async Task MintTokenCommand_MakesATokenTheApiAccepts_WithClaimOverrides()
    {
        var token = DevTokens.FromCommandLine(RegistryApp.Auth, ["guardian", $"pnr={Tokens.OtherGuardianPnr}"], DateTimeOffset.UtcNow);
        await IssueOk(Samples.Certificate(guardianPnr: Tokens.OtherGuardianPnr));

        using var response = await Client(token).GetAsync("/api/guardians/me/certificates");
        var items = (await response.ReadJson())["items"]!.AsArray();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(items, Has.Count.EqualTo(1));
    }

    [Test]
    public void MintTokenCommand_UnknownRoleOrBadClaim_SaysHowToUseIt()
    {
        Assert.That(() => DevTokens.FromCommandLine(RegistryApp.Auth, ["nurse"], DateTimeOffset.UtcNow),
            Throws.ArgumentException.With.Message.Contains("Usage: mint-token"));
        Assert.That(() => DevTokens.FromCommandLine(RegistryApp.Auth, ["admin", "oops"], DateTimeOffset.UtcNow),
            Throws.ArgumentException.With.Message.Contains("claim=value"));
    }
}
