using Dapper;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Database;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace EgenvardRegistry.Audit;

/// <summary>
/// A signed-in caller whose role may not use an endpoint on a certificate (a school trying to revoke one, say) is
/// turned away by the authorization policy before any handler runs; this records that attempt in the audit log,
/// as the handlers do for someone else's certificate.
/// </summary>
public sealed class ForbiddenAttemptAuditor(IDbConnectionFactory db, TimeProvider time) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden
            && context.Request.RouteValues.TryGetValue("id", out var value)
            && Guid.TryParse(value as string, out var certificateId))
        {
            await RecordAsync(context, certificateId);
        }
        await _default.HandleAsync(next, context, policy, authorizeResult);
    }

    private async Task RecordAsync(HttpContext context, Guid certificateId)
    {
        var user = context.User;
        var role = user.FindFirst(ClaimNames.Role)?.Value ?? "none";
        var unit = role switch
        {
            Roles.Clinician => user.FindFirst(ClaimNames.CareUnit)?.Value,
            Roles.School => user.FindFirst(ClaimNames.SchoolUnit)?.Value,
            _ => null,
        };
        var cancellationToken = context.RequestAborted;
        await db.RunAuditedAsync(async transaction =>
        {
            var childId = await transaction.Connection!.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(
                "SELECT child_id FROM certificates WHERE id = @Id", new { Id = certificateId }, transaction,
                cancellationToken: cancellationToken));
            return Audited.With(true, new AuditEvent(time.GetUtcNow(), role, user.FindFirst(ClaimNames.Subject)?.Value ?? "none",
                unit, AuditActions.ForbiddenAttempt, certificateId, childId, AuditOutcomes.Denied));
        }, cancellationToken);
    }
}
