using EgenvardRegistry.Infrastructure.Mail;
using Microsoft.Extensions.Options;

// The namespace .NET uses for AddXxx extensions, so Program.cs calls this without a using of its own.
namespace Microsoft.Extensions.DependencyInjection;

public static partial class MailRegistration
{
    /// <summary>
    /// Mail options, validated at start, and the one <see cref="IEmailSender"/>: SMTP when <c>Smtp:Host</c> is set,
    /// otherwise <c>.eml</c> files in <c>Mail:PickupDirectory</c>.
    /// </summary>
    public static IServiceCollection AddRegistryMail(this IServiceCollection services)
    {
        services.AddOptions<SmtpOptions>()
            .BindConfiguration(SmtpOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<MailOptions>()
            .BindConfiguration(MailOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddSingleton<IEmailSender>(provider =>
        {
            var smtp = provider.GetRequiredService<IOptions<SmtpOptions>>().Value;
            var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(IEmailSender).Namespace!);
            if (smtp.UsesRelay)
            {
                LogRelay(logger, smtp.Host!, smtp.Port, smtp.Security ?? "starttls");
                return ActivatorUtilities.CreateInstance<SmtpEmailSender>(provider);
            }
            // A relative path is relative to the content root, like the SQLite file, so `dotnet run` finds it from anywhere.
            var directory = Path.GetFullPath(
                provider.GetRequiredService<IOptions<MailOptions>>().Value.PickupDirectory,
                provider.GetRequiredService<IHostEnvironment>().ContentRootPath);
            LogPickup(logger, directory);
            return new PickupDirectoryEmailSender(
                directory,
                smtp.FromAddress(),
                provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<ILogger<PickupDirectoryEmailSender>>());
        });
        return services;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Mail goes to the SMTP relay {Host}:{Port}, Smtp:Security={Security}")]
    private static partial void LogRelay(ILogger logger, string host, int port, string security);

    [LoggerMessage(Level = LogLevel.Information, Message = "No Smtp:Host is set: mail is written as .eml files to {Directory}")]
    private static partial void LogPickup(ILogger logger, string directory);
}
