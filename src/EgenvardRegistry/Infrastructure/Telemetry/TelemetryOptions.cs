using System.ComponentModel.DataAnnotations;

namespace EgenvardRegistry.Infrastructure.Telemetry;

/// <summary>
/// Where metrics go (<c>Telemetry:*</c>). Without <see cref="OtlpEndpoint"/> nothing is exported and the OpenTelemetry
/// SDK is not even registered: the instruments still exist, and cost next to nothing while no one listens.
/// </summary>
public sealed class TelemetryOptions : IValidatableObject
{
    public const string Section = "Telemetry";

    /// <summary>
    /// The base address of an OTLP/HTTP receiver (an OpenTelemetry Collector's port 4318, say); metrics are posted as
    /// protobuf to <c>v1/metrics</c> under it, as <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> would be read.
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>The <c>service.name</c> the metrics are exported under.</summary>
    public string ServiceName { get; set; } = "egenvard-registry";

    /// <summary>How often the metrics are exported.</summary>
    public TimeSpan ExportInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Whether an endpoint is set, read straight from configuration: whether the SDK is registered at all decides which
    /// services exist, so it is needed before options can be bound. A value that is set but wrong stops the start.
    /// </summary>
    public static bool ExportConfiguredIn(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[$"{Section}:{nameof(OtlpEndpoint)}"]);

    /// <summary>Where the exporter posts: <c>v1/metrics</c> under <see cref="OtlpEndpoint"/>; null when it is unset or not valid.</summary>
    public Uri? MetricsEndpoint() =>
        Uri.TryCreate(OtlpEndpoint?.Trim(), UriKind.Absolute, out var endpoint) && endpoint.Scheme is "http" or "https"
            ? new Uri(endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/v1/metrics")
            : null;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(OtlpEndpoint) && MetricsEndpoint() is null)
        {
            yield return new ValidationResult(
                $"Telemetry:OtlpEndpoint must be an absolute http or https URL, e.g. 'http://otel-collector:4318', not '{OtlpEndpoint}'.",
                [nameof(OtlpEndpoint)]);
        }
        if (string.IsNullOrWhiteSpace(ServiceName))
        {
            yield return new ValidationResult("Telemetry:ServiceName must not be empty.", [nameof(ServiceName)]);
        }
        if (ExportInterval < TimeSpan.FromMilliseconds(100) || ExportInterval > TimeSpan.FromHours(1))
        {
            yield return new ValidationResult(
                $"Telemetry:ExportInterval must be between 00:00:00.1 and 01:00:00, not '{ExportInterval}'.", [nameof(ExportInterval)]);
        }
    }
}
