using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EgenvardRegistry.Renewals;

/// <summary>
/// What the care unit has due: certificates that expire soon with no renewal, and planned follow-ups that have passed
/// without one recorded (<i>uppföljning gjord</i>), so the unit books the reassessment before the school must stop.
/// </summary>
public static class RenewalEndpoints
{
    public static IEndpointRouteBuilder MapRenewals(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapApiGroup("/api", "Renewals");
        group.MapGet("/care-units/me/renewals", ListRenewals)
            .WithName(nameof(ListRenewals))
            .RequireAuthorization(Policies.Clinician)
            .WithSummary($"The caller's care unit's renewal worklist: active, unexpired certificates with no renewal that expire " +
                         $"within withinDays days ({RenewalRules.MinWithinDays}–{RenewalRules.MaxWithinDays}, default " +
                         $"{RenewalRules.DefaultWithinDays}; today in Europe/Stockholm), and those whose followUpOn has passed " +
                         "with no follow-up recorded. Soonest expiry first, then overdue follow-ups; each with the reminders " +
                         $"already sent to the guardians, the open concerns and the schools' open requests for the child. Paged by limit (1–{RenewalRules.MaxLimit}, default " +
                         $"{RenewalRules.DefaultLimit}) and offset (nextOffset of the previous page).");
        group.MapPost("/certificates/{id:guid}/follow-ups", RecordFollowUp)
            .WithName(nameof(RecordFollowUp))
            .RequireAuthorization(Policies.Clinician)
            .WithIdempotency()
            .WithSummary("Record that the certificate's planned follow-up was done (clinician of the issuing care unit): doneOn " +
                         "not after today and not before the certificate was issued, an optional note. Only an active " +
                         "certificate: a revoked or replaced one is 409.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        group.MapGet("/certificates/{id:guid}/follow-ups", ListFollowUps)
            .WithName(nameof(ListFollowUps))
            .RequireAuthorization(policy => policy.AddRequirements(new CallerRequirement(Roles.Clinician, Roles.Guardian, Roles.Admin)))
            .WithSummary("A certificate's recorded follow-ups, latest first: clinicians of the issuing care unit, the child's " +
                         "guardians (without who recorded them) and admins. Schools do not see them.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    public static async Task<Results<Ok<RenewalWorklistResponse>, ValidationProblem>> ListRenewals(
        string? withinDays, string? limit, string? offset, Caller caller, RenewalStore store, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (RenewalRules.Query(withinDays, limit, offset, errors) is not { } query)
        {
            return TypedResults.ValidationProblem(errors.ToProblemErrors(), title: "The worklist query is not valid.");
        }
        var worklist = await store.WorklistAsync(caller, time.TodayInStockholm(), query, cancellationToken);
        return TypedResults.Ok(new RenewalWorklistResponse([.. worklist.Items.Select(RenewalItem.From)], worklist.NextOffset));
    }

    public static async Task<Results<Created<FollowUpResponse>, ValidationProblem, ProblemHttpResult>> RecordFollowUp(
        Guid id, FollowUpRequest request, Caller caller, RenewalStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (RenewalRules.Validate(request, time.TodayInStockholm(), errors) is not { } followUp)
        {
            return TypedResults.ValidationProblem(errors.ToProblemErrors(), title: "The follow-up is not complete or not valid.");
        }
        var result = await store.RecordFollowUpAsync(id, followUp, caller, cancellationToken);
        return result switch
        {
            { FollowUp: { } recorded } => TypedResults.Created($"/api/certificates/{id}/follow-ups",
                FollowUpResponse.From(recorded, caller)),
            { Outcome: FollowUpOutcome.Invalid } => TypedResults.ValidationProblem(result.Errors!.ToProblemErrors(),
                title: "The follow-up is not complete or not valid."),
            { Outcome: FollowUpOutcome.Conflict } => TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "The certificate is not active",
                detail: "A follow-up is recorded on an active certificate; a renewed certificate's follow-up goes on its renewal."),
            _ => CertificateEndpoints.NotFound(),
        };
    }

    public static async Task<Results<Ok<ItemsResponse<FollowUpResponse>>, ProblemHttpResult>> ListFollowUps(
        Guid id, Caller caller, RenewalStore store, CancellationToken cancellationToken) =>
        await store.ListFollowUpsAsync(id, caller, cancellationToken) is { } followUps
            ? TypedResults.Ok(new ItemsResponse<FollowUpResponse>([.. followUps.Select(followUp => FollowUpResponse.From(followUp, caller))]))
            : CertificateEndpoints.NotFound();
}
