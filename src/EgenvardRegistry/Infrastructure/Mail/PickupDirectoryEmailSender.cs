using System.Globalization;
using System.Text.RegularExpressions;
using MimeKit;

namespace EgenvardRegistry.Infrastructure.Mail;

/// <summary>
/// Writes each message as a complete RFC 5322 <c>.eml</c> file into a folder, for a first run without a mail server.
/// Every write makes a new file, so sending the same notification again never overwrites anything.
/// </summary>
public sealed partial class PickupDirectoryEmailSender(
    string directory, MailboxAddress from, TimeProvider time, ILogger<PickupDirectoryEmailSender> logger) : IEmailSender
{
    // CRLF whatever the platform: the line break of a message on the wire, and what mail clients expect in an .eml file.
    private static readonly FormatOptions Eml = CreateFormat();

    /// <summary>The full path of the folder.</summary>
    public string Directory { get; } = Path.GetFullPath(directory);

    public IEmailBatch StartBatch() => new Batch(this);

    /// <summary>Writes the message as a new <c>.eml</c> file and returns its path.</summary>
    /// <exception cref="EmailSendException">The recipient is not a valid address (permanent); nothing is written.</exception>
    public async Task<string> WriteAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        using var mime = MimeMessages.Create(message, from, time.GetUtcNow());
        System.IO.Directory.CreateDirectory(Directory);
        var path = Path.Combine(Directory, FileName(message.MessageId));
        // Written under a name no reader of *.eml picks up, then renamed in the same folder: the file appears whole.
        var partial = Path.Combine(Directory, $".{Path.GetFileNameWithoutExtension(path)}.partial");
        try
        {
            await using (var stream = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, useAsync: true))
            {
                await mime.WriteToAsync(Eml, stream, cancellationToken);
            }
            File.Move(partial, path, overwrite: false);
        }
        finally
        {
            File.Delete(partial);
        }
        LogWritten(logger, message.MessageId, path);
        return path;
    }

    private string FileName(string messageId)
    {
        var stamp = time.GetUtcNow().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var localPart = UnsafeInFileName().Replace(messageId.Split('@')[0], "_");
        return $"{stamp}-{localPart}-{Guid.NewGuid().ToString("N")[..8]}.eml";
    }

    private static FormatOptions CreateFormat()
    {
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        return format;
    }

    [GeneratedRegex("[^A-Za-z0-9._-]")]
    private static partial Regex UnsafeInFileName();

    [LoggerMessage(Level = LogLevel.Information, Message = "Wrote message {MessageId} to {Path}")]
    private static partial void LogWritten(ILogger logger, string messageId, string path);

    private sealed class Batch(PickupDirectoryEmailSender owner) : IEmailBatch
    {
        public Task SendAsync(EmailMessage message, CancellationToken cancellationToken) => owner.WriteAsync(message, cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
