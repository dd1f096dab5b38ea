using System.ComponentModel.DataAnnotations;
using MailKit.Security;
using MimeKit;

namespace EgenvardRegistry.Infrastructure.Mail;

/// <summary>
/// The mail relay (<c>Smtp:*</c>). With no <see cref="Host"/> the service writes <c>.eml</c> files to
/// <see cref="MailOptions.PickupDirectory"/> instead, so a first run needs no mail server.
/// </summary>
public sealed class SmtpOptions : IValidatableObject
{
    public const string Section = "Smtp";

    /// <summary>The sender of pickup-folder mail when <see cref="From"/> is not set.</summary>
    public const string DefaultFrom = "Egenvårdsregistret <noreply@egenvard.local>";

    public string? Host { get; set; }

    [Range(1, 65535, ErrorMessage = "Smtp:Port must be between 1 and 65535.")]
    public int Port { get; set; } = 25;

    /// <summary>The sender, e.g. <c>Egenvårdsregistret &lt;noreply@region.example.se&gt;</c>; required with <see cref="Host"/>.</summary>
    public string? From { get; set; }

    public string? UserName { get; set; }

    public string? Password { get; set; }

    /// <summary>
    /// <c>starttls</c> (the default: plain connection, then STARTTLS, which the server must offer), <c>tls</c> (TLS from
    /// the first byte, usually port 465) or <c>none</c> (only for a relay on a trusted network, and for tests).
    /// </summary>
    public string? Security { get; set; }

    /// <summary>The setting <see cref="Security"/> replaced; set, it stops the service with a message saying so.</summary>
    public string? EnableSsl { get; set; }

    /// <summary>How long one message may take, connection included, before it counts as a transient failure.</summary>
    [Range(1, 600, ErrorMessage = "Smtp:TimeoutSeconds must be between 1 and 600.")]
    public int TimeoutSeconds { get; set; } = 30;

    public bool UsesRelay => !string.IsNullOrWhiteSpace(Host);

    public MailboxAddress FromAddress() =>
        MailAddresses.TryParseMailbox(string.IsNullOrWhiteSpace(From) ? DefaultFrom : From, out var from)
            ? from
            : throw new InvalidOperationException("Smtp:From is not an e-mail address.");

    /// <summary>How MailKit secures the connection, from <see cref="Security"/>.</summary>
    public SecureSocketOptions SocketOptions() =>
        ParseSecurity(Security) ?? throw new InvalidOperationException($"Smtp:Security must be none, starttls or tls, not '{Security}'.");

    private static SecureSocketOptions? ParseSecurity(string? value) => value?.Trim() switch
    {
        null => SecureSocketOptions.StartTls,
        var name when name.Equals("starttls", StringComparison.OrdinalIgnoreCase) => SecureSocketOptions.StartTls,
        var name when name.Equals("tls", StringComparison.OrdinalIgnoreCase) => SecureSocketOptions.SslOnConnect,
        var name when name.Equals("none", StringComparison.OrdinalIgnoreCase) => SecureSocketOptions.None,
        _ => null,
    };

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (UsesRelay && Uri.CheckHostName(Host!.Trim()) == UriHostNameType.Unknown)
        {
            yield return new ValidationResult(
                $"Smtp:Host must be a host name or IP address, without scheme or port, not '{Host}'.", [nameof(Host)]);
        }
        // A relay delivers to the world, where a made-up sender domain is rejected or filtered as spam.
        if (UsesRelay && string.IsNullOrWhiteSpace(From))
        {
            yield return new ValidationResult(
                "Smtp:From is required when Smtp:Host is set, e.g. 'Egenvårdsregistret <noreply@region.example.se>'.",
                [nameof(From)]);
        }
        if (!string.IsNullOrWhiteSpace(From) && !MailAddresses.TryParseMailbox(From, out _))
        {
            yield return new ValidationResult($"Smtp:From must be an e-mail address, not '{From}'.", [nameof(From)]);
        }
        if (string.IsNullOrEmpty(UserName) != string.IsNullOrEmpty(Password))
        {
            yield return new ValidationResult(
                "Smtp:UserName and Smtp:Password go together: set both or neither.", [nameof(UserName), nameof(Password)]);
        }
        if (ParseSecurity(Security) is null)
        {
            yield return new ValidationResult(
                $"Smtp:Security must be none, starttls or tls, not '{Security}'.", [nameof(Security)]);
        }
        if (EnableSsl is not null)
        {
            yield return new ValidationResult(
                "Smtp:EnableSsl is no longer read: use Smtp:Security (starttls, the default; tls; or none).", [nameof(EnableSsl)]);
        }
    }
}

/// <summary>Where mail goes when no relay is configured (<c>Mail:*</c>).</summary>
public sealed class MailOptions
{
    public const string Section = "Mail";

    /// <summary>Folder for <c>.eml</c> files; a relative path is relative to the content root, like the SQLite file.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Mail:PickupDirectory must name a folder.")]
    public string PickupDirectory { get; set; } = "data/mail";
}
