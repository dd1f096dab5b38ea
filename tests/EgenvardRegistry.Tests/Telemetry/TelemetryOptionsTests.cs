using EgenvardRegistry.Infrastructure.Telemetry;
using EgenvardRegistry.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace EgenvardRegistry.Tests.Telemetry;

public sealed class TelemetryOptionsTests
{
    [TestCase("Telemetry:OtlpEndpoint", "otel-collector:4318", "Telemetry:OtlpEndpoint must be an absolute http or https URL")]
    [TestCase("Telemetry:OtlpEndpoint", "ftp://otel-collector/", "Telemetry:OtlpEndpoint")]
    [TestCase("Telemetry:OtlpEndpoint", "/v1/metrics", "Telemetry:OtlpEndpoint")]
    [TestCase("Telemetry:ExportInterval", "00:00:00", "Telemetry:ExportInterval must be between")]
    [TestCase("Telemetry:ServiceName", " ", "Telemetry:ServiceName")]
    public async Task Start_WithABadSetting_FailsNamingIt(string key, string value, string named)
    {
        await using var database = await TestDatabase.CreateAsync(Engine.Sqlite);
        await using var app = new RegistryApp(database, new Dictionary<string, string?> { [key] = value });

        Assert.That(() => app.Server, Throws.InstanceOf<OptionsValidationException>().With.Message.Contains(named));
    }

    [TestCase("http://otel-collector:4318", "http://otel-collector:4318/v1/metrics")]
    [TestCase("https://otel.region.example.se/", "https://otel.region.example.se/v1/metrics")]
    [TestCase("http://gateway/otlp", "http://gateway/otlp/v1/metrics")]
    [TestCase(" http://127.0.0.1:4318/ ", "http://127.0.0.1:4318/v1/metrics")]
    public void MetricsEndpoint_IsV1MetricsUnderTheBaseAddress(string configured, string posted)
    {
        Assert.That(new TelemetryOptions { OtlpEndpoint = configured }.MetricsEndpoint(), Is.EqualTo(new Uri(posted)));
    }
}
