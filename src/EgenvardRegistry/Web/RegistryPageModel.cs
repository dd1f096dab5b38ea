using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Auth;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EgenvardRegistry.Web;

/// <summary>
/// A page of the registry: today's Stockholm date, the form kit (<see cref="Errors"/> for <c>_ErrorSummary</c>,
/// <see cref="Field"/> for <c>_Field</c>), and on a page behind one of the role folders its signed-in <see cref="Caller"/>.
/// </summary>
public abstract class RegistryPageModel(TimeProvider time) : PageModel
{
    protected TimeProvider Time { get; } = time;

    public DateOnly Today => Time.TodayInStockholm();

    /// <summary>The folder's policy has already checked the role and its claims.</summary>
    protected Caller Caller => Caller.FromPrincipal(User, Today)
        ?? throw new InvalidOperationException("A role page was reached without a valid caller.");

    public FormErrors Errors { get; } = new();

    /// <summary>A labelled field with its hint and its errors from <see cref="Errors"/>, for <c>_Field</c>.</summary>
    public FieldView Field(string name, string label, string? value, string? hint = null, string type = "text",
        bool multiline = false, IReadOnlyDictionary<string, string>? options = null, string? autocomplete = null,
        string? inputMode = null, string? dataList = null) =>
        new(name, label, value, Errors.For(name), hint, type, multiline, options, autocomplete, inputMode, dataList);

    public FieldView Field(FormField field, string? value, string? hint = null, string type = "text",
        bool multiline = false, IReadOnlyDictionary<string, string>? options = null, string? autocomplete = null,
        string? inputMode = null, string? dataList = null) =>
        Field(field.Name, field.Label, value, hint, type, multiline, options, autocomplete, inputMode, dataList);
}
