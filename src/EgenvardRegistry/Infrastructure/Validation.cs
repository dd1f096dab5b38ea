using System.Globalization;

namespace EgenvardRegistry.Infrastructure;

/// <summary>
/// One thing that can be wrong with a value: a stable <see cref="Name"/>, and the API's English message, a composite
/// format string whose placeholders take the error's arguments. The pages look up their Swedish text by the code.
/// </summary>
public sealed record ErrorCode(string Name, string English);

/// <summary>
/// One validation error: the field it belongs to, as a JSON path (<c>measures[0].ifHarm</c>), what is wrong, and the
/// values its message names (a maximum length, an item's position). Never the value itself: it may be a personnummer.
/// </summary>
public sealed record ValidationError(string Field, ErrorCode Code, IReadOnlyList<object> Arguments)
{
    public string English => string.Format(CultureInfo.InvariantCulture, Code.English, [.. Arguments]);
}

/// <summary>
/// What is wrong with a request, in the order the rules found it. Every rule reports here; the API renders the errors
/// as an RFC 9457 <c>errors</c> map in English, the pages as Swedish messages next to their fields.
/// </summary>
public sealed class ValidationErrors
{
    private readonly List<ValidationError> _errors = [];

    public IReadOnlyList<ValidationError> All => _errors;

    public bool Any => _errors.Count > 0;

    public void Add(string field, ErrorCode code, params object[] arguments) => _errors.Add(new ValidationError(field, code, arguments));

    /// <summary>English messages by field, for <c>ValidationProblemDetails.Errors</c>; fields in the order first reported.</summary>
    public Dictionary<string, string[]> ToProblemErrors() =>
        _errors.GroupBy(error => error.Field).ToDictionary(group => group.Key, group => group.Select(error => error.English).ToArray());
}
