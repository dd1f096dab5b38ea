using Dapper;
using EgenvardRegistry.Audit;
using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Http;
using EgenvardRegistry.Infrastructure.Database;
using EgenvardRegistry.Infrastructure.Mail;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EgenvardRegistry.Guardians;

public static class GuardianEndpoints
{
    public static readonly ErrorCode RemindersEnabledRequired = new("reminders-enabled.required", "Required: true or false.");

    public static IEndpointRouteBuilder MapGuardians(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/guardians/me").WithTags("Guardians")
            .RequireAuthorization(Policies.Guardian)
            .RequireRateLimiting(RateLimits.Api)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
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

public sealed class GuardianStore(IDbConnectionFactory db, TimeProvider time)
{
    /// <returns>The contact details, or null when no certificate names the caller as guardian.</returns>
    public async Task<GuardianContact?> GetContactAsync(Caller caller, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ContactRow>(new CommandDefinition(
            "SELECT email, reminders_enabled FROM guardians WHERE personnummer = @Personnummer",
            new { caller.Personnummer }, cancellationToken: cancellationToken));
        return row is null ? null : new GuardianContact(row.Email, row.RemindersEnabled);
    }

    private sealed class ContactRow
    {
        public string? Email { get; set; }
        public bool RemindersEnabled { get; set; }
    }

    /// <returns>False when no certificate names the caller as guardian.</returns>
    public async Task<bool> SetContactAsync(Caller caller, string? email, bool remindersEnabled, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE guardians SET email = @Email, reminders_enabled = @RemindersEnabled, updated_at = @Now
            WHERE personnummer = @Personnummer
            """, new { Email = email, RemindersEnabled = remindersEnabled, Now = time.GetUtcNow(), caller.Personnummer },
            cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Staff roles whose reads a guardian sees; guardians' own reads are left out.</summary>
    private static readonly string[] StaffRoles = [Roles.Clinician, Roles.School, Roles.Admin];

    public async Task<IReadOnlyList<Certificate>> ListCertificatesAsync(Caller caller, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var certificates = await CertificateReader.LoadSelectedAsync(transaction, db.Dialect, """
            SELECT c.id
            FROM certificates c
            JOIN certificate_guardians cg ON cg.certificate_id = c.id
            JOIN guardians g ON g.id = cg.guardian_id
            WHERE g.personnummer = @Personnummer
            ORDER BY c.issued_at DESC, c.id
            """, new { caller.Personnummer }, cancellationToken);
        await AuditLog.WriteAsync(transaction, AuditEvents.PerCertificate(caller, time.GetUtcNow(), AuditActions.GuardianList, certificates), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return certificates;
    }

    /// <summary>
    /// Reads of data about the children on certificates naming the caller as guardian, by staff, that showed them
    /// something (denied and not-found attempts showed nothing), newest first. The look is itself audited, once per child.
    /// </summary>
    public async Task<PageResponse<AccessLogEntry>> ListAccessLogAsync(Caller caller, PageRequest page, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var childIds = (await connection.QueryAsync<Guid>(new CommandDefinition("""
            SELECT DISTINCT c.child_id
            FROM certificates c
            JOIN certificate_guardians cg ON cg.certificate_id = c.id
            JOIN guardians g ON g.id = cg.guardian_id
            WHERE g.personnummer = @Personnummer
            ORDER BY c.child_id
            """, new { caller.Personnummer }, transaction, cancellationToken: cancellationToken))).ToList();
        var entries = PageResponse<AccessLogEntry>.Empty;
        if (childIds.Count > 0)
        {
            var before = page.Before is null ? "" : "AND a.id < @Before";
            var rows = (await connection.QueryAsync<AccessLogRow>(new CommandDefinition($"""
                SELECT a.id, a.occurred_at, a.actor_role, a.actor_unit, a.action, a.certificate_id
                FROM audit_events a
                WHERE {db.Dialect.InList("a.child_id", "ChildIds")}
                  AND {db.Dialect.InList("a.actor_role", "Roles")}
                  AND {db.Dialect.InList("a.action", "Actions")}
                  AND a.outcome <> @Denied AND a.outcome <> @NotFound
                  {before}
                ORDER BY a.id DESC
                LIMIT @Take
                """, new
            {
                ChildIds = db.Dialect.Ids(childIds),
                Roles = StaffRoles,
                Actions = AuditActions.Reads.ToArray(),
                Denied = AuditOutcomes.Denied,
                NotFound = AuditOutcomes.NotFound,
                page.Before,
                page.Take,
            }, transaction, cancellationToken: cancellationToken))).ToList();
            entries = PageResponse.From(rows, page, row => row.Id,
                row => new AccessLogEntry(row.OccurredAt, row.ActorRole, row.ActorUnit, row.Action, row.CertificateId));
        }
        var now = time.GetUtcNow();
        await AuditLog.WriteAsync(transaction, childIds.Count == 0
            ? [AuditEvent.By(caller, now, AuditActions.GuardianAccessLog, AuditOutcomes.Ok)]
            : childIds.Select(childId => AuditEvent.By(caller, now, AuditActions.GuardianAccessLog, AuditOutcomes.Ok, childId: childId)).ToList(),
            cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return entries;
    }

    // A row class with setters: Dapper maps SQLite's 64-bit ids and text instants onto it.
    private sealed class AccessLogRow
    {
        public long Id { get; set; }
        public DateTimeOffset OccurredAt { get; set; }
        public string ActorRole { get; set; } = "";
        public string? ActorUnit { get; set; }
        public string Action { get; set; } = "";
        public Guid? CertificateId { get; set; }
    }
}
