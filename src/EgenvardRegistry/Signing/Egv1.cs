using System.IO.Compression;

namespace EgenvardRegistry.Signing;

/// <summary>
/// The text a QR code carries: <c>EGV1:</c> + Base45(zlib(COSE_Sign1)), the EU Digital COVID Certificate's
/// construction. Base45's alphabet is the QR code's alphanumeric mode, so the whole text encodes in that mode.
/// </summary>
public static class Egv1
{
    public const string Prefix = "EGV1:";

    /// <summary>More than any certificate inflates to; a larger result is refused rather than read (a zlib bomb).</summary>
    private const int MaxInflatedBytes = 16 * 1024;

    public static string Wrap(byte[] coseSign1)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            zlib.Write(coseSign1);
        }
        return Prefix + Base45.Encode(compressed.ToArray());
    }

    /// <summary>The COSE_Sign1 bytes, or null when the text is not <c>EGV1:</c> + Base45 of a zlib stream.</summary>
    public static byte[]? TryUnwrap(string? text)
    {
        var trimmed = text?.Trim();
        if (trimmed is null || !trimmed.StartsWith(Prefix, StringComparison.Ordinal)
            || Base45.TryDecode(trimmed[Prefix.Length..]) is not { } compressed)
        {
            return null;
        }
        try
        {
            using var zlib = new ZLibStream(new MemoryStream(compressed), CompressionMode.Decompress);
            using var inflated = new MemoryStream();
            var buffer = new byte[4096];
            int read;
            while ((read = zlib.Read(buffer)) > 0)
            {
                inflated.Write(buffer, 0, read);
                if (inflated.Length > MaxInflatedBytes)
                {
                    return null;
                }
            }
            return inflated.Length == 0 ? null : inflated.ToArray();
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }
}
