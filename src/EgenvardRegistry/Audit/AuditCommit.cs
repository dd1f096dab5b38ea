using System.Threading.Channels;
using Dapper;
using EgenvardRegistry.Infrastructure.Database;
using EgenvardRegistry.Infrastructure.Telemetry;

namespace EgenvardRegistry.Audit;

/// <summary>
/// Writes the audit events of a read that changes nothing else (a verification): when the returned task completes,
/// the events are committed, so the answer they record may be sent. Work that writes more than its audit events uses
/// <see cref="AuditedWork.RunAuditedAsync{T}"/> instead, so both commit together.
/// </summary>
public interface IAuditCommit
{
    /// <remarks>
    /// Once called, the events may be committed even if <paramref name="cancellationToken"/> is cancelled later: an
    /// event without an answer is harmless, an answer without its event is not.
    /// </remarks>
    Task CommitAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken);
}

/// <summary>
/// On PostgreSQL: one event is one INSERT, its own transaction, one round trip (several share a transaction).
/// Concurrent commits share WAL flushes by themselves.
/// </summary>
public sealed class DirectAuditCommit(IDbConnectionFactory db) : IAuditCommit
{
    public async Task CommitAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        if (events.Count == 1)
        {
            await AuditLog.WriteAsync(connection, null, events, cancellationToken);
            return;
        }
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await AuditLog.WriteAsync(transaction, events, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}

/// <summary>
/// On SQLite: a group commit. Callers queue their events; one writer takes everything queued, writes it in one
/// transaction in this process's turn to write, commits once and then releases every caller in the batch. A commit
/// in WAL mode with <c>synchronous=FULL</c> costs an fsync of the log (0.2–2 ms on the machine measured), so one commit
/// per caller caps the rate at a few hundred to a few thousand a second; shared, the cost is spread over everyone who
/// arrived while the previous batch committed. Nothing is answered before its batch has committed; when a batch fails,
/// each caller's events are tried on their own, and a caller whose events cannot be written gets the error: no answer
/// is ever sent for an event that could still be lost. While the queue is empty the writer waits; there is no timer,
/// so a lone caller commits at once.
/// </summary>
public sealed partial class SqliteGroupAuditCommit : IAuditCommit, IAsyncDisposable
{
    /// <summary>The most callers one transaction serves; more wait for the next, so no caller waits on a huge batch.</summary>
    public const int MaxBatch = 512;

    private readonly IDbConnectionFactory _db;
    private readonly ILogger<SqliteGroupAuditCommit> _log;
    private readonly RegistryMetrics _metrics;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private long _batches;
    private long _callers;

    public SqliteGroupAuditCommit(IDbConnectionFactory db, ILogger<SqliteGroupAuditCommit> log, RegistryMetrics metrics)
    {
        _db = db;
        _log = log;
        _metrics = metrics;
        _writer = Task.Run(WriteAsync);
    }

    /// <summary>Batches committed and callers served, for tests and metrics.</summary>
    public (long Batches, long Callers) Committed => (Interlocked.Read(ref _batches), Interlocked.Read(ref _callers));

    public Task CommitAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var pending = new Pending(events, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        return _queue.Writer.TryWrite(pending)
            ? pending.Committed.Task
            : Task.FromException(new InvalidOperationException("The audit log takes no more events: the service is stopping."));
    }

    /// <summary>Commits what is queued, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
    }

    private async Task WriteAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }
            if (await TryCommitAsync(batch) is null)
            {
                continue;
            }
            // One caller's events may be what failed: each is tried on its own, so only a caller whose own events cannot
            // be written fails. A database that is gone fails them all, each with its own error.
            foreach (var pending in batch)
            {
                if (batch.Count > 1 && await TryCommitAsync([pending]) is { } failure)
                {
                    LogFailed(failure);
                }
            }
        }
    }

    /// <returns>Null when the batch committed and its callers were released; otherwise the error, its callers untouched.</returns>
    private async Task<Exception?> TryCommitAsync(IReadOnlyList<Pending> batch)
    {
        try
        {
            using (await _db.WaitToWriteAsync(CancellationToken.None))
            {
                await using var connection = await _db.OpenAsync(CancellationToken.None);
                await using var transaction = await connection.BeginTransactionAsync();
                await AuditLog.WriteAsync(connection, transaction, [.. batch.SelectMany(pending => pending.Events)],
                    CancellationToken.None);
                await transaction.CommitAsync();
            }
        }
        catch (Exception failure)
        {
            if (batch.Count == 1)
            {
                batch[0].Committed.SetException(failure);
            }
            return failure;
        }
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _callers, batch.Count);
        _metrics.AuditBatchCommitted(batch.Count);
        foreach (var pending in batch)
        {
            pending.Committed.SetResult();
        }
        return null;
    }

    private sealed record Pending(IReadOnlyList<AuditEvent> Events, TaskCompletionSource Committed);

    [LoggerMessage(Level = LogLevel.Error, Message = "An audit event could not be committed; its caller gets the error and sends no answer")]
    private partial void LogFailed(Exception exception);
}

public static class AuditCommitRegistration
{
    /// <summary>The group commit on SQLite, a plain INSERT on PostgreSQL.</summary>
    public static IServiceCollection AddAuditCommit(this IServiceCollection services) =>
        services.AddSingleton<IAuditCommit>(provider =>
            provider.GetRequiredService<IDbConnectionFactory>().Dialect == SqlDialect.Sqlite
                ? ActivatorUtilities.CreateInstance<SqliteGroupAuditCommit>(provider)
                : ActivatorUtilities.CreateInstance<DirectAuditCommit>(provider));
}
