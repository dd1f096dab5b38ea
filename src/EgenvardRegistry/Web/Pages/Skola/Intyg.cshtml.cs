using System.Globalization;
using EgenvardRegistry.Certificates;
using EgenvardRegistry.Concerns;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Instructions;
using EgenvardRegistry.Web.Pages.Vard;
using Microsoft.AspNetCore.Mvc;

namespace EgenvardRegistry.Web.Pages.Skola;

/// <summary>
/// One certificate as the school sees it: where the QR code on a printed certificate leads, and where the school keeps
/// the list of its staff instructed in the egenvård. Both are read and written through the API's stores, so only a
/// unit the certificate is shared with sees it, and every read and write is audited.
/// </summary>
public sealed class IntygModel(CertificateStore certificates, InstructionStore instructions, ConcernStore concerns, TimeProvider time) : RegistryPageModel(time)
{
    public static readonly FormField StaffNameField = new(nameof(StaffName), "Namn");
    public static readonly FormField StaffRoleField = new(nameof(StaffRole), "Roll");
    public static readonly FormField InstructedByField = new(nameof(InstructedBy), "Instruerad av");
    public static readonly FormField InstructedOnField = new(nameof(InstructedOn), "Datum för instruktionen");

    public Certificate Certificate { get; private set; } = null!;

    public InstructionList Instructions { get; private set; } = null!;

    [BindProperty]
    public string? StaffName { get; set; }

    [BindProperty]
    public string? StaffRole { get; set; }

    [BindProperty]
    public string? InstructedBy { get; set; }

    [BindProperty]
    public string? InstructedOn { get; set; }

    /// <summary>What the last change did, after its redirect: <c>registrerad</c> or <c>borttagen</c>.</summary>
    [BindProperty(SupportsGet = true, Name = "klart")]
    public string? Done { get; set; }

    /// <summary>A change that could not be made, said in Swedish.</summary>
    public string? Message { get; private set; }

    /// <summary>The concerns this school unit raised on the certificate, newest first.</summary>
    public IReadOnlyList<Concern> Concerns { get; private set; } = [];

    /// <summary>Back from the concern form: say that it was sent.</summary>
    public bool ConcernSent => Request.Query["arende"] == "skickat";

    /// <summary>Valid today for the measures on it: the school's check, for each measure the certificate names.</summary>
    public bool ValidToday => Certificate.Measures.Any(measure => Certificate.IsValidFor(measure.Code, Today));

    /// <summary>Staff are recorded on an active certificate; a renewed one's go on its renewal.</summary>
    public bool CanRecord => Certificate.Status == CertificateStatus.Active;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAddAsync(Guid id, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var date = Date(InstructedOn, errors);
        var (instruction, ruleErrors) = InstructionRules.Validate(new InstructionRequest(StaffName, StaffRole, InstructedBy, date), Today);
        Errors.Add(errors, FieldFor);
        Errors.Add(ruleErrors, FieldFor);
        if (instruction is not null && !errors.Any)
        {
            var (outcome, _) = await instructions.RecordAsync(id, instruction, Caller, cancellationToken);
            if (outcome == InstructionOutcome.Done)
            {
                return Redirect($"/skola/intyg/{id}?klart=registrerad#instruerad-personal");
            }
            Message = "Intyget är inte längre aktivt. Registrera personalen på det intyg som gäller nu.";
        }
        return await LoadAsync(id, cancellationToken) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostRemoveAsync(Guid id, Guid entryId, CancellationToken cancellationToken)
    {
        if (await instructions.RemoveAsync(id, entryId, Caller, cancellationToken) == InstructionOutcome.Done)
        {
            return Redirect($"/skola/intyg/{id}?klart=borttagen#instruerad-personal");
        }
        Message = "Personen fanns inte längre i listan.";
        return await LoadAsync(id, cancellationToken) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await certificates.ReadAsync(id, Caller, cancellationToken) is not { } certificate
            || await instructions.ListAsync(id, Caller, cancellationToken) is not { } list)
        {
            return false;
        }
        (Certificate, Instructions) = (certificate, list);
        Concerns = await concerns.ListForCertificateAsync(id, Caller, cancellationToken) ?? [];
        return true;
    }

    /// <summary>A date the browser did not send as YYYY-MM-DD is the form's own error; a missing one is the rules'.</summary>
    private static DateOnly? Date(string? text, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }
        errors.Add("instructedOn", CertificateForm.NotADate);
        return null;
    }

    private static FormField FieldFor(string path) => path switch
    {
        "staffName" => StaffNameField,
        "staffRole" => StaffRoleField,
        "instructedBy" => InstructedByField,
        _ => InstructedOnField,
    };
}
