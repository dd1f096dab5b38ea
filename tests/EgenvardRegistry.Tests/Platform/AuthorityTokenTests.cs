using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using EgenvardRegistry.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace EgenvardRegistry.Tests.Platform;

/// <summary>
/// Tokens from the region's identity provider (<c>Auth:Authority</c>, no <c>Auth:Issuer</c>): the issuer is taken from the
/// provider's metadata and checked. The provider's metadata is the edge faked here: the key and issuer it publishes.
/// </summary>
public sealed class AuthorityTokenTests
{
    private const string Issuer = "https://idp.region.example.se";
    private readonly RsaSecurityKey _key = new(RSA.Create(2048)) { KeyId = "idp-1" };
    private TestDatabase _database = null!;
    private RegistryApp _app = null!;

    [OneTimeSetUp]
    public async Task StartService()
    {
        _database = await TestDatabase.CreateAsync(Engine.Sqlite);
        _app = new RegistryApp(_database, new Dictionary<string, string?>
        {
            ["Auth:SigningKey"] = "",
            ["Auth:Issuer"] = "",
            ["Auth:Authority"] = Issuer,
        }, services => services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, jwt =>
        {
            var metadata = new OpenIdConnectConfiguration { Issuer = Issuer };
            metadata.SigningKeys.Add(_key);
            jwt.Configuration = metadata;
            jwt.ConfigurationManager = new StaticConfigurationManager<OpenIdConnectConfiguration>(metadata);
        }));
        _ = _app.Server;
    }

    [OneTimeTearDown]
    public async Task StopService()
    {
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    private string Token(string issuer) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = issuer,
        Audience = RegistryApp.Auth.Audience,
        Subject = new ClaimsIdentity([
            new Claim("sub", "admin-1"), new Claim("name", "Admin"), new Claim("role", "admin"),
        ]),
        IssuedAt = DateTime.UtcNow,
        NotBefore = DateTime.UtcNow,
        Expires = DateTime.UtcNow.AddMinutes(10),
        SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.RsaSha256),
    });

    [Test]
    public async Task TokenFromTheAuthoritysIssuer_IsAccepted()
    {
        using var response = await _app.ClientFor(Token(Issuer)).GetAsync("/api/admin/notifications");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK),
            string.Join("\n", _app.Logs.Lines.Where(line => line.Contains("Bearer", StringComparison.Ordinal) || line.Contains("IDX", StringComparison.Ordinal))));
    }

    [Test]
    public async Task TokenNamingAnotherIssuer_IsRefused_EvenSignedWithTheSameKey()
    {
        using var response = await _app.ClientFor(Token("https://someone-else.example.se")).GetAsync("/api/admin/notifications");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.Contain("invalid_token"));
    }
}
