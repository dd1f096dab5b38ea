using System.Text;

namespace EgenvardRegistry.Signing;

/// <summary>
/// Base45 (RFC 9285): two bytes become three characters of the QR code's alphanumeric alphabet, so a QR code carries
/// the bytes in alphanumeric mode, about a third denser than Base64 in byte mode.
/// </summary>
public static class Base45
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder((bytes.Length + 1) / 2 * 3);
        for (var i = 0; i + 1 < bytes.Length; i += 2)
        {
            var n = bytes[i] * 256 + bytes[i + 1];
            text.Append(Alphabet[n % 45]).Append(Alphabet[n / 45 % 45]).Append(Alphabet[n / (45 * 45)]);
        }
        if (bytes.Length % 2 == 1)
        {
            var n = bytes[^1];
            text.Append(Alphabet[n % 45]).Append(Alphabet[n / 45]);
        }
        return text.ToString();
    }

    /// <summary>The bytes, or null when the text is not Base45 (a character outside the alphabet, a length of 3k+1, a value too large).</summary>
    public static byte[]? TryDecode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length % 3 == 1)
        {
            return null;
        }
        var bytes = new byte[text.Length / 3 * 2 + (text.Length % 3 == 2 ? 1 : 0)];
        var position = 0;
        for (var i = 0; i < text.Length; i += 3)
        {
            var chunk = Math.Min(3, text.Length - i);
            var n = 0;
            for (var j = chunk - 1; j >= 0; j--)
            {
                var digit = Alphabet.IndexOf(text[i + j], StringComparison.Ordinal);
                if (digit < 0)
                {
                    return null;
                }
                n = n * 45 + digit;
            }
            if (chunk == 3)
            {
                if (n > 0xFFFF)
                {
                    return null;
                }
                bytes[position++] = (byte)(n >> 8);
                bytes[position++] = (byte)n;
            }
            else
            {
                if (n > 0xFF)
                {
                    return null;
                }
                bytes[position++] = (byte)n;
            }
        }
        return bytes;
    }
}
