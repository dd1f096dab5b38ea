using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Http;
using EgenvardRegistry.Infrastructure.Mail;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EgenvardRegistry.Guardians;

public static class GuardianEndpoints
{
    public static readonly ErrorCode RemindersEnabledRequired = new("reminders-enabled.required", "Required: true or false.");

    public static IEndpointRouteBuilder MapGuardians(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapApiGroup("/api/guardians/me", "Guardians")
            .RequireAuthorization(Policies.Guardian);
        group.MapGet("/certificates", ListGuardianCertificates)
            .WithName(nameof(ListGuardianCertificates))
            .WithSummary("Certificates that name the caller as guardian, newest first.");
        group.MapGet("/access-log", ListAccessLog)
            .WithName(nameof(ListAccessLog))
            .WithSummary("Which care units, school units and administrators read the caller's children's data, and when, " +
                         $"newest first; paged by limit (1–{PageRequest.MaxLimit}, default {PageRequest.DefaultLimit}) and before.");
        group.MapGet("/contact", GetContact)
            .WithName(nameof(GetContact))
            .WithSummary("The caller's e-mail address for reminders, and whether reminders are on.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/contact", PutContact)
            .WithName(nameof(PutContact))
            .WithSummary("Change the e-mail address for reminders (null removes it) and turn reminders on or off.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    public static async Task<Ok<ItemsResponse<CertificateResponse>>> ListGuardianCertificates(
        Caller caller, GuardianStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var certificates = await store.ListCertificatesAsync(caller, cancellationToken);
        var today = time.TodayInStockholm();
        return TypedResults.Ok(new ItemsResponse<CertificateResponse>(
            certificates.Select(c => CertificateResponse.From(c, today, caller)).ToList()));
    }

    public static async Task<Results<Ok<GuardianContact>, ProblemHttpResult>> GetContact(
        Caller caller, GuardianStore store, CancellationToken cancellationToken) =>
        await store.GetContactAsync(caller, cancellationToken) is { } contact ? TypedResults.Ok(contact) : NoGuardianRecord();

    public static async Task<Results<Ok<GuardianContact>, ValidationProblem, ProblemHttpResult>> PutContact(
        GuardianContact request, Caller caller, GuardianStore store, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var email = MailAddresses.NormalizeEmail(request.Email, errors, "email");
        if (request.RemindersEnabled is null)
        {
            errors.Add("remindersEnabled", RemindersEnabledRequired);
        }
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToProblemErrors());
        }
        return await store.SetContactAsync(caller, email, request.RemindersEnabled!.Value, cancellationToken)
            ? TypedResults.Ok(new GuardianContact(email, request.RemindersEnabled))
            : NoGuardianRecord();
    }

    private static ProblemHttpResult NoGuardianRecord() => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "No certificate names you as guardian",
        detail: "Your contact details are kept once a certificate names you as guardian.");

    public static async Task<Results<Ok<PageResponse<AccessLogEntry>>, ValidationProblem>> ListAccessLog(
        string? limit, string? before, Caller caller, GuardianStore store, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var page = PageRequest.FromQuery(limit, before, errors);
        if (errors.Any || page is null)
        {
            return TypedResults.ValidationProblem(errors.ToProblemErrors(), title: "The access-log query is not valid.");
        }
        return TypedResults.Ok(await store.ListAccessLogAsync(caller, page, cancellationToken));
    }
}

/// <summary>
/// One access to a child's data as the guardian sees it: which unit and when (the patient's right under Patientdatalagen
/// to know which units accessed the data), never the staff member's name or id.
/// </summary>
public sealed record AccessLogEntry(DateTimeOffset OccurredAt, string ActorRole, string? Unit, string Action, Guid? CertificateId);

public sealed record GuardianContact(string? Email, bool? RemindersEnabled);
