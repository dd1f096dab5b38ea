namespace EgenvardRegistry.Identifiers;

/// <summary>Skolenhetskod: exactly eight ASCII digits.</summary>
public static class SchoolUnitCode
{
    private const int Length = 8;

    public static bool IsValid(string? value) =>
        value is { Length: Length } && value.All(char.IsAsciiDigit);
}
