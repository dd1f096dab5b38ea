using EgenvardRegistry.Infrastructure.Scheduling;

namespace EgenvardRegistry.Reminders;

public static class ReminderRegistration
{
    public static IServiceCollection AddReminders(this IServiceCollection services)
    {
        services.AddOptions<ReminderOptions>()
            .BindConfiguration(ReminderOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<ReminderStore>();
        services.AddSingleton<ReminderAdminStore>();
        services.AddSingleton<ReminderCycle>();
        services.AddSingleton<IReminderCycle>(provider => provider.GetRequiredService<ReminderCycle>());
        services.AddScoped<ReminderJobs>();
        services.AddRecurringJobs<ReminderJobSchedule>();
        return services;
    }
}
