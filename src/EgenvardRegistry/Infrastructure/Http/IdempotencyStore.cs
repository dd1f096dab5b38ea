using System.Text.Json;
using Dapper;
using EgenvardRegistry.Infrastructure.Database;

namespace EgenvardRegistry.Infrastructure.Http;

/// <summary>The first response to a request made with an <c>Idempotency-Key</c>, as it is sent again.</summary>
public sealed record StoredResponse(int Status, IReadOnlyDictionary<string, string> Headers, byte[] Body);

public enum ClaimOutcome
{
    /// <summary>The key is now this request's: run it and store its response.</summary>
    Claimed,

    /// <summary>The same request ran before: send <see cref="IdempotencyClaim.Response"/> again.</summary>
    Replay,

    /// <summary>The key belongs to a request with another method, path or body.</summary>
    DifferentRequest,

    /// <summary>The same request is still running.</summary>
    InFlight,
}

public sealed record IdempotencyClaim(ClaimOutcome Outcome, StoredResponse? Response = null);

/// <summary>
/// Claims <c>Idempotency-Key</c>s per caller and keeps the first response to each for
/// <see cref="Idempotency.Lifetime"/>. The request itself is kept only as its hash.
/// </summary>
public sealed class IdempotencyStore(IDbConnectionFactory db)
{
    private const string InFlight = "in-flight";
    private const string Done = "done";

    public async Task<IdempotencyClaim> ClaimAsync(
        string caller, string key, string requestHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var parameters = new
        {
            Caller = caller,
            Key = key,
            RequestHash = requestHash,
            State = InFlight,
            Now = now,
            ExpiresAt = now + Idempotency.Lifetime,
        };
        await using var connection = await db.OpenAsync(cancellationToken);
        // The row can vanish between the insert and the read (released after a failure): then claim it again.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                DELETE FROM idempotency_keys
                WHERE caller = @Caller AND idempotency_key = @Key AND expires_at <= @Now
                """, parameters, cancellationToken: cancellationToken));
            // The primary key decides between simultaneous requests: exactly one of them inserts.
            var inserted = await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO idempotency_keys (caller, idempotency_key, request_hash, state, created_at, expires_at)
                VALUES (@Caller, @Key, @RequestHash, @State, @Now, @ExpiresAt)
                ON CONFLICT (caller, idempotency_key) DO NOTHING
                """, parameters, cancellationToken: cancellationToken));
            if (inserted == 1)
            {
                return new IdempotencyClaim(ClaimOutcome.Claimed);
            }
            var row = await connection.QuerySingleOrDefaultAsync<KeyRow>(new CommandDefinition("""
                SELECT request_hash, state, response_status, response_headers, response_body
                FROM idempotency_keys
                WHERE caller = @Caller AND idempotency_key = @Key AND expires_at > @Now
                """, parameters, cancellationToken: cancellationToken));
            if (row is null)
            {
                continue;
            }
            if (row.RequestHash != requestHash)
            {
                return new IdempotencyClaim(ClaimOutcome.DifferentRequest);
            }
            if (row.State != Done)
            {
                return new IdempotencyClaim(ClaimOutcome.InFlight);
            }
            var headers = JsonSerializer.Deserialize<Dictionary<string, string>>(row.ResponseHeaders ?? "{}") ?? [];
            return new IdempotencyClaim(ClaimOutcome.Replay,
                new StoredResponse(row.ResponseStatus!.Value, headers, row.ResponseBody ?? []));
        }
        return new IdempotencyClaim(ClaimOutcome.InFlight);
    }

    /// <summary>Stores the response to a claimed key, which later requests with the same key get again.</summary>
    public async Task CompleteAsync(string caller, string key, StoredResponse response, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE idempotency_keys
            SET state = @Done, response_status = @Status, response_headers = @Headers, response_body = @Body
            WHERE caller = @Caller AND idempotency_key = @Key AND state = @InFlight
            """, new
        {
            Caller = caller,
            Key = key,
            Done,
            InFlight,
            response.Status,
            Headers = JsonSerializer.Serialize(response.Headers),
            response.Body,
        }, cancellationToken: cancellationToken));
    }

    /// <summary>Gives up a claimed key whose request failed, so the client may try again with it.</summary>
    public async Task ReleaseAsync(string caller, string key, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            DELETE FROM idempotency_keys
            WHERE caller = @Caller AND idempotency_key = @Key AND state = @InFlight
            """, new { Caller = caller, Key = key, InFlight }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Deletes every key past its 24 hours. The stored responses hold children's data, so they are not kept longer than
    /// their purpose needs; without this an expired row would wait for its caller to reuse the same key.
    /// </summary>
    /// <returns>How many rows were deleted.</returns>
    public async Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM idempotency_keys WHERE expires_at <= @Now", new { Now = now }, cancellationToken: cancellationToken));
    }

    // A row class with setters: Dapper maps SQLite's 64-bit integers onto it, which constructor mapping refuses.
    private sealed class KeyRow
    {
        public string RequestHash { get; set; } = "";
        public string State { get; set; } = "";
        public int? ResponseStatus { get; set; }
        public string? ResponseHeaders { get; set; }
        public byte[]? ResponseBody { get; set; }
    }
}
