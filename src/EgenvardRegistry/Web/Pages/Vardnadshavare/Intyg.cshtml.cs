using EgenvardRegistry.Identifiers;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Shares;
using EgenvardRegistry.Units;
using Microsoft.AspNetCore.Mvc;

namespace EgenvardRegistry.Web.Pages.Vardnadshavare;

/// <summary>
/// Which förskolor and skolor see one of the guardian's children's certificates: the guardian withdraws a unit, or picks
/// one by name to share with, and reads the consent history. Every change goes through the API's store, so it is the same
/// recorded consent event, and the same audit, as through the API.
/// </summary>
public sealed class IntygModel(ShareStore shares, UnitStore units, UnitNames names, TimeProvider time) : RegistryPageModel(time)
{
    public static readonly FormField UnitField = new(nameof(Unit), "Förskola eller skola");

    [FromRoute]
    public Guid Id { get; set; }

    /// <summary>What the guardian typed or picked: a unit's name, its label from the list, or its id.</summary>
    [BindProperty]
    public string? Unit { get; set; }

    /// <summary>After a change's redirect: the unit now shared with (<c>delat</c>) or withdrawn (<c>slutat</c>).</summary>
    [BindProperty(SupportsGet = true, Name = "delat")]
    public string? Shared { get; set; }

    [BindProperty(SupportsGet = true, Name = "slutat")]
    public string? Withdrawn { get; set; }

    public CertificateShares Shares { get; private set; } = null!;

    /// <summary>The units the picker found for what was typed, to pick among.</summary>
    public IReadOnlyList<Unit> Choices { get; private set; } = [];

    /// <summary>The directory's units the name field suggests.</summary>
    public IReadOnlyList<Unit> DataList { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        await LoadAsync(cancellationToken) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAddAsync(CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var pick = await UnitPicker.ResolveAsync(units, Unit, inDirectoryOnly: true, Caller, cancellationToken);
        pick.Report(errors, UnitField.Name);
        if (pick.Id is not null && UnitId.TryParse(pick.Id, out var unit))
        {
            var result = await shares.AddAsync(Id, unit, Caller, cancellationToken);
            switch (result.Outcome)
            {
                case ShareOutcome.Added or ShareOutcome.Unchanged:
                    return Redirect($"/vardnadshavare/intyg/{Id}?delat={unit}#enheter");
                case ShareOutcome.NotFound:
                    return NotFound();
                default:
                    errors.Add(UnitField.Name, UnitErrors.NotInDirectory);
                    break;
            }
        }
        Errors.Add(errors, _ => UnitField);
        Choices = pick.Choices;
        return await LoadAsync(cancellationToken) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostWithdrawAsync(string? unit, CancellationToken cancellationToken)
    {
        if (!UnitId.TryParse(unit, out var unitId)
            || (await shares.WithdrawAsync(Id, unitId, Caller, cancellationToken)).Outcome == ShareOutcome.NotFound)
        {
            return NotFound();
        }
        return Redirect($"/vardnadshavare/intyg/{Id}?slutat={unitId}#enheter");
    }

    /// <summary>"Solrosens förskola, Västerås", or "Okänd enhet (…)" for a unit the directory lacks.</summary>
    public string Name(string unit) => UnitText.Name(unit, Shares.Directory.GetValueOrDefault(unit) ?? names.Find(unit));

    private async Task<bool> LoadAsync(CancellationToken cancellationToken)
    {
        if (await shares.ListAsync(Id, Caller, cancellationToken) is not { } loaded)
        {
            return false;
        }
        Shares = loaded;
        await names.LoadAsync([Shared, Withdrawn], cancellationToken);
        if (loaded.CanChange)
        {
            DataList = await UnitPicker.DataListAsync(units, cancellationToken);
        }
        return true;
    }
}
