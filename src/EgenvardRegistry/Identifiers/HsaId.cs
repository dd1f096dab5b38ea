namespace EgenvardRegistry.Identifiers;

/// <summary>HSA-id: "SE", a 10-digit organisation number, "-" and an alphanumeric suffix; at most 31 characters.</summary>
public static class HsaId
{
    private const string Prefix = "SE";
    private const int OrganisationNumberLength = 10;
    private const int DashIndex = 2 + OrganisationNumberLength;
    private const int MaxLength = 31;

    public static bool IsValid(string? value) =>
        value is not null
        && value.Length > DashIndex + 1
        && value.Length <= MaxLength
        && value.StartsWith(Prefix, StringComparison.Ordinal)
        && value[Prefix.Length..DashIndex].All(char.IsAsciiDigit)
        && value[DashIndex] == '-'
        && value[(DashIndex + 1)..].All(char.IsAsciiLetterOrDigit);
}
