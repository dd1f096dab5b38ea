namespace EgenvardRegistry.Web;

/// <summary>A form's errors in the order the summary lists them, looked up by field name next to each field.</summary>
public sealed class FormErrors
{
    private readonly List<FieldError> _errors = [];

    public IReadOnlyList<FieldError> All => _errors;

    public bool Any => _errors.Count > 0;

    public void Add(FieldError error) => _errors.Add(error);

    public void AddRange(IEnumerable<FieldError> errors) => _errors.AddRange(errors);

    public void Add(string field, string label, string message) => _errors.Add(new FieldError(field, label, message));

    /// <summary>Puts the errors in the order of the fields on the page (a stable sort: ties keep their order).</summary>
    public void OrderBy(Func<FieldError, int> position)
    {
        var ordered = _errors.OrderBy(position).ToList();
        _errors.Clear();
        _errors.AddRange(ordered);
    }

    public IReadOnlyList<string> For(string field) =>
        [.. _errors.Where(error => error.Field == field).Select(error => error.Message).Distinct()];
}
