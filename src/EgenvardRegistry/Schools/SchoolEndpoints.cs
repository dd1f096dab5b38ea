using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EgenvardRegistry.Schools;

/// <summary>
/// One line of the school unit's list: enough to see who needs a renewal soon, whom to call, and whether anyone at the
/// unit is recorded as instructed.
/// </summary>
public sealed record SchoolCertificate(
    Guid Id,
    string ChildName,
    DateOnly ValidFrom,
    DateOnly ValidUntil,
    int DaysUntilExpiry,
    IReadOnlyList<string> Measures,
    CareUnit CareUnit,
    int InstructedStaff)
{
    public static SchoolCertificate From(SchoolListEntry entry, DateOnly today)
    {
        var c = entry.Certificate;
        return new(c.Id, c.ChildName, c.ValidFrom, c.ValidUntil, c.ValidUntil.DayNumber - today.DayNumber,
            [.. c.Measures.Select(m => m.Code)], c.CareUnit, entry.InstructedStaff);
    }
}

public static class SchoolEndpoints
{
    public const int MaxExpiringWithinDays = 400;

    public static readonly ErrorCode ExpiringWithinDaysOutOfRange = new("expiring-within-days.out-of-range", $"Between 0 and {MaxExpiringWithinDays}.");

    public static IEndpointRouteBuilder MapSchools(this IEndpointRouteBuilder routes)
    {
        routes.MapApiGroup("/api/schools/me", "Schools")
            .MapGet("/certificates", ListSchoolCertificates)
            .WithName(nameof(ListSchoolCertificates))
            .RequireAuthorization(Policies.School)
            .WithSummary("Active, unexpired certificates shared with the caller's school unit, soonest expiry first, each with " +
                         "how many of the unit's staff are recorded as instructed; expiringWithinDays=N keeps those that expire " +
                         "within N days, withoutInstructedStaff=true those with no instructed staff.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return routes;
    }

    public static async Task<Results<Ok<ItemsResponse<SchoolCertificate>>, ValidationProblem>> ListSchoolCertificates(
        int? expiringWithinDays, bool? withoutInstructedStaff, Caller caller, SchoolStore store, TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (expiringWithinDays is < 0 or > MaxExpiringWithinDays)
        {
            var errors = new ValidationErrors();
            errors.Add("expiringWithinDays", ExpiringWithinDaysOutOfRange);
            return TypedResults.ValidationProblem(errors.ToProblemErrors());
        }
        var today = time.TodayInStockholm();
        var entries = await store.ListEntriesAsync(caller, today, expiringWithinDays, withoutInstructedStaff ?? false, cancellationToken);
        return TypedResults.Ok(new ItemsResponse<SchoolCertificate>([.. entries.Select(entry => SchoolCertificate.From(entry, today))]));
    }
}
