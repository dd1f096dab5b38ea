using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace EgenvardRegistry.Reminders;

/// <summary>
/// Signed one-click unsubscribe tokens: the guardian's internal id and an HMAC-SHA256 over it with
/// <c>Reminders:LinkSigningKey</c>. Whoever holds the link may turn that guardian's reminders off, and nothing else.
/// </summary>
public sealed class UnsubscribeLinks(byte[] key)
{
    private const int MacBytes = 16;

    public static UnsubscribeLinks From(ReminderOptions options) => new(Encoding.UTF8.GetBytes(options.LinkSigningKey));

    public string Token(Guid guardianId)
    {
        var id = guardianId.ToByteArray();
        return WebEncoders.Base64UrlEncode([.. id, .. Mac(id)]);
    }

    public Uri Url(Uri publicBaseUrl, Guid guardianId) => new(publicBaseUrl, $"reminders/unsubscribe?token={Token(guardianId)}");

    public bool TryRead(string? token, out Guid guardianId)
    {
        guardianId = Guid.Empty;
        if (string.IsNullOrEmpty(token) || token.Length > 64)
        {
            return false;
        }
        byte[] bytes;
        try
        {
            bytes = WebEncoders.Base64UrlDecode(token);
        }
        catch (FormatException)
        {
            return false;
        }
        if (bytes.Length != 16 + MacBytes || !CryptographicOperations.FixedTimeEquals(bytes.AsSpan(16), Mac(bytes.AsSpan(0, 16))))
        {
            return false;
        }
        guardianId = new Guid(bytes.AsSpan(0, 16));
        return true;
    }

    private byte[] Mac(ReadOnlySpan<byte> id) => HMACSHA256.HashData(key, id)[..MacBytes];
}
