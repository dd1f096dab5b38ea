using EgenvardRegistry.Reminders;
using Quartz;

namespace EgenvardRegistry.Infrastructure.Scheduling;

/// <summary>
/// Runs one reminder cycle when a trigger fires. The cycle does the work and is idempotent; this only logs what it
/// did. A failure is logged and swallowed: the next trigger (tomorrow, or the next start) simply runs it again.
/// </summary>
[DisallowConcurrentExecution]
public sealed partial class ReminderJob(IServiceProvider services, ILogger<ReminderJob> log) : IJob
{
    public static readonly JobKey Key = new("reminders.scan");

    /// <summary>Daily on <c>Reminders:Cron</c>, in Europe/Stockholm.</summary>
    public static readonly TriggerKey DailyTrigger = new("reminders.daily");

    /// <summary>Once as a node starts, to catch up on a run missed while it was down.</summary>
    public static readonly TriggerKey StartupTrigger = new("reminders.startup");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var trigger = context.Trigger.Key.Name;
        try
        {
            // Resolved per firing rather than injected, so the service starts even where no cycle is registered, and a
            // cycle that cannot be built is this firing's logged failure rather than the job factory's.
            var cycle = services.GetService<IReminderCycle>();
            if (cycle is null)
            {
                LogNoCycle(trigger);
                return;
            }
            var counts = await cycle.RunAsync(cancellationToken);
            LogRan(trigger, counts.Queued, counts.Sent, counts.Retrying, counts.Failed);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            LogCancelled(trigger);
        }
        catch (Exception exception)
        {
            LogFailed(exception, trigger);
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Reminder run ({Trigger}): {Queued} queued, {Sent} sent, {Retrying} retrying, {Failed} failed")]
    private partial void LogRan(string trigger, int queued, int sent, int retrying, int failed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reminder run ({Trigger}) stopped by shutdown; the next run picks up")]
    private partial void LogCancelled(string trigger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reminder run ({Trigger}) failed; the next trigger runs it again")]
    private partial void LogFailed(Exception exception, string trigger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reminder run ({Trigger}) skipped: no reminder cycle is registered")]
    private partial void LogNoCycle(string trigger);
}
