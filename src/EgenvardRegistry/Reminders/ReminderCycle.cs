using EgenvardRegistry.Certificates;
using EgenvardRegistry.Guardians;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Mail;
using EgenvardRegistry.Infrastructure.Telemetry;
using EgenvardRegistry.Requests;
using EgenvardRegistry.Shares;
using Microsoft.Extensions.Options;

namespace EgenvardRegistry.Reminders;

/// <summary>
/// Scans for certificates at a reminder threshold, then drains the outbox (reminders, certificate requests, withdrawal
/// notices and address-change notices alike).
/// Safe to run at any time, on any number of nodes: the scan inserts nothing twice, and each outbox row is claimed by one
/// dispatcher.
/// </summary>
/// <remarks>
/// The one window in which a guardian can get a message twice: the mail server accepted it, and the process died
/// before the row was marked sent. The row's lease then runs out and it is sent again, with the same Message-ID.
/// That window covers only the rows in flight, never the outbox as a whole. A message is handed to the mail server only
/// while its claim has a whole SMTP time-out left, so a live dispatcher never sends a row another has taken over; and
/// once the server has taken a message, its row is marked sent even if the run is being cancelled. The outcomes of a
/// claimed batch are recorded together when the batch is done.
/// </remarks>
public sealed partial class ReminderCycle(
    ReminderStore store,
    IEmailSender sender,
    IOptions<ReminderOptions> options,
    IOptions<RequestOptions> requestOptions,
    IOptions<SmtpOptions> smtpOptions,
    TimeProvider time,
    RegistryMetrics metrics,
    ILogger<ReminderCycle> log) : IReminderCycle
{
    private const int MaxBatchesPerRun = 200;

    public async Task<ReminderRunCounts> RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var today = time.TodayInStockholm();
        var queued = await store.ScanAsync(ReminderRules.Bands(today, settings.Thresholds()), today, time.GetUtcNow(), cancellationToken);
        metrics.RemindersQueued(queued);
        var counts = await DrainAsync(cancellationToken) with { Queued = queued };
        LogRun(counts.Queued, counts.Sent, counts.Retrying, counts.Failed);
        return counts;
    }

    /// <summary>
    /// Drains the outbox over <see cref="ReminderOptions.DispatchConcurrency"/> SMTP sessions at once, each claiming its
    /// own batches (a claim never hands one row to two sessions) and sending them over its one connection.
    /// </summary>
    public async Task<ReminderRunCounts> DrainAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        // A run sends what was due when it began: a retry that falls due meanwhile waits for the next run, so a run ends
        // even while a relay keeps refusing and the back-offs are short.
        var dueBy = time.GetUtcNow();
        var sessions = await Task.WhenAll(Enumerable.Range(0, settings.DispatchConcurrency)
            .Select(_ => DrainOverOneSessionAsync(settings, dueBy, cancellationToken)));
        return new ReminderRunCounts(0, sessions.Sum(counts => counts.Sent), sessions.Sum(counts => counts.Retrying),
            sessions.Sum(counts => counts.Failed));
    }

    private async Task<ReminderRunCounts> DrainOverOneSessionAsync(ReminderOptions settings, DateTimeOffset dueBy,
        CancellationToken cancellationToken)
    {
        var links = UnsubscribeLinks.From(settings);
        var relay = smtpOptions.Value;
        var sendTime = relay.UsesRelay ? TimeSpan.FromSeconds(relay.TimeoutSeconds) : TimeSpan.Zero;
        int sent = 0, retrying = 0, failed = 0;
        var outcomes = new List<Delivery>(settings.BatchSize);
        // One batch for the whole session, so the SMTP sender sends every message over one connection.
        await using var mail = sender.StartBatch();
        for (var batch = 0; batch < MaxBatchesPerRun; batch++)
        {
            var claimed = await store.ClaimAsync(settings.BatchSize, settings.Lease, time.GetUtcNow(), dueBy, cancellationToken);
            if (claimed.Count == 0)
            {
                break;
            }
            try
            {
                for (var i = 0; i < claimed.Count; i++)
                {
                    var message = claimed[i];
                    if (time.GetUtcNow() + sendTime >= message.LeaseUntil)
                    {
                        // The mail server could still be busy with it when the lease ends and another node takes the row.
                        await store.ReleaseAsync(claimed.Skip(i), cancellationToken);
                        LogReleased(claimed.Count - i);
                        break;
                    }
                    var outcome = await DeliverAsync(mail, message, settings, links, cancellationToken);
                    metrics.Dispatched(message.Kind, outcome.Status);
                    outcomes.Add(outcome);
                    sent += outcome.Status == NotificationStatus.Sent ? 1 : 0;
                    retrying += outcome.Status == NotificationStatus.Pending ? 1 : 0;
                    failed += outcome.Status == NotificationStatus.Failed ? 1 : 0;
                }
            }
            finally
            {
                // One transaction for the batch's outcomes (on SQLite one commit, where one per message capped the rate
                // at the disk's flushes), written even when the run is being cancelled: the server took what was sent.
                // The price: a process killed mid-batch sends that batch's delivered rows again, all of them in flight.
                if (outcomes.Count > 0)
                {
                    foreach (var lost in await store.RecordAsync(outcomes, CancellationToken.None))
                    {
                        LogLeaseLost(lost);
                    }
                    outcomes.Clear();
                }
            }
        }
        return new ReminderRunCounts(0, sent, retrying, failed);
    }

    /// <summary>Sends one claimed message, or decides not to; records nothing (the caller records the batch's outcomes).</summary>
    private async Task<Delivery> DeliverAsync(IEmailBatch mail, OutboxMessage message, ReminderOptions settings,
        UnsubscribeLinks links, CancellationToken cancellationToken)
    {
        var today = time.TodayInStockholm();
        var cancel = message.Kind switch
        {
            NotificationKinds.CertificateRequest => RequestCancelReason(message, today),
            NotificationKinds.ShareWithdrawn => ShareWithdrawnCancelReason(message),
            // A security notice: sent with reminders off, and even after the address changed again.
            NotificationKinds.EmailChanged => message.Email is null ? "The address-change notice has no old address." : null,
            _ => ReminderCancelReason(message, today),
        };
        if (cancel is { } cancelReason)
        {
            return new Delivery(message, time.GetUtcNow(), NotificationStatus.Cancelled, Error: cancelReason);
        }

        var guardianPage = new Uri(settings.PublicBaseUrl, "vardnadshavare");
        var email = message.Kind switch
        {
            NotificationKinds.CertificateRequest => RequestEmail.Compose(new RequestEmailContent(
                message.Id,
                message.Email!,
                message.GuardianName,
                ReminderRules.FirstName(message.ChildName),
                message.SchoolUnit!,
                message.SchoolUnitName,
                message.Reference!,
                message.Message,
                RequestRules.OpenUntil(message.RequestCreatedAt!.Value, requestOptions.Value.ExpireAfterDays),
                guardianPage)),
            NotificationKinds.ShareWithdrawn => ShareWithdrawnEmail.Compose(new ShareWithdrawnEmailContent(
                message.Id,
                message.Email!,
                message.UnitId!,
                message.GuardianName,
                ReminderRules.FirstName(message.ChildName),
                message.WithdrawnAt!.Value,
                message.CareUnitPhone!,
                settings.PublicBaseUrl.IdnHost)),
            NotificationKinds.EmailChanged => EmailChangedEmail.Compose(new EmailChangedEmailContent(
                message.Id,
                message.Email!,
                message.GuardianName,
                message.NewEmailMasked,
                message.ChangedBy!,
                message.CreatedAt,
                guardianPage)),
            _ => ReminderEmail.Compose(new ReminderContent(
                message.Id,
                message.Email!,
                message.GuardianName,
                ReminderRules.FirstName(message.ChildName),
                message.MeasureCodes,
                message.ValidUntil!.Value,
                message.ValidUntil.Value.DayNumber - today.DayNumber,
                message.CareUnitName!,
                message.CareUnitPhone!,
                guardianPage,
                links.Url(settings.PublicBaseUrl, message.GuardianId!.Value))),
        };
        try
        {
            await mail.SendAsync(email, cancellationToken);
            return new Delivery(message, time.GetUtcNow(), NotificationStatus.Sent);
        }
        catch (EmailSendException failure) when (failure.IsTransient && message.Attempts < settings.MaxAttempts)
        {
            var now = time.GetUtcNow();
            var next = ReminderRules.NextAttempt(now, message.Attempts, settings.FirstRetryDelay, settings.MaxRetryDelay, Random.Shared.NextDouble());
            LogRetry(message.Id, message.Attempts, next);
            return new Delivery(message, now, NotificationStatus.Pending, next, failure.Message);
        }
        catch (EmailSendException failure)
        {
            var reason = failure.IsTransient ? $"Gave up after {message.Attempts} attempts: {failure.Message}" : failure.Message;
            LogFailed(message.Id, message.Attempts);
            return new Delivery(message, time.GetUtcNow(), NotificationStatus.Failed, Error: reason);
        }
    }

    private static string? ReminderCancelReason(OutboxMessage message, DateOnly today) => message switch
    {
        { CertificateStatus: not CertificateStatus.Active } => "The certificate was renewed or revoked before the reminder went out.",
        { Email: null } or { RemindersEnabled: false } => "The guardian turned reminders off or has no e-mail address.",
        _ when message.ValidUntil < today => "The certificate expired before the reminder could be sent.",
        _ => null,
    };

    /// <summary>
    /// A request's e-mail goes out only while the request is open: one the school withdrew, a clinician answered or that
    /// lapsed before its turn came is cancelled. Reminders being off does not stop it: it is the school asking, once.
    /// </summary>
    private string? RequestCancelReason(OutboxMessage message, DateOnly today) =>
        message.RequestStatus is null || message.RequestCreatedAt is not { } createdAt
            || RequestRules.StatusToday(message.RequestStatus, createdAt, today, requestOptions.Value.ExpireAfterDays) != RequestStatus.Open
            ? "The certificate request was closed (answered, withdrawn or lapsed) before the e-mail went out."
            : message.Email is null ? "The request has no e-mail address for this guardian." : null;

    /// <summary>
    /// A withdrawal notice goes out even when the certificate has since been renewed, revoked or expired: the unit stopped
    /// seeing it all the same. Only a guardian sharing it with the unit again before the e-mail went makes it untrue.
    /// </summary>
    private static string? ShareWithdrawnCancelReason(OutboxMessage message) =>
        message.UnitSharedAgain == 1 ? "The guardian shared the certificate with the unit again before the e-mail went out."
        : message.Email is null || message.CertificateId is null ? "The withdrawal notice has no address or certificate." : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Reminder run: {Queued} queued, {Sent} sent, {Retrying} to retry, {Failed} failed")]
    private partial void LogRun(int queued, int sent, int retrying, int failed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} claimed notifications went back to the outbox: too little of their lease was left to send them")]
    private partial void LogReleased(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {NotificationId} was sent after its lease ran out; another dispatcher may send it too")]
    private partial void LogLeaseLost(Guid notificationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {NotificationId} failed on attempt {Attempt}; next attempt at {NextAttempt}")]
    private partial void LogRetry(Guid notificationId, int attempt, DateTimeOffset nextAttempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Notification {NotificationId} failed for good after {Attempts} attempts")]
    private partial void LogFailed(Guid notificationId, int attempts);
}
