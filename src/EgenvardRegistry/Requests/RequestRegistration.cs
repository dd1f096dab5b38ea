using EgenvardRegistry.Infrastructure.Scheduling;

namespace EgenvardRegistry.Requests;

public static class RequestRegistration
{
    public static IServiceCollection AddCertificateRequests(this IServiceCollection services)
    {
        services.AddOptions<RequestOptions>()
            .BindConfiguration(RequestOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<CertificateRequestStore>();
        services.AddScoped<RequestJobs>();
        services.AddRecurringJobs<RequestJobSchedule>();
        return services;
    }
}
