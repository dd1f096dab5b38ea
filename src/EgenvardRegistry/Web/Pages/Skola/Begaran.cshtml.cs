using System.Globalization;
using System.Text.RegularExpressions;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Requests;
using Microsoft.AspNetCore.Mvc;

namespace EgenvardRegistry.Web.Pages.Skola;

/// <summary>
/// Begär intyg via vårdnadshavare: the school asks for a certificate through the guardians. A "none" or "expired" verdict
/// on <c>/skola</c> opens this form by a POST carrying the personnummer and measures, so the personnummer is never in a
/// URL. The API's rules and store create the request, so asking again while one is open gives that one.
/// </summary>
public sealed partial class BegaranModel(CertificateRequestStore requests, TimeProvider time) : RegistryPageModel(time)
{
    public static readonly FormField PersonnummerField = new(nameof(Personnummer), "Barnets personnummer");
    public static readonly FormField ChildNameField = new(nameof(ChildName), "Barnets namn");
    public static readonly FormField MeasuresField = new(nameof(Measures), "Åtgärder");
    public static readonly FormField MessageField = new(nameof(Message), "Meddelande till vårdnadshavarna (valfritt)");

    /// <summary>The two guardians' fields; index 0 is the first.</summary>
    public static readonly IReadOnlyList<(FormField Name, FormField Email)> GuardianFields =
    [
        (new(nameof(Guardian1Name), "Vårdnadshavare 1: namn"), new(nameof(Guardian1Email), "Vårdnadshavare 1: e-postadress")),
        (new(nameof(Guardian2Name), "Vårdnadshavare 2: namn"), new(nameof(Guardian2Email), "Vårdnadshavare 2: e-postadress")),
    ];

    [BindProperty]
    public string? Personnummer { get; set; }

    [BindProperty]
    public string? ChildName { get; set; }

    [BindProperty]
    public List<string> Measures { get; set; } = [];

    [BindProperty]
    public string? Message { get; set; }

    [BindProperty]
    public string? Guardian1Name { get; set; }

    [BindProperty]
    public string? Guardian1Email { get; set; }

    [BindProperty]
    public string? Guardian2Name { get; set; }

    [BindProperty]
    public string? Guardian2Email { get; set; }

    public void OnGet()
    {
    }

    /// <summary>From a verdict on <c>/skola</c>: the form, filled in with what the check knew.</summary>
    public IActionResult OnPostStart() => Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        // A guardian row left empty is not a guardian; the rest keep their place on the form for the errors.
        var rows = new[] { (Guardian1Name, Guardian1Email), (Guardian2Name, Guardian2Email) }
            .Select((row, index) => (row.Item1, row.Item2, index))
            .Where(row => !string.IsNullOrWhiteSpace(row.Item1) || !string.IsNullOrWhiteSpace(row.Item2))
            .ToList();
        var body = new CreateRequestBody(Personnummer, ChildName, [.. Measures], Message,
            [.. rows.Select(row => (RequestGuardianInput?)new RequestGuardianInput(row.Item1, row.Item2))]);
        var errors = new ValidationErrors();
        if (RequestRules.Validate(body, Today, errors) is not { } input)
        {
            Errors.Add(errors, path => FieldFor(path, [.. rows.Select(row => row.index)]));
            return Page();
        }
        var result = await requests.CreateAsync(input, Caller, cancellationToken);
        if (result.Outcome == CreateOutcome.NoKnownGuardians)
        {
            errors.Add("guardians", RequestErrors.GuardiansUnknown);
            Errors.Add(errors, path => FieldFor(path, []));
            return Page();
        }
        return LocalRedirect($"/skola?begaran={(result.Outcome == CreateOutcome.Created ? "skickad" : "fanns")}#begaranden");
    }

    /// <summary>The form field a rule's JSON path lands on; <paramref name="rows"/> maps a guardian's index to its row on the form.</summary>
    public static FormField FieldFor(string path, IReadOnlyList<int> rows)
    {
        if (path.StartsWith("measures", StringComparison.Ordinal))
        {
            return MeasuresField;
        }
        if (GuardianPath().Match(path) is { Success: true } match)
        {
            var index = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            var row = GuardianFields[index < rows.Count ? rows[index] : Math.Min(index, GuardianFields.Count - 1)];
            return match.Groups[2].Value == ".email" ? row.Email : row.Name;
        }
        return path switch
        {
            "personnummer" => PersonnummerField,
            "childName" => ChildNameField,
            "message" => MessageField,
            _ => GuardianFields[0].Name, // "guardians": the list as a whole
        };
    }

    [GeneratedRegex(@"^guardians\[(\d+)\](\.name|\.email)?$")]
    private static partial Regex GuardianPath();
}
