using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace EgenvardRegistry.Units;

/// <summary>A unit as the directory search answers it; the unit's contact address is kept for the registry's own mail.</summary>
public sealed record UnitResponse(string Id, string Name, string Kind, string Municipality, string Organiser)
{
    public static UnitResponse From(Unit unit) => new(unit.Id, unit.Name, unit.Kind, unit.Municipality, unit.Organiser);
}

/// <summary>
/// The unit directory: every signed-in role searches it (to pick a unit by name), an administrator imports it from CSV.
/// </summary>
public static class UnitEndpoints
{
    public const string CsvMediaType = "text/csv";

    public static IEndpointRouteBuilder MapUnits(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapApiGroup("/api", "Units");
        group.MapGet("/units", SearchUnits)
            .WithName(nameof(SearchUnits))
            .RequireAuthorization(Policies.AnyRole)
            .WithSummary("Search the unit directory (school units and preschools) by name and municipality: every word of query " +
                         $"must match one of them, case-insensitively. Exact names first, then names starting with the query; at most " +
                         $"limit results (1–{UnitRules.MaxLimit}, default {UnitRules.DefaultLimit}).");
        group.MapPost("/admin/units/import", ImportUnits)
            .WithName(nameof(ImportUnits))
            .RequireAuthorization(Policies.Admin)
            .WithRequestBodyLimit(UnitRules.MaxFileBytes)
            .Accepts<string>(CsvMediaType)
            .WithSummary("Import the unit directory from CSV (text/csv, UTF-8, ';' or ','): a header line naming id, name, kind, " +
                         "municipality, organiser and optionally contactEmail, then one unit per line. All or nothing: any error " +
                         "is a 400 listing lines[N].column, and nothing is imported. New units are added, changed ones updated, " +
                         "the same file again changes nothing; units the file does not name stay.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        return routes;
    }

    public static async Task<Results<Ok<ItemsResponse<UnitResponse>>, ValidationProblem>> SearchUnits(
        string? query, string? limit, Caller caller, UnitStore store, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (UnitRules.Search(query, limit, errors) is not { } search)
        {
            return TypedResults.ValidationProblem(errors.ToProblemErrors(), title: "The unit search is not valid.");
        }
        var units = await store.SearchAsync(search.Terms, search.Limit, caller, cancellationToken);
        return TypedResults.Ok(new ItemsResponse<UnitResponse>([.. units.Select(UnitResponse.From)]));
    }

    public static async Task<Results<Ok<UnitImportResult>, ValidationProblem, ProblemHttpResult>> ImportUnits(
        HttpRequest request, Caller caller, UnitStore store, CancellationToken cancellationToken)
    {
        if (!IsCsv(request.ContentType))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type",
                detail: "Send the unit file as text/csv in UTF-8.");
        }
        using var file = new MemoryStream();
        await request.Body.CopyToAsync(file, cancellationToken);
        var errors = new ValidationErrors();
        if (UnitRules.ParseFile(file.GetBuffer().AsSpan(0, (int)file.Length), errors) is not { } units)
        {
            return TypedResults.ValidationProblem(errors.ToProblemErrors(), title: "The unit file has errors; nothing was imported.",
                detail: "lines[N] counts the file's lines from 1, the header line.");
        }
        return TypedResults.Ok(await store.ImportAsync(units, caller, cancellationToken));
    }

    /// <summary>text/csv, in UTF-8 or with no charset (UTF-8 is what the import reads).</summary>
    private static bool IsCsv(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
        && mediaType.MediaType.Equals(CsvMediaType, StringComparison.OrdinalIgnoreCase)
        && (mediaType.Charset.Length == 0 || mediaType.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase));
}
