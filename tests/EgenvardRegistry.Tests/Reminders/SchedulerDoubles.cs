using EgenvardRegistry.Reminders;
using Quartz;

namespace EgenvardRegistry.Tests.Reminders;

/// <summary>Stands in for the reminder cycle: counts runs, signals the first, and fails while told to.</summary>
public sealed class CountingReminderCycle : IReminderCycle
{
    private int _runs;

    /// <summary>Registers this double, built anew for each firing so that building it can fail (see <see cref="FailToBuildWith"/>).</summary>
    public void AddTo(IServiceCollection services) =>
        services.AddTransient<IReminderCycle>(_ => FailToBuildWith is { } failure ? throw failure : this);

    public Exception? FailToBuildWith { get; set; }

    public int Runs => Volatile.Read(ref _runs);

    public TaskCompletionSource FirstRun { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Exception? FailWith { get; set; }

    public Task<ReminderRunCounts> RunAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _runs);
        FirstRun.TrySetResult();
        return FailWith is { } failure
            ? Task.FromException<ReminderRunCounts>(failure)
            : Task.FromResult(new ReminderRunCounts(Queued: 2, Sent: 1, Retrying: 1, Failed: 0));
    }
}

/// <summary>One finished firing of a job: which trigger fired it, the marker a test put in its job data, and what Quartz was told.</summary>
public sealed record Firing(string Trigger, string? Marker, JobExecutionException? Exception);

/// <summary>
/// Listens to one scheduler: signals its start and records every finished firing, so tests wait on Quartz's own
/// events instead of sleeping.
/// </summary>
public sealed class SchedulerProbe : IJobListener, ISchedulerListener
{
    public const string MarkerKey = "test.marker";

    private readonly Lock _gate = new();
    private readonly List<Firing> _firings = [];
    private readonly List<(Func<Firing, bool> Match, TaskCompletionSource<Firing> Done)> _waiting = [];

    public string Name => "scheduler-probe";

    public TaskCompletionSource<IScheduler> Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<Firing> Firings
    {
        get
        {
            lock (_gate)
            {
                return [.. _firings];
            }
        }
    }

    /// <summary>Adds the probe to every Quartz scheduler of a host (for <see cref="Infrastructure.RegistryApp"/>'s services hook).</summary>
    public void AddTo(IServiceCollection services) =>
        services.ConfigureAllQuartzSchedulers(quartz => quartz.AddJobListener(this).AddSchedulerListener(this));

    /// <summary>The first finished firing that matches, whether it has happened already or is yet to come.</summary>
    public Task<Firing> Finished(Func<Firing, bool> match)
    {
        lock (_gate)
        {
            var done = _firings.FirstOrDefault(match);
            if (done is not null)
            {
                return Task.FromResult(done);
            }
            var waiting = new TaskCompletionSource<Firing>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Add((match, waiting));
            return waiting.Task;
        }
    }

    public ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken)
    {
        var firing = new Firing(context.Trigger.Key.Name, context.MergedJobDataMap.GetString(MarkerKey), jobException);
        lock (_gate)
        {
            _firings.Add(firing);
            foreach (var waiting in _waiting.Where(waiting => waiting.Match(firing)).ToList())
            {
                _waiting.Remove(waiting);
                waiting.Done.TrySetResult(firing);
            }
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask SchedulerStarted(IScheduler scheduler, CancellationToken cancellationToken)
    {
        Started.TrySetResult(scheduler);
        return ValueTask.CompletedTask;
    }
}
