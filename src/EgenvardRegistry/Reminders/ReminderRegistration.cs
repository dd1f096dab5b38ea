using EgenvardRegistry.Infrastructure.Scheduling;
using Microsoft.Extensions.Options;

namespace EgenvardRegistry.Reminders;

public static class ReminderRegistration
{
    public static IServiceCollection AddReminders(this IServiceCollection services)
    {
        services.AddOptions<ReminderOptions>()
            .BindConfiguration(ReminderOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ReminderOptions>, PublicBaseUrlCheck>();
        services.AddSingleton<ReminderStore>();
        services.AddSingleton<ReminderAdminStore>();
        services.AddSingleton<ReminderCycle>();
        services.AddSingleton<IReminderCycle>(provider => provider.GetRequiredService<ReminderCycle>());
        services.AddScoped<ReminderJobs>();
        services.AddRecurringJobs<ReminderJobSchedule>();
        return services;
    }
}

/// <summary>
/// Outside Development the links in e-mails and the QR codes on printed certificates must lead to the service, not to
/// the machine of whoever opens them: a <c>localhost</c> <see cref="ReminderOptions.PublicBaseUrl"/> stops the start.
/// </summary>
public sealed class PublicBaseUrlCheck(IHostEnvironment environment) : IValidateOptions<ReminderOptions>
{
    public ValidateOptionsResult Validate(string? name, ReminderOptions options) =>
        !environment.IsDevelopment() && options.PublicBaseUrl is { IsAbsoluteUri: true, IsLoopback: true }
            ? ValidateOptionsResult.Fail(
                $"Reminders:PublicBaseUrl is '{options.PublicBaseUrl}', a local address: set it to the service's public address " +
                "(links in e-mails and the QR codes on printed certificates use it).")
            : ValidateOptionsResult.Success;
}
