using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Schools;
using EgenvardRegistry.Verification;
using Microsoft.AspNetCore.Mvc;

namespace EgenvardRegistry.Web.Pages.Skola;

/// <summary>
/// School staff check, before they help a child, that a valid certificate covers the measure today; the answer reads
/// at a glance. The check is the API's (its rules and <see cref="VerificationStore"/>): only certificates shared with
/// the unit count, and every check is audited.
/// </summary>
public sealed class IndexModel(VerificationStore verifications, SchoolStore schools, TimeProvider time) : RegistryPageModel(time)
{
    public static readonly FormField PersonnummerField = new(nameof(Personnummer), "Barnets personnummer");

    public static readonly FormField MeasureField = new(nameof(Measure), "Åtgärd");

    [BindProperty]
    public string? Personnummer { get; set; }

    [BindProperty]
    public string? Measure { get; set; }

    public VerificationOutcome? Outcome { get; private set; }

    public IReadOnlyList<Certificate> Expiring { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Expiring = await schools.ListAsync(Caller, Today, 30, cancellationToken);

    public async Task OnPostAsync(CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var (personnummer, measure) = VerificationEndpoints.Validate(new VerificationRequest(Personnummer, Measure), Today, errors);
        Errors.Add(errors, path => path == "measure" ? MeasureField : PersonnummerField);
        if (!errors.Any)
        {
            Outcome = await verifications.VerifyAsync(personnummer!, measure!, Caller, Today, cancellationToken);
        }
        Expiring = await schools.ListAsync(Caller, Today, 30, cancellationToken);
    }
}
