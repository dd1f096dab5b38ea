using System.Globalization;
using System.Net.Mail;
using System.Text.RegularExpressions;

namespace EgenvardRegistry.Infrastructure.Mail;

/// <summary>
/// Writes each message as a complete RFC 5322 <c>.eml</c> file into a folder, for a first run without a mail server.
/// Every write makes a new file, so sending the same notification again never overwrites anything.
/// </summary>
public sealed partial class PickupDirectoryEmailSender(
    string directory, MailAddress from, TimeProvider time, ILogger<PickupDirectoryEmailSender> logger) : IEmailSender
{
    /// <summary>The full path of the folder.</summary>
    public string Directory { get; } = Path.GetFullPath(directory);

    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var mail = MailMessages.Create(message, from);
        // SmtpClient writes the same bytes it would send, under a random name; it writes into a staging folder of its
        // own, so the file appears in the pickup folder whole and under a name that says when and which message.
        var staging = System.IO.Directory.CreateDirectory(Path.Combine(Directory, $".staging-{Guid.NewGuid():N}"));
        try
        {
            using (var client = new SmtpClient
            {
                DeliveryMethod = SmtpDeliveryMethod.SpecifiedPickupDirectory,
                PickupDirectoryLocation = staging.FullName,
            })
            {
                await client.SendMailAsync(mail, cancellationToken);
            }
            var path = Path.Combine(Directory, FileName(message.MessageId));
            staging.GetFiles("*.eml").Single().MoveTo(path, overwrite: false);
            LogWritten(logger, message.MessageId, path);
        }
        finally
        {
            staging.Delete(recursive: true);
        }
    }

    private string FileName(string messageId)
    {
        var stamp = time.GetUtcNow().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var localPart = UnsafeInFileName().Replace(messageId.Split('@')[0], "_");
        return $"{stamp}-{localPart}-{Guid.NewGuid().ToString("N")[..8]}.eml";
    }

    [GeneratedRegex("[^A-Za-z0-9._-]")]
    private static partial Regex UnsafeInFileName();

    [LoggerMessage(Level = LogLevel.Information, Message = "Wrote message {MessageId} to {Path}")]
    private static partial void LogWritten(ILogger logger, string messageId, string path);
}
