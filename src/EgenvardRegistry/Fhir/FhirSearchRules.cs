using R4 = Hl7.Fhir.Model;

namespace EgenvardRegistry.Fhir;

/// <summary>Why a search was refused: the HTTP status and the OperationOutcome issue that says why.</summary>
public sealed record FhirRefusal(int Status, R4.OperationOutcome.IssueType Code, string Diagnostics);

/// <summary>
/// Reads <c>POST CarePlan/_search</c>'s one parameter, <c>patient.identifier=system|value</c>, from the form body. The
/// system must be the personnummer's or the samordningsnummer's OID and the value 12 digits. A request that is not such a
/// search is 400; a well-formed identifier that is no valid personnummer (date, check digit) or not of its system's kind
/// is 422. Diagnostics never echo the value.
/// </summary>
public static partial class FhirSearchRules
{
    public const string Parameter = "patient.identifier";

    /// <summary>Parameters a search URL may carry: none about the patient.</summary>
    private static readonly HashSet<string> AllowedInUrl = ["_format"];

    public static (string? Personnummer, FhirRefusal? Refusal) Parse(IEnumerable<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>> form,
        IQueryCollection query, DateOnly today)
    {
        if (query.Keys.FirstOrDefault(key => !AllowedInUrl.Contains(key)) is { } inUrl)
        {
            return Refuse(StatusCodes.Status400BadRequest, R4.OperationOutcome.IssueType.NotSupported, inUrl == Parameter
                ? "patient.identifier may not be in the URL: send it in the form body, so no personnummer is in a URL."
                : $"Unsupported parameter in the URL: {Safe(inUrl)}. Send patient.identifier in the form body.");
        }
        var parameters = form.ToList();
        if (parameters.FirstOrDefault(parameter => parameter.Key != Parameter) is { Key: { } unknown })
        {
            return Refuse(StatusCodes.Status400BadRequest, R4.OperationOutcome.IssueType.NotSupported,
                $"Unsupported search parameter: {Safe(unknown)}. The one parameter is patient.identifier.");
        }
        var values = parameters.SelectMany(parameter => parameter.Value).ToList();
        if (values.Count != 1 || string.IsNullOrEmpty(values[0]))
        {
            return Refuse(StatusCodes.Status400BadRequest, R4.OperationOutcome.IssueType.Required,
                "Give patient.identifier exactly once, as system|value.");
        }
        var token = values[0]!;
        var bar = token.IndexOf('|', StringComparison.Ordinal);
        if (bar <= 0)
        {
            return Refuse(StatusCodes.Status400BadRequest, R4.OperationOutcome.IssueType.Invalid,
                $"patient.identifier must be system|value with the system {IdentifierSystems.Personnummer} or {IdentifierSystems.Samordningsnummer}.");
        }
        var (system, value) = (token[..bar], token[(bar + 1)..]);
        if (system is not (IdentifierSystems.Personnummer or IdentifierSystems.Samordningsnummer))
        {
            return Refuse(StatusCodes.Status400BadRequest, R4.OperationOutcome.IssueType.NotSupported,
                $"Unsupported identifier system: {Safe(system)}. Use {IdentifierSystems.Personnummer} (personnummer) or " +
                $"{IdentifierSystems.Samordningsnummer} (samordningsnummer).");
        }
        if (value.Length != 12 || !value.All(char.IsAsciiDigit))
        {
            return Refuse(StatusCodes.Status400BadRequest, R4.OperationOutcome.IssueType.Invalid,
                "The identifier's value must be 12 digits (YYYYMMDDNNNC), without a separator.");
        }
        if (!Identifiers.Personnummer.TryNormalize(value, today, out var personnummer))
        {
            return Refuse(StatusCodes.Status422UnprocessableEntity, R4.OperationOutcome.IssueType.Value,
                "Not a valid personnummer or samordningsnummer (date or check digit).");
        }
        if (IdentifierSystems.ForChild(personnummer) != system)
        {
            return Refuse(StatusCodes.Status422UnprocessableEntity, R4.OperationOutcome.IssueType.Value,
                "The value is not of the identifier system's kind (a samordningsnummer's day is 61–91).");
        }
        return (personnummer, null);
    }

    private static (string?, FhirRefusal?) Refuse(int status, R4.OperationOutcome.IssueType code, string diagnostics) =>
        (null, new FhirRefusal(status, code, diagnostics));

    /// <summary>A parameter name or system as the caller sent it, cut short and without digits runs, so no personnummer is echoed.</summary>
    private static string Safe(string text)
    {
        var shortened = text.Length > 100 ? text[..100] : text;
        return DigitRun().Replace(shortened, "…");
    }

    [System.Text.RegularExpressions.GeneratedRegex("[0-9]{6,}")]
    private static partial System.Text.RegularExpressions.Regex DigitRun();
}
