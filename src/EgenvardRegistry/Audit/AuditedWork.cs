using System.Data.Common;
using EgenvardRegistry.Infrastructure.Database;

namespace EgenvardRegistry.Audit;

/// <summary>What a unit of work returns: its result, and the audit events that record it.</summary>
public sealed record Audited<T>(T Result, IReadOnlyList<AuditEvent> Events);

public static class Audited
{
    /// <summary>The work's result and its audit events; with no events, nothing is written to the audit log.</summary>
    public static Audited<T> With<T>(T result, params IReadOnlyList<AuditEvent> events) => new(result, events);
}

/// <summary>
/// A unit of work that is audited: open a connection, begin a transaction, run the work, append the audit events it
/// returns, commit. The work and the events that record it commit together or not at all: work that throws, or events
/// that cannot be written, leave neither behind.
/// </summary>
/// <remarks>
/// Here in Audit rather than in Infrastructure, because it writes audit events. The transaction is the connection's
/// default one (on SQLite, Microsoft.Data.Sqlite's <c>BEGIN IMMEDIATE</c>, taken in this process's turn to write, see
/// <see cref="IDbConnectionFactory.WaitToWriteAsync"/>); locking inside it is the work's own SQL. The work must not
/// start another audited unit of work: on SQLite it would wait for its own turn.
/// </remarks>
public static class AuditedWork
{
    /// <summary>Set while this flow runs an audited unit of work, to refuse a nested one instead of waiting for ever.</summary>
    private static readonly AsyncLocal<bool> Running = new();

    public static async Task<T> RunAuditedAsync<T>(
        this IDbConnectionFactory db, Func<DbTransaction, Task<Audited<T>>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(work);
        if (Running.Value)
        {
            throw new InvalidOperationException("An audited unit of work may not start another inside it.");
        }
        Running.Value = true; // flows into the work below, and is gone again when this method returns
        using var turn = await db.WaitToWriteAsync(cancellationToken);
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var (result, events) = await work(transaction);
        if (events.Count > 0)
        {
            await AuditLog.WriteAsync(transaction, events, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return result;
    }
}
