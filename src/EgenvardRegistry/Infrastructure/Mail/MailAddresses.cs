using System.Diagnostics.CodeAnalysis;
using MimeKit;

namespace EgenvardRegistry.Infrastructure.Mail;

/// <summary>
/// What the service takes for an e-mail address, by MimeKit's strict RFC 5322 parser: the same rules decide which
/// address a guardian may save, which sender the settings may name, and what the senders accept.
/// </summary>
public static class MailAddresses
{
    private static readonly ParserOptions Strict = new()
    {
        AddressParserComplianceMode = RfcComplianceMode.Strict,
        AllowAddressesWithoutDomain = false,
        AllowUnquotedCommasInAddresses = false,
    };

    public static readonly ErrorCode InvalidEmail = new("email.invalid", "Not a valid e-mail address.");

    /// <summary>A plain address (no display name) with a dotted domain, at most 254 characters: what a guardian may save.</summary>
    public static bool IsValidEmail(string email) =>
        email.Length <= 254 && !email.Any(char.IsWhiteSpace)
        && TryParseAddress(email, out var address) && address.Domain.Contains('.', StringComparison.Ordinal);

    /// <summary>
    /// An optional e-mail address as given: trimmed, null when empty, and null after reporting <see cref="InvalidEmail"/>
    /// on <paramref name="field"/> when it is not one <see cref="IsValidEmail"/> accepts.
    /// </summary>
    public static string? NormalizeEmail(string? value, ValidationErrors errors, string field)
    {
        var email = value?.Trim();
        if (string.IsNullOrEmpty(email))
        {
            return null;
        }
        if (!IsValidEmail(email))
        {
            errors.Add(field, InvalidEmail);
            return null;
        }
        return email;
    }

    /// <summary>
    /// An address partly hidden, for a message that may reach someone else than its owner: the mailbox's first letter and
    /// the domain, <c>s***@example.se</c>. Enough for the owner to know it, too little for anyone else to use.
    /// </summary>
    public static string Mask(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        var at = email.LastIndexOf('@');
        if (at <= 0)
        {
            return "***";
        }
        var first = System.Globalization.StringInfo.GetNextTextElementLength(email, 0);
        return $"{email[..Math.Min(first, at)]}***{email[at..]}";
    }

    /// <summary>A bare address such as <c>sara.lind@example.se</c>: no display name, no comment, nothing around it.</summary>
    public static bool TryParseAddress(string? value, [NotNullWhen(true)] out MailboxAddress? address)
    {
        address = null;
        if (string.IsNullOrEmpty(value) || !MailboxAddress.TryParse(Strict, value, out var parsed) || parsed is null
            || parsed.Address != value || !string.IsNullOrEmpty(parsed.Name))
        {
            return false;
        }
        address = parsed;
        return true;
    }

    /// <summary>One mailbox with or without a display name, e.g. <c>Egenvårdsregistret &lt;noreply@region.example.se&gt;</c>.</summary>
    public static bool TryParseMailbox(string? value, [NotNullWhen(true)] out MailboxAddress? mailbox)
    {
        mailbox = null;
        if (string.IsNullOrWhiteSpace(value) || !MailboxAddress.TryParse(Strict, value, out var parsed) || parsed is null
            || parsed.Domain.Length == 0)
        {
            return false;
        }
        mailbox = parsed;
        return true;
    }
}
