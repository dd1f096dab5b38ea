using EgenvardRegistry.Infrastructure.Mail;
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
        services.AddSingleton<IValidateOptions<ReminderOptions>, LeaseCheck>();
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

/// <summary>
/// A claimed batch must be sendable within its lease even when every message waits out the whole SMTP time-out;
/// otherwise the lease runs out mid-batch, another node takes the rest, and guardians get the same e-mail twice.
/// Only with a relay: writing to the pickup folder does not wait on anyone.
/// </summary>
public sealed class LeaseCheck(IOptions<SmtpOptions> smtp) : IValidateOptions<ReminderOptions>
{
    public ValidateOptionsResult Validate(string? name, ReminderOptions options)
    {
        SmtpOptions relay;
        try
        {
            relay = smtp.Value;
        }
        catch (OptionsValidationException)
        {
            return ValidateOptionsResult.Skip; // the relay's own settings are wrong, and their check says how
        }
        var worstBatch = TimeSpan.FromSeconds((double)options.BatchSize * relay.TimeoutSeconds);
        return relay.UsesRelay && worstBatch >= options.Lease
            ? ValidateOptionsResult.Fail(
                $"Reminders:BatchSize ({options.BatchSize}) × Smtp:TimeoutSeconds ({relay.TimeoutSeconds}) is {worstBatch}, " +
                $"not shorter than Reminders:Lease ({options.Lease}): a slow relay would outlast the claim and messages would " +
                "be sent twice. Lower the batch size or the time-out, or lengthen the lease.")
            : ValidateOptionsResult.Success;
    }
}
