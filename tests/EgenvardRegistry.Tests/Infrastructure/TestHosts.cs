using System.Collections.Concurrent;

namespace EgenvardRegistry.Tests.Infrastructure;

/// <summary>One database and one running service per engine, shared by every fixture of the run.</summary>
public static class TestHosts
{
    private static readonly ConcurrentDictionary<Engine, Lazy<Task<RegistryApp>>> Apps = new();

    public static Task<RegistryApp> For(Engine engine) =>
        Apps.GetOrAdd(engine, e => new Lazy<Task<RegistryApp>>(() => StartAsync(e))).Value;

    private static async Task<RegistryApp> StartAsync(Engine engine)
    {
        var database = await TestDatabase.CreateAsync(engine);
        var app = new RegistryApp(database);
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
