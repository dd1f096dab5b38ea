using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace EgenvardRegistry.Tests.Infrastructure;

/// <summary>
/// Just enough of a MIME reader (MimeKit is not in the feed) to check what a mail server or the pickup folder really
/// received: unfolded headers, RFC 2047 encoded words, and the parts of a multipart body with their transfer encoding
/// (quoted-printable or base64) undone.
/// </summary>
public sealed partial class RawEmail
{
    private RawEmail(IReadOnlyList<KeyValuePair<string, string>> headers, IReadOnlyList<RawEmailPart> parts)
    {
        Headers = headers;
        Parts = parts;
    }

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>The parts of a multipart message, or the message itself as one part.</summary>
    public IReadOnlyList<RawEmailPart> Parts { get; }

    public string? Subject => Header("Subject") is { } subject ? DecodeWords(subject) : null;

    /// <summary>Every header value with encoded words decoded, and every part's decoded body: what a reader could see.</summary>
    public IEnumerable<string> Content =>
        Headers.Where(header => !header.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            .Select(header => DecodeWords(header.Value))
            .Concat(Parts.Select(part => part.Body));

    public static RawEmail Parse(string raw)
    {
        var lines = raw.ReplaceLineEndings("\n").Split('\n');
        var (headers, bodyStart) = ReadHeaders(lines, 0);
        var contentType = Find(headers, "Content-Type") ?? "text/plain";
        var parts = new List<RawEmailPart>();
        if (contentType.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase))
        {
            var boundary = Parameter(contentType, "boundary") ?? throw new FormatException("A multipart message without a boundary.");
            var partLines = new List<string>();
            var inPart = false;
            foreach (var line in lines.Skip(bodyStart))
            {
                if (line == $"--{boundary}" || line == $"--{boundary}--")
                {
                    if (inPart)
                    {
                        var (partHeaders, partBody) = ReadHeaders([.. partLines], 0);
                        parts.Add(RawEmailPart.Decode(partHeaders, partLines.Skip(partBody)));
                    }
                    partLines.Clear();
                    inPart = line == $"--{boundary}";
                }
                else if (inPart)
                {
                    partLines.Add(line);
                }
            }
        }
        else
        {
            parts.Add(RawEmailPart.Decode(headers, lines.Skip(bodyStart)));
        }
        return new RawEmail(headers, parts);
    }

    public string? Header(string name) => Find(Headers, name);

    public RawEmailPart Part(string mediaType) =>
        Parts.SingleOrDefault(part => part.MediaType.Equals(mediaType, StringComparison.OrdinalIgnoreCase))
        ?? throw new AssertionException($"No {mediaType} part; parts: {string.Join(", ", Parts.Select(part => part.MediaType))}");

    /// <summary>RFC 2047: <c>=?utf-8?B?…?=</c> and <c>=?utf-8?Q?…?=</c>; whitespace between two encoded words goes.</summary>
    public static string DecodeWords(string value) =>
        EncodedWord().Replace(BetweenEncodedWords().Replace(value, "?==?"), match =>
        {
            var encoding = Encoding.GetEncoding(match.Groups["charset"].Value);
            var text = match.Groups["text"].Value;
            return match.Groups["kind"].Value.Equals("B", StringComparison.OrdinalIgnoreCase)
                ? encoding.GetString(Convert.FromBase64String(text))
                : encoding.GetString(QuotedPrintableBytes(text.Replace('_', ' ')));
        });

    internal static byte[] QuotedPrintableBytes(string text)
    {
        var bytes = new List<byte>();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '=' && i + 2 < text.Length && text[i + 1] == '\r' && text[i + 2] == '\n')
            {
                i += 2; // soft line break
            }
            else if (text[i] == '=' && i + 2 < text.Length && Uri.IsHexDigit(text[i + 1]) && Uri.IsHexDigit(text[i + 2]))
            {
                bytes.Add(byte.Parse(text.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                i += 2;
            }
            else
            {
                bytes.Add((byte)text[i]);
            }
        }
        return [.. bytes];
    }

    internal static string? Parameter(string headerValue, string name) =>
        Regex.Match(headerValue, $"""(?:^|;)\s*{name}\s*=\s*(?:"(?<v>[^"]*)"|(?<v>[^;\s]+))""", RegexOptions.IgnoreCase) is { Success: true } match
            ? match.Groups["v"].Value
            : null;

    internal static string? Find(IEnumerable<KeyValuePair<string, string>> headers, string name) =>
        headers.Where(header => header.Key.Equals(name, StringComparison.OrdinalIgnoreCase))
            .Select(header => header.Value)
            .FirstOrDefault();

    /// <summary>Headers from <paramref name="start"/> up to the blank line, unfolded; and where the body begins.</summary>
    private static (List<KeyValuePair<string, string>> Headers, int BodyStart) ReadHeaders(string[] lines, int start)
    {
        var headers = new List<KeyValuePair<string, string>>();
        var i = start;
        for (; i < lines.Length && lines[i].Length > 0; i++)
        {
            if (lines[i][0] is ' ' or '\t' && headers.Count > 0)
            {
                headers[^1] = new(headers[^1].Key, headers[^1].Value + lines[i]);
                continue;
            }
            var colon = lines[i].IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new FormatException($"Not a header line: '{lines[i]}'");
            }
            headers.Add(new(lines[i][..colon], lines[i][(colon + 1)..].Trim()));
        }
        return (headers, Math.Min(i + 1, lines.Length));
    }

    [GeneratedRegex(@"=\?(?<charset>[^?]+)\?(?<kind>[BbQq])\?(?<text>[^?]*)\?=")]
    private static partial Regex EncodedWord();

    [GeneratedRegex(@"\?=\s+=\?")]
    private static partial Regex BetweenEncodedWords();
}

/// <summary>One body part, decoded to text.</summary>
public sealed record RawEmailPart(
    IReadOnlyList<KeyValuePair<string, string>> Headers, string MediaType, string? Charset, string TransferEncoding, string Body)
{
    internal static RawEmailPart Decode(IReadOnlyList<KeyValuePair<string, string>> headers, IEnumerable<string> bodyLines)
    {
        var contentType = RawEmail.Find(headers, "Content-Type") ?? "text/plain; charset=us-ascii";
        var mediaType = contentType.Split(';')[0].Trim();
        var charset = RawEmail.Parameter(contentType, "charset");
        var transferEncoding = (RawEmail.Find(headers, "Content-Transfer-Encoding") ?? "7bit").Trim().ToLowerInvariant();
        var raw = string.Join("\r\n", bodyLines);
        var encoding = Encoding.GetEncoding(charset ?? "us-ascii");
        var body = transferEncoding switch
        {
            "base64" => encoding.GetString(Convert.FromBase64String(string.Concat(raw.Where(c => !char.IsWhiteSpace(c))))),
            "quoted-printable" => encoding.GetString(RawEmail.QuotedPrintableBytes(raw)),
            _ => raw,
        };
        return new RawEmailPart(headers, mediaType, charset, transferEncoding, body);
    }
}
