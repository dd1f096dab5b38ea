using EgenvardRegistry.Reminders;
using Hangfire;
using EgenvardRegistry.Tests.Infrastructure;
using Hangfire.Storage;

namespace EgenvardRegistry.Tests.Reminders;

/// <summary>Stands in for the reminder cycle: counts scans and drains, signals each, and fails while told to.</summary>
public sealed class CountingReminderCycle : IReminderCycle
{
    private int _scans;
    private int _drains;
    private TaskCompletionSource _nextScan = NewSignal();
    private TaskCompletionSource _nextDrain = NewSignal();

    public void AddTo(IServiceCollection services) => services.AddSingleton<IReminderCycle>(this);

    public int Scans => Volatile.Read(ref _scans);

    public int Drains => Volatile.Read(ref _drains);

    public Exception? FailWith { get; set; }

    /// <summary>Completes when a scan starts after this call.</summary>
    public Task NextScan() => Volatile.Read(ref _nextScan).Task;

    /// <summary>Completes when a drain starts after this call.</summary>
    public Task NextDrain() => Volatile.Read(ref _nextDrain).Task;

    public Task<ReminderRunCounts> RunAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _scans);
        Interlocked.Exchange(ref _nextScan, NewSignal()).TrySetResult();
        return Outcome(new ReminderRunCounts(Queued: 2, Sent: 1, Retrying: 1, Failed: 0));
    }

    public Task<ReminderRunCounts> DrainAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _drains);
        Interlocked.Exchange(ref _nextDrain, NewSignal()).TrySetResult();
        return Outcome(new ReminderRunCounts(0, 0, 0, 0));
    }

    private Task<ReminderRunCounts> Outcome(ReminderRunCounts counts) =>
        FailWith is { } failure ? Task.FromException<ReminderRunCounts>(failure) : Task.FromResult(counts);

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>Reads what a host's Hangfire storage holds: recurring jobs, and the state of one job.</summary>
public static class HangfireStore
{
    public static IReadOnlyList<RecurringJobDto> RecurringJobs(this JobStorage storage)
    {
        using var connection = storage.GetConnection();
        return connection.GetRecurringJobs();
    }

    public static string? StateOf(this JobStorage storage, string jobId)
    {
        using var connection = storage.GetConnection();
        return connection.GetJobData(jobId)?.State;
    }

    /// <summary>Waits until a job reaches <paramref name="state"/>; the state it ended in.</summary>
    public static Task<string?> WaitForState(this JobStorage storage, string jobId, string state) =>
        Eventually.Until(() => Task.FromResult(storage.StateOf(jobId)), current => current == state, $"job {jobId} to be {state}");
}
