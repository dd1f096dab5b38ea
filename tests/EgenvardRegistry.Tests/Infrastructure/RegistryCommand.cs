using System.Diagnostics;

namespace EgenvardRegistry.Tests.Infrastructure;

/// <summary>
/// Runs the built service as a process of its own (<c>dotnet EgenvardRegistry.dll …</c>; the build copies the dll and its
/// runtime configuration next to the tests), for its command-line verbs. Settings go in as environment variables, the
/// way an operator's shell passes them.
/// </summary>
public static class RegistryCommand
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    public sealed record Outcome(int ExitCode, string Output, string Error)
    {
        public override string ToString() => $"exit code {ExitCode}\nstdout:\n{Output}\nstderr:\n{Error}";
    }

    /// <summary>The built service next to the tests.</summary>
    public static string ServiceDll => Path.Combine(AppContext.BaseDirectory, "EgenvardRegistry.dll");

    public static Task<Outcome> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string> settings,
        params string[] arguments) =>
        RunToolAsync(DotnetHost(), [ServiceDll, .. arguments], workingDirectory, Environment(settings));

    /// <summary>Settings as an operator's shell passes them (<c>Smtp__Host</c>), in the "Testing" environment.</summary>
    public static Dictionary<string, string?> Environment(IReadOnlyDictionary<string, string> settings)
    {
        var environment = settings.ToDictionary(
            setting => setting.Key.Replace(":", "__", StringComparison.Ordinal), setting => (string?)setting.Value);
        environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        environment["DOTNET_ENVIRONMENT"] = null;
        return environment;
    }

    /// <summary>Runs any program to its end (within a time-out), with <paramref name="environment"/> on top of the tests' own (null removes).</summary>
    public static async Task<Outcome> RunToolAsync(string program, IEnumerable<string> arguments, string workingDirectory,
        IReadOnlyDictionary<string, string?> environment)
    {
        using var process = Process.Start(StartInfo(program, arguments, workingDirectory, environment)) ?? throw new InvalidOperationException($"{program} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not end within {Timeout.TotalSeconds} s.");
        }
        return new Outcome(process.ExitCode, await output, await error);
    }

    /// <summary>How to start <paramref name="program"/>: output redirected, <paramref name="environment"/> on top of the tests' own (null removes).</summary>
    public static ProcessStartInfo StartInfo(string program, IEnumerable<string> arguments, string workingDirectory,
        IReadOnlyDictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(key);
            }
            else
            {
                start.Environment[key] = value;
            }
        }
        return start;
    }

    /// <summary>The dotnet host running the tests, so the service runs on the same runtime.</summary>
    public static string DotnetHost() =>
        Path.GetFileNameWithoutExtension(System.Environment.ProcessPath) == "dotnet" ? System.Environment.ProcessPath!
        : System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : "dotnet";
}
