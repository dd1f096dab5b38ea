using EgenvardRegistry.Infrastructure.KeyRing;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;

// The namespace .NET uses for AddXxx extensions, so Program.cs calls this without a using of its own.
namespace Microsoft.Extensions.DependencyInjection;

public static class KeyRingRegistration
{
    /// <summary>
    /// ASP.NET Core Data Protection with the key ring every node shares: in the registry database, or in
    /// <c>DataProtection:KeyFolder</c>; encrypted to the certificate in <c>DataProtection:CertificatePath</c> when set;
    /// under <c>DataProtection:ApplicationName</c>.
    /// </summary>
    public static IServiceCollection AddRegistryKeyRing(this IServiceCollection services, IConfiguration configuration,
        IHostEnvironment environment)
    {
        // The same settings, validated at start: a bad one stops the service with a message naming it.
        services.AddOptions<KeyRingOptions>()
            .BindConfiguration(KeyRingOptions.Section)
            .PostConfigure<IHostEnvironment>((options, host) => options.ResolvePaths(host.ContentRootPath))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // The builder takes values, not options (the certificate it decrypts with is registered internally), so the
        // settings are read here; one the validation above refuses is left out, and the start stops on it anyway.
        var options = configuration.GetSection(KeyRingOptions.Section).Get<KeyRingOptions>() ?? new KeyRingOptions();
        options.ResolvePaths(environment.ContentRootPath);
        services.AddHostedService<KeyRingCheck>(); // before AddDataProtection's own hosted service, which makes the first key
        var protection = services.AddDataProtection().SetApplicationName(options.ApplicationName);
        if (string.IsNullOrWhiteSpace(options.KeyFolder))
        {
            services.AddSingleton<DatabaseXmlRepository>();
            services.AddOptions<KeyManagementOptions>().Configure<DatabaseXmlRepository>((keys, database) => keys.XmlRepository = database);
        }
        else
        {
            protection.PersistKeysToFileSystem(new DirectoryInfo(options.KeyFolder));
        }
        if (options.TryLoadCertificate() is { } certificate)
        {
            protection.ProtectKeysWithCertificate(certificate);
        }
        return services;
    }
}
