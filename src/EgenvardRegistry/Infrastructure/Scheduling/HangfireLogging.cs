using Hangfire.AspNetCore;
using Hangfire.Logging;

namespace EgenvardRegistry.Infrastructure.Scheduling;

/// <summary>
/// Hangfire's own log lines go to the host's logging. Hangfire keeps its log provider process-wide; where several hosts
/// share a process (the tests' nodes) and the one that configured it has stopped, its lines are dropped rather than
/// thrown at the hosts that still run.
/// </summary>
internal sealed class HangfireLogging(ILoggerFactory loggerFactory) : ILogProvider
{
    private readonly AspNetCoreLogProvider _host = new(loggerFactory);

    public ILog GetLogger(string name)
    {
        try
        {
            return _host.GetLogger(name);
        }
        catch (ObjectDisposedException)
        {
            return Dropped.Instance;
        }
    }

    private sealed class Dropped : ILog
    {
        public static readonly Dropped Instance = new();

        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
    }
}
