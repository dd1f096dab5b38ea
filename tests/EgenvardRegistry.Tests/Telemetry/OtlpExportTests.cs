using EgenvardRegistry.Infrastructure.Telemetry;
using EgenvardRegistry.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace EgenvardRegistry.Tests.Telemetry;

/// <summary>
/// Off by default, so the embedded service sends nothing anywhere; with <c>Telemetry:OtlpEndpoint</c> set, the metrics
/// reach a real OTLP/HTTP receiver, and nothing that identifies a child goes with them.
/// </summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class OtlpExportTests(Engine engine) : IntegrationTest(engine)
{
    private const string ServiceName = "egenvard-registry-under-test";

    private OtlpReceiver _receiver = null!;
    private TestDatabase _database = null!;
    private RegistryApp _app = null!;

    [OneTimeSetUp]
    public async Task StartHostExportingToAReceiver()
    {
        _receiver = await OtlpReceiver.StartAsync();
        _database = await TestDatabase.CreateAsync(Engine);
        _app = new RegistryApp(_database, new Dictionary<string, string?>
        {
            ["Telemetry:OtlpEndpoint"] = _receiver.Endpoint.ToString(),
            ["Telemetry:ServiceName"] = ServiceName,
            ["Telemetry:ExportInterval"] = "00:00:00.2",
        });
        _ = _app.Server;
    }

    [OneTimeTearDown]
    public async Task StopHost()
    {
        // The host's last export goes out while the receiver still listens. Each is null when the set-up failed before it.
        await (_app?.DisposeAsync() ?? ValueTask.CompletedTask);
        await (_database?.DisposeAsync() ?? ValueTask.CompletedTask);
        await (_receiver?.DisposeAsync() ?? ValueTask.CompletedTask);
    }

    protected override Task<RegistryApp> HostAsync() => Task.FromResult(_app);

    [Test]
    public async Task WithoutAnEndpoint_NoMeterProviderIsRegistered()
    {
        var embedded = await TestHosts.For(Engine);

        Assert.That(embedded.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value.OtlpEndpoint, Is.Null);
        Assert.That(embedded.Services.GetService<MeterProvider>(), Is.Null);
        Assert.That(embedded.Services.GetRequiredService<RegistryMetrics>(), Is.Not.Null, "the instruments exist all the same");
        Assert.That(App.Services.GetService<MeterProvider>(), Is.Not.Null, "and with one, there is a provider");
    }

    [Test]
    public async Task WithAnEndpoint_ExportsTheRegistrysMetricsOverOtlpHttp_WithNoIdentifierInThem()
    {
        var certificate = await IssueOk();
        var seen = _receiver.Exports.Count;

        var valid = await Verify(Samples.ChildPnr, "insulin");
        var none = await Verify(Samples.OtherChildPnr, "insulin");
        var export = await Eventually.Until(() => Task.FromResult(_receiver.Exports.Skip(seen).ToList()),
            exports => exports.Any(e => e.Text.Contains("egenvard.verification.duration", StringComparison.Ordinal)),
            "an export with the verification metrics");

        Assert.That((valid["reason"]!.GetValue<string>(), none["reason"]!.GetValue<string>()), Is.EqualTo(("valid", "none")));
        Assert.That(export.Select(e => (e.Path, e.ContentType)), Is.All.EqualTo(("/v1/metrics", "application/x-protobuf")));
        var text = string.Concat(export.Select(e => e.Text));
        Assert.That(new[] { RegistryMetrics.MeterName, "egenvard.verifications", "outcome", "valid", "none", ServiceName, "service.instance.id" },
            Is.All.Matches<string>(expected => text.Contains(expected, StringComparison.Ordinal)));
        Assert.That(text, Does.Contain("http.server.request.duration").And.Contain("/api/verifications"),
            "ASP.NET Core's metrics go along");
        if (Engine == Engine.Postgres)
        {
            Assert.That(text, Does.Contain("Npgsql"), "and Npgsql's");
        }
        string[] forbidden =
        [
            .. Identifiers.PersonnummerForms(Samples.ChildPnr), .. Identifiers.PersonnummerForms(Samples.OtherChildPnr),
            (await ChildId(Samples.ChildPnr))!, certificate.ToString(), Tokens.SchoolUnit,
        ];
        var everything = string.Concat(_receiver.Exports.Select(e => e.Text));
        Assert.That(forbidden.Where(value => everything.Contains(value, StringComparison.OrdinalIgnoreCase)), Is.Empty);
    }
}
