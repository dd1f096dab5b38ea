using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace EgenvardRegistry.Tests.Telemetry;

/// <summary>
/// The receiving end of OTLP/HTTP for metrics, as a collector's port 4318 offers it: Kestrel at a free loopback port,
/// accepting <c>POST /v1/metrics</c> and keeping each request. The protobuf is not decoded: the names and values a test
/// looks for are strings in it, readable as they are.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Export> _exports = new();

    private OtlpReceiver(WebApplication app) => _app = app;

    public sealed record Export(string Path, string? ContentType, byte[] Body)
    {
        /// <summary>The body with every byte as one character, so UTF-8 strings inside the protobuf can be searched for.</summary>
        public string Text => Encoding.Latin1.GetString(Body);
    }

    /// <summary>The base address to give as <c>Telemetry:OtlpEndpoint</c>.</summary>
    public Uri Endpoint { get; private set; } = null!;

    public IReadOnlyList<Export> Exports => [.. _exports];

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Testing",
            ApplicationName = "EgenvardRegistry.Tests.OtlpReceiver",
            ContentRootPath = AppContext.BaseDirectory,
            // No file watcher: inotify instances are few and shared by every test run on the machine.
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/metrics", receiver.ReceiveAsync);
        await app.StartAsync();
        receiver.Endpoint = new Uri(app.Urls.First());
        return receiver;
    }

    private async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        var body = request.Headers.ContentEncoding == "gzip" ? new GZipStream(request.Body, CompressionMode.Decompress) : request.Body;
        using var copy = new MemoryStream();
        await body.CopyToAsync(copy);
        _exports.Enqueue(new Export(request.Path, request.ContentType, copy.ToArray()));
        // An empty ExportMetricsServiceResponse: everything accepted.
        return Results.Bytes([], "application/x-protobuf");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
