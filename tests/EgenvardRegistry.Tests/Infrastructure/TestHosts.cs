using System.Collections.Concurrent;

namespace EgenvardRegistry.Tests.Infrastructure;

/// <summary>One database and one running service per engine, shared by every fixture of the run.</summary>
public static class TestHosts
{
    private const string Testing = "Testing";
    private const string Development = "Development";

    private static readonly ConcurrentDictionary<(Engine, string), Lazy<Task<RegistryApp>>> Apps = new();

    public static Task<RegistryApp> For(Engine engine) => Host(engine, Testing);

    /// <summary>A host in Development, where the development sign-in page (<c>/logga-in</c>) exists, for the web page tests.</summary>
    public static Task<RegistryApp> PagesFor(Engine engine) => Host(engine, Development);

    private static Task<RegistryApp> Host(Engine engine, string environment) =>
        Apps.GetOrAdd((engine, environment), key => new Lazy<Task<RegistryApp>>(() => StartAsync(key.Item1, key.Item2))).Value;

    private static async Task<RegistryApp> StartAsync(Engine engine, string environment)
    {
        var database = await TestDatabase.CreateAsync(engine);
        var app = new RegistryApp(database, environment: environment);
        _ = app.Server; // starts the host: migrations run now, as on a real start
        return app;
    }

    internal static async Task DisposeAllAsync()
    {
        foreach (var lazy in Apps.Values.Where(lazy => lazy.IsValueCreated))
        {
            try
            {
                var app = await lazy.Value;
                await app.DisposeAsync();
                await app.Database.DisposeAsync();
            }
            catch (InvalidOperationException)
            {
                // The host never started (e.g. no PostgreSQL); its tests have already failed with the reason.
            }
        }
        Apps.Clear();
    }
}
