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

    public static readonly ErrorCode SuggestedEmailRequired =
        new("suggested-email.required", "Required: the suggested address as it was shown (suggestion.email).");

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
            .WithSummary("The caller's e-mail address for reminders, where it came from (emailSource: guardian or clinician) and " +
                         "when it was set, whether reminders are on, and a different address a care unit entered on a " +
                         "certificate (suggestion: { email, suggestedAt, careUnitHsaId, careUnitName }, else null).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/contact", PutContact)
            .WithName(nameof(PutContact))
            .WithSummary("Change the e-mail address for reminders (null removes it) and turn reminders on or off. A new address " +
                         "becomes the guardian's own, which a care unit's entry no longer replaces, and a notice of the change " +
                         "goes to the old address.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        group.MapPost("/contact/suggestion/acceptance", AcceptEmailSuggestion)
            .WithName(nameof(AcceptEmailSuggestion))
            .WithSummary("Use the address a care unit suggested: body { email } with the suggested address as shown. It becomes " +
                         "the guardian's own address and a notice of the change goes to the old one. 409 when there is no " +
                         "suggestion or it is another address (read the contact again).")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        group.MapPost("/contact/suggestion/dismissal", DismissEmailSuggestion)
            .WithName(nameof(DismissEmailSuggestion))
            .WithSummary("Keep the current address and drop the care unit's suggestion: body { email } with the suggested address " +
                         "as shown. 409 when there is no suggestion or it is another address.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
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
        ContactChange request, Caller caller, GuardianStore store, CancellationToken cancellationToken)
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
        return await store.SetContactAsync(caller, email, request.RemindersEnabled!.Value, cancellationToken) is { } contact
            ? TypedResults.Ok(contact)
            : NoGuardianRecord();
    }

    public static Task<Results<Ok<GuardianContact>, ValidationProblem, ProblemHttpResult>> AcceptEmailSuggestion(
        SuggestionAnswer request, Caller caller, GuardianStore store, CancellationToken cancellationToken) =>
        AnswerSuggestion(request, accept: true, caller, store, cancellationToken);

    public static Task<Results<Ok<GuardianContact>, ValidationProblem, ProblemHttpResult>> DismissEmailSuggestion(
        SuggestionAnswer request, Caller caller, GuardianStore store, CancellationToken cancellationToken) =>
        AnswerSuggestion(request, accept: false, caller, store, cancellationToken);

    private static async Task<Results<Ok<GuardianContact>, ValidationProblem, ProblemHttpResult>> AnswerSuggestion(
        SuggestionAnswer request, bool accept, Caller caller, GuardianStore store, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var email = MailAddresses.NormalizeEmail(request.Email, errors, "email");
        if (email is null && !errors.Any)
        {
            errors.Add("email", SuggestedEmailRequired);
        }
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToProblemErrors());
        }
        var result = await store.AnswerSuggestionAsync(caller, email!, accept, cancellationToken);
        return result.Outcome switch
        {
            SuggestionOutcome.Done => TypedResults.Ok(result.Contact!),
            SuggestionOutcome.Conflict => TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "No such suggestion",
                detail: "There is no suggested address, or it is another one than the address given. Read the contact again."),
            _ => NoGuardianRecord(),
        };
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

/// <summary>A guardian's contact details as the guardian reads them.</summary>
/// <param name="EmailSource"><c>guardian</c> (set by the guardian, or a suggestion they accepted) or <c>clinician</c> (entered on a certificate); null without an address.</param>
/// <param name="Suggestion">A different address a care unit entered after the guardian set their own, until the guardian answers it.</param>
public sealed record GuardianContact(
    string? Email,
    bool RemindersEnabled,
    string? EmailSource,
    DateTimeOffset? EmailSetAt,
    EmailSuggestion? Suggestion);

/// <summary>An address a care unit entered on a certificate, kept beside the one the guardian set: which unit and when, no clinician.</summary>
public sealed record EmailSuggestion(string Email, DateTimeOffset SuggestedAt, string CareUnitHsaId, string CareUnitName);

/// <summary>Body of <c>PUT /api/guardians/me/contact</c>.</summary>
public sealed record ContactChange(string? Email, bool? RemindersEnabled);

/// <summary>Body of accepting or dismissing a suggestion: the suggested address as it was shown to the guardian.</summary>
public sealed record SuggestionAnswer(string? Email);
