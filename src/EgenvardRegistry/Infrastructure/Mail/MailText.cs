namespace EgenvardRegistry.Infrastructure.Mail;

/// <summary>Text that goes into a header or a single line of a message.</summary>
public static class MailText
{
    /// <summary>
    /// One line: each run of whitespace, line breaks included, becomes one space and other control characters go, so a
    /// value from a certificate can neither start a header of its own nor break the layout.
    /// </summary>
    public static string OneLine(string? value) =>
        string.Join(' ', (value ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Select(part => new string([.. part.Where(character => !char.IsControl(character))]))
            .Where(part => part.Length > 0));
}
