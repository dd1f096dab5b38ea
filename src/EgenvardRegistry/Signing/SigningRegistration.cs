using EgenvardRegistry.Signing;
using Microsoft.Extensions.Options;

// The namespace .NET uses for AddXxx extensions, so Program.cs calls this without a using of its own.
namespace Microsoft.Extensions.DependencyInjection;

public static class SigningRegistration
{
    /// <summary>
    /// <c>Signing:*</c>, validated at start (outside Development a missing or unreadable key stops the service), the key
    /// ring, loaded at start so a Development key is created then, the store, and the published revocation list.
    /// </summary>
    public static IServiceCollection AddSigning(this IServiceCollection services)
    {
        services.AddOptions<SigningOptions>()
            .BindConfiguration(SigningOptions.Section)
            .PostConfigure<IHostEnvironment>((options, host) => options.Resolve(host.ContentRootPath, host.IsDevelopment()))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton(provider => new SigningKeyRing(provider.GetRequiredService<IOptions<SigningOptions>>()));
        services.AddHostedService<SigningKeyRingStart>();
        services.AddSingleton<SigningStore>();
        services.AddSingleton<RevocationLists>();
        return services;
    }

    private sealed class SigningKeyRingStart(SigningKeyRing ring) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            _ = ring.Current;
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
