using EgenvardRegistry.Infrastructure.Mail;
using MailKit.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EgenvardRegistry.Tests.Infrastructure;

/// <summary>Which sender the service uses, and mail settings that stop it at start with a message naming them.</summary>
public sealed class MailRegistrationTests
{
    [Test]
    public void AddRegistryMail_WithoutSmtpHost_WritesToThePickupFolderUnderTheContentRoot()
    {
        var contentRoot = Directory.CreateTempSubdirectory("egenvard-content-root-").FullName;
        using var host = Build(contentRoot, []);

        var sender = host.Services.GetRequiredService<IEmailSender>();

        Assert.That(sender, Is.InstanceOf<PickupDirectoryEmailSender>());
        Assert.That(((PickupDirectoryEmailSender)sender).Directory, Is.EqualTo(Path.Combine(contentRoot, "data", "mail")));
        Assert.That(Directory.Exists(Path.Combine(contentRoot, "data")), Is.False, "the folder appears with the first message");
        Directory.Delete(contentRoot);
    }

    [Test]
    public void AddRegistryMail_WithAnAbsolutePickupDirectory_UsesIt()
    {
        var folder = Path.Combine(Path.GetTempPath(), "egenvard-pickup");
        using var host = Build(Path.GetTempPath(), new() { ["Mail:PickupDirectory"] = folder });

        var sender = host.Services.GetRequiredService<IEmailSender>();

        Assert.That(((PickupDirectoryEmailSender)sender).Directory, Is.EqualTo(folder));
    }

    [Test]
    public void AddRegistryMail_WithSmtpHost_SendsThroughTheRelayWithStartTlsByDefault()
    {
        using var host = Build(Path.GetTempPath(), new()
        {
            ["Smtp:Host"] = "smtp.region.example.se",
            ["Smtp:Port"] = "587",
            ["Smtp:From"] = "Egenvårdsregistret <noreply@region.example.se>",
            ["Smtp:UserName"] = "egenvard",
            ["Smtp:Password"] = "secret",
        });

        var sender = host.Services.GetRequiredService<IEmailSender>();
        var options = host.Services.GetRequiredService<IOptions<SmtpOptions>>().Value;

        Assert.That(sender, Is.InstanceOf<SmtpEmailSender>());
        Assert.That((options.Port, options.SocketOptions(), options.TimeoutSeconds), Is.EqualTo((587, SecureSocketOptions.StartTls, 30)));
    }

    [TestCase("starttls", 587, SecureSocketOptions.StartTls)]
    [TestCase("StartTLS", 587, SecureSocketOptions.StartTls)]
    [TestCase("tls", 465, SecureSocketOptions.SslOnConnect)]
    [TestCase("none", 25, SecureSocketOptions.None)]
    public async Task Start_WithSmtpSecurity_ConnectsThatWay(string security, int port, SecureSocketOptions expected)
    {
        await using var database = await TestDatabase.CreateAsync(Engine.Sqlite);
        await using var app = new RegistryApp(database, new Dictionary<string, string?>
        {
            ["Smtp:Host"] = "relay.example.se",
            ["Smtp:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Smtp:From"] = "noreply@example.se",
            ["Smtp:Security"] = security,
        });

        _ = app.Server;

        Assert.That(app.Services.GetRequiredService<IOptions<SmtpOptions>>().Value.SocketOptions(), Is.EqualTo(expected));
    }

    [Test]
    public async Task Start_WithARelay_UsesSmtpInTheRunningService()
    {
        await using var database = await TestDatabase.CreateAsync(Engine.Sqlite);
        await using var app = new RegistryApp(database, new Dictionary<string, string?>
        {
            ["Smtp:Host"] = "127.0.0.1",
            ["Smtp:From"] = "noreply@region.example.se",
        });

        Assert.That(app.Services.GetRequiredService<IEmailSender>(), Is.InstanceOf<SmtpEmailSender>());
    }

    [TestCase("Smtp:Host=relay.example.se", "Smtp:From")]
    [TestCase("Smtp:Host=relay.example.se;Smtp:From=Egenvårdsregistret", "Smtp:From")]
    [TestCase("Smtp:From=noreply(at)example.se", "Smtp:From")]
    [TestCase("Smtp:Host=relay.example.se;Smtp:From=noreply@example.se;Smtp:Port=0", "Smtp:Port")]
    [TestCase("Smtp:Host=relay.example.se;Smtp:From=noreply@example.se;Smtp:Port=70000", "Smtp:Port")]
    [TestCase("Smtp:Host=relay.example.se;Smtp:From=noreply@example.se;Smtp:Security=ssl", "Smtp:Security")]
    [TestCase("Smtp:Host=relay.example.se;Smtp:From=noreply@example.se;Smtp:Security=", "Smtp:Security")]
    [TestCase("Smtp:Host=relay.example.se;Smtp:From=noreply@example.se;Smtp:EnableSsl=true", "Smtp:Security")]
    [TestCase("Smtp:Host=smtp://relay.example.se:587;Smtp:From=noreply@example.se", "Smtp:Host")]
    [TestCase("Smtp:Host=relay.example.se;Smtp:From=noreply@example.se;Smtp:UserName=egenvard", "Smtp:Password")]
    [TestCase("Smtp:TimeoutSeconds=0", "Smtp:TimeoutSeconds")]
    [TestCase("Mail:PickupDirectory=", "Mail:PickupDirectory")]
    public async Task Start_WithABadMailSetting_FailsNamingIt(string settings, string named)
    {
        await using var database = await TestDatabase.CreateAsync(Engine.Sqlite);
        await using var app = new RegistryApp(database, settings.Split(';')
            .Select(setting => setting.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => (string?)pair[1]));

        Assert.That(() => app.Server, Throws.InstanceOf<OptionsValidationException>().With.Message.Contains(named));
    }

    [Test]
    public async Task Start_WithAPortThatIsNotANumber_FailsNamingIt()
    {
        await using var database = await TestDatabase.CreateAsync(Engine.Sqlite);
        await using var app = new RegistryApp(database, new Dictionary<string, string?> { ["Smtp:Port"] = "twenty-five" });

        Assert.That(() => app.Server, Throws.InstanceOf<InvalidOperationException>().With.Message.Contains("Smtp:Port"));
    }

    [Test]
    public void Validate_PasswordIsNeverQuoted()
    {
        var options = new SmtpOptions { Host = "relay.example.se", From = "bad", Password = "hunter2-secret" };

        var messages = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options))
            .Select(result => result.ErrorMessage).ToList();

        Assert.That(messages, Has.Count.EqualTo(2));
        Assert.That(messages, Has.None.Contains("hunter2-secret"));
    }

    private static IHost Build(string contentRoot, Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = contentRoot,
            DisableDefaults = true,
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddRegistryMail();
        return builder.Build();
    }
}
