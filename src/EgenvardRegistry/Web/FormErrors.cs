using EgenvardRegistry.Infrastructure;

namespace EgenvardRegistry.Web;

/// <summary>An error shown on a page: the form field it belongs to (its <c>name</c>), the field's label and the message.</summary>
public sealed record FieldError(string Field, string Label, string Message);

/// <summary>Where a rule's field lands on a form: the input's <c>name</c>, and the label the error summary names it by.</summary>
public sealed record FormField(string Name, string Label);

/// <summary>A form's errors in Swedish, in the order the summary lists them, looked up by field name next to each field.</summary>
public sealed class FormErrors
{
    private readonly List<FieldError> _errors = [];

    public IReadOnlyList<FieldError> All => _errors;

    public bool Any => _errors.Count > 0;

    /// <summary>An error that is the page's own, not a rule's (the certificate changed while the form was open).</summary>
    public void Add(string field, string label, string message) => _errors.Add(new FieldError(field, label, message));

    /// <summary>
    /// The rules' errors in Swedish, each on the form field <paramref name="fieldFor"/> gives for its JSON path. A field
    /// that already shows an error keeps only that one: a date the form could not read is not also reported missing.
    /// </summary>
    public void Add(ValidationErrors errors, Func<string, FormField> fieldFor)
    {
        var already = _errors.Select(error => error.Field).ToHashSet();
        foreach (var error in errors.All)
        {
            var field = fieldFor(error.Field);
            if (!already.Contains(field.Name))
            {
                _errors.Add(new FieldError(field.Name, field.Label, SwedishMessages.For(error)));
            }
        }
    }

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
