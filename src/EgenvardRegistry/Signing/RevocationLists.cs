using System.Security.Cryptography;
using System.Text;
using EgenvardRegistry.Infrastructure;
using Microsoft.Net.Http.Headers;

namespace EgenvardRegistry.Signing;

/// <summary>
/// The revocation list <c>GET /api/revocations</c> publishes, read from the database and fingerprinted only when it
/// changed. Every request asks the database whether the list built last still holds (<see cref="SigningStore.RevocationStampAsync"/>:
/// a count in an index, so a change made through any node sharing the database shows in the next answer), and the
/// list is built again when it does not, or when the Stockholm day has turned.
/// </summary>
/// <remarks>
/// A certificate whose validity ended before today is left out. Such a paper fails as expired on any verifier that
/// holds this list: the page's day is never before the list's issue time (<c>today()</c> in <c>js/verifiera.js</c>
/// is the later of the device's Stockholm date and <c>issuedAt</c>), the server's verification reads the certificate's
/// own status, and a list is issued no earlier than the day it was filtered for (both come from one reading of the
/// clock). One that ends today is kept: it is still valid until midnight. Left out, the offline page says
/// <i>utgånget</i> rather than <i>återkallat</i> for such a paper; either way it is not valid.
/// </remarks>
public sealed class RevocationLists(SigningStore store, SigningKeyRing keys, TimeProvider time) : IDisposable
{
    private readonly SemaphoreSlim _building = new(1, 1);
    private BuiltRevocationList? _built;

    /// <summary>The list as it stands now, and the time it was found to (the issue time it is signed with).</summary>
    public async Task<CurrentRevocationList> CurrentAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var today = now.DateInStockholm();
        var stamp = await store.RevocationStampAsync(today, cancellationToken);
        var built = _built;
        if (built is null || built.Today != today || built.Stamp != stamp)
        {
            // One request builds; the ones that queued behind it find its list and use it.
            await _building.WaitAsync(cancellationToken);
            try
            {
                built = _built;
                if (built is null || built.Today != today || built.Stamp != stamp)
                {
                    var (read, revoked, replaced) = await store.RevokedAndReplacedAsync(today, cancellationToken);
                    built = new BuiltRevocationList(today, read, revoked, replaced);
                    _built = built;
                }
            }
            finally
            {
                _building.Release();
            }
        }
        return new CurrentRevocationList(built, now, keys.Current);
    }

    public void Dispose() => _building.Dispose();
}

/// <summary>The list as it stood when <see cref="CheckedAt"/> confirmed it, and the key that signs it.</summary>
public sealed record CurrentRevocationList(BuiltRevocationList List, DateTimeOffset CheckedAt, SigningKey Key)
{
    /// <summary>
    /// The list signed with issue time <see cref="CheckedAt"/> (whole seconds): a list reused for hours says it was
    /// current when this request found it so, as a freshly read one would. Answers within one second share a signature.
    /// </summary>
    public SignedRevocationList Sign() => List.SignedAt(DateTimeOffset.FromUnixTimeSeconds(CheckedAt.ToUnixTimeSeconds()), Key);
}

/// <summary>A signed list: the COSE_Sign1 bytes, and the same as base64 for the JSON answer.</summary>
public sealed record SignedRevocationList(DateTimeOffset IssuedAt, string KeyId, byte[] CoseBytes)
{
    public string Cose { get; } = Convert.ToBase64String(CoseBytes);
}

/// <summary>The ids of one day's list, their fingerprint (the ETag) and their CBOR, made once per list.</summary>
public sealed class BuiltRevocationList
{
    private readonly byte[] _encodedIds;
    private SignedRevocationList? _signed;

    public BuiltRevocationList(DateOnly today, RevocationStamp stamp, IReadOnlyList<Guid> revoked, IReadOnlyList<Guid> replaced)
    {
        ArgumentNullException.ThrowIfNull(revoked);
        ArgumentNullException.ThrowIfNull(replaced);
        (Today, Stamp, Revoked, Replaced) = (today, stamp, revoked, replaced);
        var fingerprint = Fingerprint(revoked, replaced);
        ETag = new EntityTagHeaderValue($"\"{fingerprint}\"", isWeak: true);
        CoseETag = new EntityTagHeaderValue($"\"{fingerprint}-cose\"", isWeak: true);
        _encodedIds = RevocationList.EncodeIds(revoked, replaced);
    }

    public DateOnly Today { get; }

    public RevocationStamp Stamp { get; }

    public IReadOnlyList<Guid> Revoked { get; }

    public IReadOnlyList<Guid> Replaced { get; }

    /// <summary>Weak: the ids decide; the issue time and the signature differ between two answers that say the same.</summary>
    public EntityTagHeaderValue ETag { get; }

    /// <summary>The same for the COSE-only answer, a representation of its own.</summary>
    public EntityTagHeaderValue CoseETag { get; }

    public SignedRevocationList SignedAt(DateTimeOffset issuedAt, SigningKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var signed = _signed;
        if (signed is null || signed.IssuedAt != issuedAt || signed.KeyId != key.KeyId)
        {
            signed = new SignedRevocationList(issuedAt, key.KeyId, RevocationList.Sign(key, issuedAt, _encodedIds));
            _signed = signed;
        }
        return signed;
    }

    private static string Fingerprint(IReadOnlyList<Guid> revoked, IReadOnlyList<Guid> replaced)
    {
        var text = new StringBuilder();
        foreach (var id in revoked)
        {
            text.Append('r').Append(id.ToString("N"));
        }
        foreach (var id in replaced)
        {
            text.Append('p').Append(id.ToString("N"));
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(text.ToString())))[..32];
    }
}
