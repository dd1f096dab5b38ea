using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EgenvardRegistry.Instructions;

/// <param name="RecordedBy">The id (<c>sub</c>) of the school user who recorded the entry.</param>
/// <param name="CarriedFrom">The entry on the renewed certificate this one was carried over from, if any.</param>
public sealed record InstructedStaffResponse(
    Guid Id,
    Guid CertificateId,
    string SchoolUnit,
    string StaffName,
    string StaffRole,
    string InstructedBy,
    DateOnly InstructedOn,
    DateTimeOffset RecordedAt,
    string RecordedBy,
    Guid? CarriedFrom)
{
    public static InstructedStaffResponse From(InstructionEntry entry) => new(entry.Id, entry.CertificateId, entry.SchoolUnit,
        entry.StaffName, entry.StaffRole, entry.InstructedBy, entry.InstructedOn, entry.RecordedAt, entry.RecordedBy, entry.CarriedFrom);
}

/// <param name="MeasuresChangedAtRenewal">
/// The certificate renewed one with other measures, so no instructed staff were carried over: the school instructs its
/// staff anew.
/// </param>
public sealed record InstructedStaffListResponse(IReadOnlyList<InstructedStaffResponse> Items, bool MeasuresChangedAtRenewal);

public static class InstructionEndpoints
{
    public static IEndpointRouteBuilder MapInstructions(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapApiGroup("/api/certificates/{id:guid}/instructions", "Instructed staff")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/", RecordInstructedStaff)
            .WithName(nameof(RecordInstructedStaff))
            .RequireAuthorization(Policies.School)
            .WithIdempotency()
            .WithSummary("Record a staff member instructed in the certificate's egenvård, by whom and when (school units it is " +
                         "shared with; the entry belongs to the caller's unit). Only an active certificate: otherwise 409.")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        group.MapGet("/", ListInstructedStaff)
            .WithName(nameof(ListInstructedStaff))
            .RequireAuthorization(policy => policy.AddRequirements(new CallerRequirement(Roles.School, Roles.Clinician, Roles.Admin)))
            .WithSummary("The staff currently recorded as instructed: a school unit it is shared with sees its own; clinicians of " +
                         "the issuing care unit and admins see every unit's.");
        group.MapDelete("/{entryId:guid}", RemoveInstructedStaff)
            .WithName(nameof(RemoveInstructedStaff))
            .RequireAuthorization(Policies.School)
            .WithSummary("The staff member is no longer instructed (left, say): recorded as a removal, the history is kept. " +
                         "The caller's unit's current entries only; anything else is 404.");
        return routes;
    }

    public static async Task<Results<Created<InstructedStaffResponse>, ValidationProblem, ProblemHttpResult>> RecordInstructedStaff(
        Guid id, InstructionRequest request, Caller caller, InstructionStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var (instruction, errors) = InstructionRules.Validate(request, time.TodayInStockholm());
        if (instruction is null)
        {
            return TypedResults.ValidationProblem(errors.ToProblemErrors(), title: "The instruction record is not complete or not valid.");
        }
        var (outcome, entry) = await store.RecordAsync(id, instruction, caller, cancellationToken);
        return outcome switch
        {
            InstructionOutcome.Done => TypedResults.Created((string?)null, InstructedStaffResponse.From(entry!)),
            InstructionOutcome.Conflict => TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "The certificate is not active",
                detail: "Instructed staff are recorded on an active certificate; a renewed certificate's staff go on its renewal."),
            _ => CertificateEndpoints.NotFound(),
        };
    }

    public static async Task<Results<Ok<InstructedStaffListResponse>, ProblemHttpResult>> ListInstructedStaff(
        Guid id, Caller caller, InstructionStore store, CancellationToken cancellationToken) =>
        await store.ListAsync(id, caller, cancellationToken) is { } list
            ? TypedResults.Ok(new InstructedStaffListResponse(
                [.. list.Entries.Select(InstructedStaffResponse.From)], list.MeasuresChangedAtRenewal))
            : CertificateEndpoints.NotFound();

    public static async Task<Results<NoContent, ProblemHttpResult>> RemoveInstructedStaff(
        Guid id, Guid entryId, Caller caller, InstructionStore store, CancellationToken cancellationToken) =>
        await store.RemoveAsync(id, entryId, caller, cancellationToken) == InstructionOutcome.Done
            ? TypedResults.NoContent()
            : TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "Instructed staff entry not found",
                detail: "There is no current entry with this id on a certificate shared with your school unit.");
}
