using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Signing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Time.Testing;

namespace EgenvardRegistry.Tests.Infrastructure;

/// <summary>
/// The whole service over the real HTTP pipeline, on one engine, with a <see cref="FakeTimeProvider"/> clock (see
/// <see cref="TestClock"/>) and captured logs; the scheduler is off unless a test turns it on. <paramref name="services"/>
/// adds or replaces services after the application's own. The environment is "Testing" unless a host needs Development
/// (the development sign-in page of the web pages).
/// </summary>
public sealed class RegistryApp(
    TestDatabase database,
    IReadOnlyDictionary<string, string?>? extraSettings = null,
    Action<IServiceCollection>? services = null,
    string environment = "Testing")
    : WebApplicationFactory<Program>
{
    public static readonly AuthOptions Auth = new()
    {
        SigningKey = "test-signing-key-that-is-long-enough-for-hs256",
        Issuer = "egenvard-tests",
        Audience = "egenvard-registry",
    };

    public const string LinkSigningKey = "test-link-signing-key-that-is-long-enough";

    private static readonly Lazy<string> TestSigningKeyPath = new(() =>
    {
        var folder = Directory.CreateTempSubdirectory("egenvard-signing-");
        var path = Path.Combine(folder.FullName, "signing.pem");
        SigningKeyFiles.CreatePrivateKey(path).Dispose();
        return path;
    });

    /// <summary>One P-256 key signs certificates for the whole run, as one token key signs its tokens.</summary>
    public static string SigningKeyPath => TestSigningKeyPath.Value;

    public TestDatabase Database { get; } = database;

    public FakeTimeProvider Clock { get; } = TestClock.Create();

    public CapturedLogs Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        var settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = Database.Provider,
            ["ConnectionStrings:Registry"] = Database.ConnectionString,
            ["Auth:SigningKey"] = Auth.SigningKey,
            ["Auth:Issuer"] = Auth.Issuer,
            ["Auth:Audience"] = Auth.Audience,
            ["Reminders:LinkSigningKey"] = LinkSigningKey,
            ["Signing:KeyPath"] = SigningKeyPath,
            ["Reminders:PublicBaseUrl"] = "https://egenvard.test/",
            // Mail goes to a pickup folder of this run's own, never into the source tree.
            ["Mail:PickupDirectory"] = Path.Combine(Path.GetTempPath(), $"egenvard-mail-{Guid.NewGuid():N}"),
            // The shared hosts serve the whole suite as a handful of callers; RateLimitTests uses its own tight host.
            ["RateLimiting:PermitsPerMinute"] = "1000000",
            ["RateLimiting:LookupPermitsPerMinute"] = "1000000",
            // No background reminder run may touch the tables tests reset; SchedulerTests starts hosts of its own.
            ["Reminders:SchedulerEnabled"] = "false",
            // Everything is logged in tests, so the privacy tests see what the most verbose production log would hold.
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
        };
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureLogging(logging =>
        {
            logging.ClearProviders();
            logging.AddProvider(Logs);
        });
        builder.ConfigureTestServices(testServices =>
        {
            testServices.AddSingleton<TimeProvider>(Clock);
            services?.Invoke(testServices);
        });
    }

    /// <summary>A host like this one (settings, services, environment) on another database, not yet started.</summary>
    public RegistryApp WithDatabase(TestDatabase other) => new(other, extraSettings, services, environment);

    public HttpClient ClientFor(string? token)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        }
        return client;
    }
}
