using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace EgenvardRegistry.Infrastructure.Telemetry;

public static class TelemetryRegistration
{
    /// <summary>
    /// The registry's instruments, always; the OpenTelemetry SDK with ASP.NET Core's and Npgsql's metrics and an OTLP/HTTP
    /// exporter only when <c>Telemetry:OtlpEndpoint</c> is set. Metrics only: traces and logs would carry request and
    /// log details out of the service, and the logs are written for the service's own operators.
    /// </summary>
    public static IServiceCollection AddRegistryTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TelemetryOptions>()
            .BindConfiguration(TelemetryOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddMetrics();
        services.AddSingleton<RegistryMetrics>();
        if (!TelemetryOptions.ExportConfiguredIn(configuration))
        {
            return services;
        }

        // The exporter reads these when the meter provider is built, after the options were validated at start.
        services.AddOptions<OtlpExporterOptions>().Configure<IOptions<TelemetryOptions>>((otlp, telemetry) =>
        {
            otlp.Protocol = OtlpExportProtocol.HttpProtobuf;
            otlp.Endpoint = telemetry.Value.MetricsEndpoint() ?? otlp.Endpoint;
        });
        services.AddOptions<MetricReaderOptions>().Configure<IOptions<TelemetryOptions>>((reader, telemetry) =>
            reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds =
                (int)telemetry.Value.ExportInterval.TotalMilliseconds);
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddDetector(provider =>
                new ServiceDetector(provider.GetRequiredService<IOptions<TelemetryOptions>>().Value.ServiceName)))
            .WithMetrics(metrics => metrics
                .AddMeter(RegistryMetrics.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddOtlpExporter());
        return services;
    }

    /// <summary><c>service.name</c> from the options, and an instance id of this process's own, so nodes' series stay apart.</summary>
    private sealed class ServiceDetector(string serviceName) : IResourceDetector
    {
        public Resource Detect() => ResourceBuilder.CreateEmpty()
            .AddService(serviceName, serviceVersion: typeof(ServiceDetector).Assembly.GetName().Version?.ToString())
            .Build();
    }
}
