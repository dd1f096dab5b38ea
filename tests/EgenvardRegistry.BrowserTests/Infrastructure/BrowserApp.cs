using EgenvardRegistry.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace EgenvardRegistry.BrowserTests.Infrastructure;

/// <summary>
/// The whole service on Kestrel at a free loopback port, so a real browser can reach it, in Development (the demo
/// sign-in page exists only there) unless a fixture names another environment, with the unit tests' settings: its own database, test keys, a
/// <see cref="FakeTimeProvider"/> clock, no scheduler, mail to a temporary pickup folder, no effective rate limits.
/// </summary>
public sealed class BrowserApp : WebApplicationFactory<Program>
{
    private readonly IReadOnlyDictionary<string, string?> _extraSettings;
    private readonly string _environment;
    private readonly Action<IServiceCollection>? _services;
    private readonly string _mailFolder = Path.Combine(Path.GetTempPath(), $"egenvard-browser-mail-{Guid.NewGuid():N}");

    private BrowserApp(TestDatabase database, IReadOnlyDictionary<string, string?>? extraSettings, string environment,
        Action<IServiceCollection>? services)
    {
        Database = database;
        _extraSettings = extraSettings ?? new Dictionary<string, string?>();
        (_environment, _services) = (environment, services);
        UseKestrel(0);
    }

    public TestDatabase Database { get; }

    public FakeTimeProvider Clock { get; } = TestClock.Create();

    /// <summary>Where the server listens, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>
    /// Creates a database on <paramref name="engine"/> and starts the server on it (migrations run now);
    /// <paramref name="services"/> adds or replaces services after the application's own.
    /// </summary>
    public static async Task<BrowserApp> StartAsync(Engine engine, IReadOnlyDictionary<string, string?>? extraSettings = null,
        string environment = "Development", Action<IServiceCollection>? services = null)
    {
        var database = await TestDatabase.CreateAsync(engine);
        var app = new BrowserApp(database, extraSettings, environment, services);
        try
        {
            app.StartServer();
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
            app.BaseAddress = new Uri(addresses.Addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>An API client with a bearer token, for arranging data the journey then works with in the browser.</summary>
    public HttpClient ApiClient(string token)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);
        var settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = Database.Provider,
            ["ConnectionStrings:Registry"] = Database.ConnectionString,
            ["Auth:SigningKey"] = RegistryApp.Auth.SigningKey,
            ["Auth:Issuer"] = RegistryApp.Auth.Issuer,
            ["Auth:Audience"] = RegistryApp.Auth.Audience,
            ["Reminders:LinkSigningKey"] = RegistryApp.LinkSigningKey,
            ["Signing:KeyPath"] = RegistryApp.SigningKeyPath,
            ["Reminders:PublicBaseUrl"] = "https://egenvard.test/",
            ["Reminders:SchedulerEnabled"] = "false",
            ["Mail:PickupDirectory"] = _mailFolder,
            ["RateLimiting:PermitsPerMinute"] = "1000000",
            ["RateLimiting:LookupPermitsPerMinute"] = "1000000",
        };
        foreach (var (key, value) in _extraSettings)
        {
            settings[key] = value;
        }
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureLogging(logging => logging.ClearProviders().SetMinimumLevel(LogLevel.Warning));
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            _services?.Invoke(services);
        });
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Database.DisposeAsync();
        if (Directory.Exists(_mailFolder))
        {
            Directory.Delete(_mailFolder, recursive: true);
        }
    }
}
