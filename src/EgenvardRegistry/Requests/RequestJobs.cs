using EgenvardRegistry.Infrastructure.Scheduling;
using Hangfire;

namespace EgenvardRegistry.Requests;

/// <summary>
/// The nightly lapse of certificate requests. Thin: it calls <see cref="CertificateRequestStore.ExpireDueAsync"/>, which is
/// idempotent and tested without Hangfire. Every read already treats a lapsed request as expired; the job records it.
/// </summary>
/// <remarks>Not retried by Hangfire: the next run records whatever this one left, and reads are right meanwhile.</remarks>
[AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
public sealed partial class RequestJobs(CertificateRequestStore store, ILogger<RequestJobs> log)
{
    public const string ExpireId = "requests.expire";

    /// <summary>00:15 in Europe/Stockholm: just after a request's last open day has ended.</summary>
    public const string ExpireCron = "15 0 * * *";

    [DisableConcurrentExecution(timeoutInSeconds: 10 * 60)]
    public async Task ExpireAsync(CancellationToken cancellationToken)
    {
        try
        {
            var expired = await store.ExpireDueAsync(cancellationToken);
            LogExpired(expired);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogFailed(exception);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Certificate requests: {Count} lapsed and recorded as expired")]
    private partial void LogExpired(int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Recording lapsed certificate requests failed; the next run tries again")]
    private partial void LogFailed(Exception exception);
}

/// <summary>The lapse's id and cron; nothing to catch up at start-up, since reads never show a lapsed request as open.</summary>
public sealed class RequestJobSchedule : IRecurringJobSource
{
    public void Register(IRecurringJobManager recurring)
    {
        ArgumentNullException.ThrowIfNull(recurring);
        recurring.AddOrUpdate<RequestJobs>(RequestJobs.ExpireId, job => job.ExpireAsync(CancellationToken.None), RequestJobs.ExpireCron,
            RecurringJobs.InStockholm);
    }
}
