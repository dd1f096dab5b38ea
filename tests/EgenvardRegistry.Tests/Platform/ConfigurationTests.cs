using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EgenvardRegistry.Tests.Platform;

/// <summary>A wrong or missing setting stops the service at start, with a message that names the setting.</summary>
public sealed class ConfigurationTests
{
    [TestCase("Database:Provider", "oracle", "Database:Provider")]
    [TestCase("ConnectionStrings:Registry", "", "ConnectionStrings:Registry")]
    [TestCase("Auth:SigningKey", "too-short", "Auth:SigningKey")]
    [TestCase("Auth:SigningKey", "", "Auth:Authority")]
    [TestCase("Auth:Audience", "", "Auth:Audience")]
    [TestCase("Auth:Authority", "https://idp.region.example.se", "not both")]
    [TestCase("Reminders:Cron", "every morning at seven", "Reminders:Cron")]
    [TestCase("Reminders:Cron", "0 0 7 * * ?", "Reminders:Cron must be a standard 5-field cron expression")]
    [TestCase("Reminders:Cron", "0 7 * *", "Reminders:Cron")]
    [TestCase("Reminders:DispatchCron", "*/30 * * * * * *", "Reminders:DispatchCron")]
    [TestCase("DataProtection:ApplicationName", " ", "DataProtection:ApplicationName")]
    [TestCase("DataProtection:CertificatePath", "no-such-key-ring-certificate.pfx", "DataProtection:CertificatePath names no file")]
    [TestCase("DataProtection:CertificatePassword", "a-password", "DataProtection:CertificatePassword is set without")]
    [TestCase("Requests:ExpireAfterDays", "0", "Requests:ExpireAfterDays must be a whole number of days from 1 to 365")]
    [TestCase("Requests:ExpireAfterDays", "366", "Requests:ExpireAfterDays")]
    [TestCase("Reminders:Lease", "00:00:00", "Reminders:Lease must be between")]
    [TestCase("Signing:KeyPath", "", "Signing:KeyPath must name a PEM file with the P-256 private key")]
    [TestCase("Signing:KeyPath", "no-such-signing-key.pem", "Signing:KeyPath names no file")]
    [TestCase("Signing:KeyPath", "appsettings.json", "does not hold a readable P-256 private key")]
    public async Task Start_WithABadSetting_FailsNamingIt(string key, string value, string named)
    {
        await using var database = await TestDatabase.CreateAsync(Engine.Sqlite);
        await using var app = new RegistryApp(database, new Dictionary<string, string?> { [key] = value });

        Assert.That(() => app.Server, Throws.InstanceOf<OptionsValidationException>().With.Message.Contains(named));
    }

    [TestCase("50", "30", "00:15:00", false)]
    [TestCase("20", "30", "00:10:00", false)]
    [TestCase("20", "30", "00:15:00", true)]
    [TestCase("50", "30", "00:30:00", true)]
    [TestCase("5", "2", "00:00:11", true)]
    public async Task Relay_ABatchOfTimeOutsMustFitInTheLease(string batchSize, string timeoutSeconds, string lease, bool starts)
    {
        await using var database = await TestDatabase.CreateAsync(Engine.Sqlite);
        await using var app = new RegistryApp(database, new Dictionary<string, string?>
        {
            ["Smtp:Host"] = "127.0.0.1",
            ["Smtp:From"] = "Egenvårdsregistret <noreply@egenvard.test>",
            ["Smtp:TimeoutSeconds"] = timeoutSeconds,
            ["Reminders:BatchSize"] = batchSize,
            ["Reminders:Lease"] = lease,
        });

        if (starts)
        {
            Assert.That(() => app.Server, Throws.Nothing);
        }
        else
        {
            Assert.That(() => app.Server, Throws.InstanceOf<OptionsValidationException>()
                .With.Message.Contains($"Reminders:BatchSize ({batchSize}) × Smtp:TimeoutSeconds ({timeoutSeconds})")
                .And.Message.Contains("Reminders:Lease"));
        }
    }

    [Test]
    public async Task PickupFolder_HasNoBatchToFitInTheLease()
    {
        await using var database = await TestDatabase.CreateAsync(Engine.Sqlite);
        await using var app = new RegistryApp(database, new Dictionary<string, string?>
        {
            ["Reminders:BatchSize"] = "1000",
            ["Reminders:Lease"] = "00:00:10",
        });

        Assert.That(() => app.Server, Throws.Nothing);
    }

    [Test]
    public void Production_WithAnAuthority_ValidatesTokensAgainstItInsteadOfAKey()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Auth:Authority"] = "https://idp.region.example.se",
            ["Auth:Audience"] = "egenvard-registry",
        });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddRegistryAuth();
        using var host = builder.Build();

        var jwt = host.Services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme);

        Assert.That(jwt.Authority, Is.EqualTo("https://idp.region.example.se"));
        Assert.That(jwt.TokenValidationParameters.IssuerSigningKey, Is.Null);
        Assert.That(jwt.TokenValidationParameters.ValidAudience, Is.EqualTo("egenvard-registry"));
        Assert.That(jwt.MapInboundClaims, Is.False);
    }
}
