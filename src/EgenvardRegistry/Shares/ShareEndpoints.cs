using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Http;
using EgenvardRegistry.Units;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EgenvardRegistry.Shares;

/// <summary>The unit a guardian shares a certificate with: a skolenhetskod or a preschool id from the unit directory.</summary>
public sealed record ShareRequest(string? Unit);

/// <summary>A unit by id, with the directory's name, kind, municipality and organiser; those are null when the directory lacks it.</summary>
public sealed record SharedUnit(string Id, string? Name, string? Kind, string? Municipality, string? Organiser)
{
    public static SharedUnit From(string id, IReadOnlyDictionary<string, Unit> directory) =>
        directory.TryGetValue(id, out var unit)
            ? new SharedUnit(id, unit.Name, unit.Kind, unit.Municipality, unit.Organiser)
            : new SharedUnit(id, null, null, null, null);
}

/// <summary>Who recorded a consent event, as the guardians see it: the role and the name, never an id.</summary>
public sealed record ConsentBy(string Role, string Name);

/// <summary>
/// One consent event: a unit <c>add</c>ed or <c>withdraw</c>n, on the basis <c>guardian</c> (the guardian's own change),
/// <c>at-guardians-request</c> (a clinician's sharedWith at issue or renewal) or <c>carried-over</c> (a renewal kept the
/// units), on this certificate or one it renewed (<see cref="CertificateId"/>).
/// </summary>
public sealed record ConsentEventResponse(DateTimeOffset At, string Change, string Basis, SharedUnit Unit, ConsentBy By, Guid CertificateId)
{
    public static ConsentEventResponse From(ConsentEvent consent, IReadOnlyDictionary<string, Unit> directory) => new(
        consent.OccurredAt, consent.Change, consent.Basis, SharedUnit.From(consent.UnitId, directory),
        new ConsentBy(consent.ActorRole, consent.ActorName), consent.CertificateId);
}

/// <param name="CanChange">True for the current, active certificate: only there can units be added or withdrawn.</param>
/// <param name="Units">The units that can see the certificate now.</param>
/// <param name="History">Consent events of the certificate and of those it renewed, newest first.</param>
public sealed record CertificateSharesResponse(
    Guid CertificateId, bool CanChange, IReadOnlyList<SharedUnit> Units, IReadOnlyList<ConsentEventResponse> History)
{
    public static CertificateSharesResponse From(CertificateShares shares) => new(
        shares.Certificate.Id,
        shares.CanChange,
        [.. shares.Units.Select(unit => SharedUnit.From(unit, shares.Directory))],
        [.. shares.History.Select(consent => ConsentEventResponse.From(consent, shares.Directory))]);
}

/// <summary>
/// The guardian decides which units see a certificate: lists them with the consent history, adds a unit from the
/// directory, withdraws one. Both changes are idempotent: adding a unit that can already see the certificate answers 200
/// with the state as it is, withdrawing one that cannot answers 204; neither records a consent event.
/// </summary>
public static class ShareEndpoints
{
    public static IEndpointRouteBuilder MapShares(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapApiGroup("/api/guardians/me/certificates/{id:guid}/shares", "Sharing")
            .RequireAuthorization(Policies.Guardian)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/", ListCertificateShares)
            .WithName(nameof(ListCertificateShares))
            .WithSummary("The units that can see one of the caller's children's certificates, by name, and its consent history " +
                         "(this certificate's and those it renewed), newest first.");
        group.MapPost("/", ShareCertificate)
            .WithName(nameof(ShareCertificate))
            .WithSummary("Let a unit from the directory see the certificate (guardian of the child, current active certificate; " +
                         "otherwise 404): 201 and a consent event; 200 and nothing recorded when the unit can already see it. " +
                         "A unit not in the directory is a 400 on the field unit.")
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        group.MapDelete("/{unit}", WithdrawCertificateShare)
            .WithName(nameof(WithdrawCertificateShare))
            .WithSummary("Withdraw a unit's access (guardian of the child, current active certificate; otherwise 404): 204 and a " +
                         "consent event; 204 and nothing recorded when the unit could not see it. The unit's next verification " +
                         "answers none, and the unit is e-mailed when the directory has its contact address.");
        return routes;
    }

    public static async Task<Results<Ok<CertificateSharesResponse>, ProblemHttpResult>> ListCertificateShares(
        Guid id, Caller caller, ShareStore store, CancellationToken cancellationToken) =>
        await store.ListAsync(id, caller, cancellationToken) is { } shares
            ? TypedResults.Ok(CertificateSharesResponse.From(shares))
            : CertificateEndpoints.NotFound();

    public static async Task<Results<Created<CertificateSharesResponse>, Ok<CertificateSharesResponse>, ValidationProblem, ProblemHttpResult>>
        ShareCertificate(Guid id, ShareRequest request, Caller caller, ShareStore store, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (UnitRules.Id(request.Unit, errors, "unit") is not { } unit)
        {
            return TypedResults.ValidationProblem(errors.ToProblemErrors(), title: "The unit is not valid.");
        }
        var result = await store.AddAsync(id, unit, caller, cancellationToken);
        switch (result.Outcome)
        {
            case ShareOutcome.Added:
                return TypedResults.Created($"/api/guardians/me/certificates/{id}/shares/{unit}", CertificateSharesResponse.From(result.Shares!));
            case ShareOutcome.Unchanged:
                return TypedResults.Ok(CertificateSharesResponse.From(result.Shares!));
            case ShareOutcome.UnknownUnit:
                errors.Add("unit", UnitErrors.NotInDirectory);
                return TypedResults.ValidationProblem(errors.ToProblemErrors(), title: "The unit is not valid.");
            default:
                return NotFound();
        }
    }

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> WithdrawCertificateShare(
        Guid id, string unit, Caller caller, ShareStore store, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (UnitRules.Id(unit, errors, "unit") is not { } unitId)
        {
            return TypedResults.ValidationProblem(errors.ToProblemErrors(), title: "The unit is not valid.");
        }
        return (await store.WithdrawAsync(id, unitId, caller, cancellationToken)).Outcome == ShareOutcome.NotFound
            ? NotFound()
            : TypedResults.NoContent();
    }

    private static ProblemHttpResult NotFound() => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Certificate not found",
        detail: "No current, active certificate with this id names you as guardian.");
}
