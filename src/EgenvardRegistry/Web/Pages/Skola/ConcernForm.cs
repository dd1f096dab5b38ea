using EgenvardRegistry.Concerns;
using EgenvardRegistry.Infrastructure;

namespace EgenvardRegistry.Web.Pages.Skola;

/// <summary>The school's concern form, on the certificate page and, with its errors, on its own page.</summary>
public sealed record ConcernFormView(Guid CertificateId, FieldView Category, FieldView Description, FieldView GuardiansInformed);

/// <summary>The concern form's fields and how the rules' JSON paths land on them.</summary>
public static class ConcernForm
{
    public static readonly FormField CategoryField = new("Category", "Vad gäller det?");
    public static readonly FormField DescriptionField = new("Description", "Vad har hänt?");
    public static readonly FormField GuardiansInformedField = new("GuardiansInformed", "Har vårdnadshavarna fått veta?");

    private static readonly IReadOnlyDictionary<string, string> YesNo = new Dictionary<string, string>
    {
        ["true"] = "Ja",
        ["false"] = "Nej",
    };

    public static ConcernFormView View(RegistryPageModel page, Guid certificateId, string? category, string? description,
        string? guardiansInformed) => new(
        certificateId,
        page.Field(CategoryField, category, options: ConcernCategories.Swedish,
            hint: "Ett tillbud visas som brådskande hos vårdenheten. Vid livsfara: ring 112."),
        page.Field(DescriptionField, description, multiline: true,
            hint: $"Vad som inte fungerar, högst {ConcernRules.MaxTextLength} tecken. Barnets personnummer behövs inte."),
        page.Field(GuardiansInformedField, guardiansInformed, options: YesNo));

    /// <summary>The request the API would get: the yes/no choice as a bool, anything else as not answered.</summary>
    public static ReportConcernRequest Request(string? category, string? description, string? guardiansInformed) =>
        new(category, description, guardiansInformed switch { "true" => true, "false" => false, _ => null });

    public static FormField FieldFor(string path) => path switch
    {
        "category" => CategoryField,
        "description" => DescriptionField,
        _ => GuardiansInformedField,
    };
}
