using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace EgenvardRegistry.Tests.Infrastructure;

/// <summary>
/// The real service as a process of its own (<c>dotnet EgenvardRegistry.dll</c>, as <see cref="RegistryCommand"/> runs
/// it), listening on a free local port with its settings in the environment, for the fault drills: it runs the
/// scheduler, Kestrel and the real clock, and <see cref="Kill"/> ends it the way a crash does (SIGKILL: no shutdown, no
/// flush, no disposal).
/// </summary>
public sealed class RegistryProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartPatience = TimeSpan.FromSeconds(60);
    private const int KeptLines = 300;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _lines;
    private TaskCompletionSource _wrote = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RegistryProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>How many lines the service has written so far (standard output and error).</summary>
    public long LinesWritten => Interlocked.Read(ref _lines);

    /// <summary>
    /// Waits until the service has written more than <paramref name="lines"/> lines — the signal that it did something
    /// (a reminder job logs a line when its run is committed); false when <paramref name="patience"/> ran out first.
    /// </summary>
    public async Task<bool> WroteMoreThanAsync(long lines, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            var wrote = Volatile.Read(ref _wrote);
            if (LinesWritten > lines)
            {
                return true;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                return false;
            }
            try
            {
                await wrote.Task.WaitAsync(left);
            }
            catch (TimeoutException)
            {
                return LinesWritten > lines;
            }
        }
    }

    /// <summary>The last lines the service wrote (standard output and error), for a failing test's message.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>Settings every drill's service gets: the tests' token and link keys, no rate limit, a public address.</summary>
    public static Dictionary<string, string> BaseSettings(TestDatabase database, string folder) =>
        BaseSettings(database.Provider, database.ConnectionString, folder);

    public static Dictionary<string, string> BaseSettings(string provider, string connectionString, string folder) => new()
    {
        ["Database:Provider"] = provider,
        ["ConnectionStrings:Registry"] = connectionString,
        ["Auth:SigningKey"] = RegistryApp.Auth.SigningKey!,
        ["Auth:Issuer"] = RegistryApp.Auth.Issuer!,
        ["Auth:Audience"] = RegistryApp.Auth.Audience!,
        ["Reminders:LinkSigningKey"] = RegistryApp.LinkSigningKey,
        ["Signing:KeyPath"] = RegistryApp.SigningKeyPath,
        ["Reminders:PublicBaseUrl"] = "https://egenvard.test/",
        ["Mail:PickupDirectory"] = Path.Combine(folder, "mail"),
        ["RateLimiting:PermitsPerMinute"] = "1000000",
        ["RateLimiting:LookupPermitsPerMinute"] = "1000000",
        ["Logging:LogLevel:Default"] = "Warning",
        // "Reminder job …: N queued, N sent …" after each committed run: what Drill.Until waits on before reading again.
        ["Logging:LogLevel:EgenvardRegistry.Reminders.ReminderJobs"] = "Information",
        // "Application started.": the signal StartAsync waits for (the migrations ran before it).
        ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
    };

    /// <summary>Starts the service in <paramref name="folder"/> and returns once <c>/health/ready</c> answers 200.</summary>
    public static async Task<RegistryProcess> StartAsync(string folder, IReadOnlyDictionary<string, string> settings)
    {
        var address = new Uri($"http://127.0.0.1:{FreePort()}/");
        var environment = RegistryCommand.Environment(settings);
        environment["ASPNETCORE_URLS"] = address.ToString().TrimEnd('/');
        // No file watchers for configuration: inotify instances are few per user, and the suite's own hosts need theirs.
        environment["DOTNET_hostBuilder__reloadConfigOnChange"] = "false";
        var start = RegistryCommand.StartInfo(RegistryCommand.DotnetHost(), [RegistryCommand.ServiceDll], folder, environment);
        var process = new Process { StartInfo = start };
        var service = new RegistryProcess(process, address);
        process.OutputDataReceived += (_, line) => service.Keep(line.Data);
        process.ErrorDataReceived += (_, line) => service.Keep(line.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException("The service did not start.");
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => service._started.TrySetResult();
        try
        {
            await service._started.Task.WaitAsync(StartPatience);
        }
        catch (TimeoutException)
        {
            await service.DisposeAsync();
            Assert.Fail($"The service did not start within {StartPatience}:\n{service.Output}");
        }
        if (process.HasExited)
        {
            Assert.Fail($"The service exited with {process.ExitCode} before it was ready:\n{service.Output}");
        }
        using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
        using var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        if (ready.StatusCode == HttpStatusCode.OK)
        {
            return service;
        }
        await service.DisposeAsync();
        Assert.Fail($"The service started but was not ready ({ready.StatusCode}):\n{service.Output}");
        throw new UnreachableException();
    }

    /// <summary>A client of the service; each drill client gets its own, as separate callers would.</summary>
    public HttpClient Client(string? token, TimeSpan? timeout = null)
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = timeout ?? TimeSpan.FromSeconds(30) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        }
        return client;
    }

    /// <summary>SIGKILL, as when a node dies: the process gets no chance to finish anything.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }
        _process.WaitForExit();
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>A local port nothing listens on now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }
        _output.Enqueue(line);
        Interlocked.Increment(ref _lines);
        Interlocked.Exchange(ref _wrote, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        if (line.Contains("Application started.", StringComparison.Ordinal))
        {
            _started.TrySetResult();
        }
        while (_output.Count > KeptLines && _output.TryDequeue(out _))
        {
        }
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"service at {Address}");
}
