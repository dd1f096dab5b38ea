using EgenvardRegistry.Identifiers;
using EgenvardRegistry.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace EgenvardRegistry.Audit;

/// <summary>
/// A signed-in caller whose role may not use an endpoint on a certificate (a school trying to revoke one, say) is
/// turned away by the authorization policy before any handler runs; this records that attempt in the audit log,
/// as the handlers do for someone else's certificate.
/// </summary>
public sealed class ForbiddenAttemptAuditor(AuditStore audit) : IAuthorizationMiddlewareResultHandler
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

    private Task RecordAsync(HttpContext context, Guid certificateId)
    {
        var user = context.User;
        var role = user.FindFirst(ClaimNames.Role)?.Value ?? "none";
        var unit = role switch
        {
            Roles.Clinician => user.FindFirst(ClaimNames.CareUnit)?.Value,
            Roles.School => UnitId.TryParse(user.FindFirst(ClaimNames.SchoolUnit)?.Value, out var school)
                ? school.Value
                : user.FindFirst(ClaimNames.SchoolUnit)?.Value,
            _ => null,
        };
        return audit.RecordForbiddenAttemptAsync(role, user.FindFirst(ClaimNames.Subject)?.Value ?? "none", unit, certificateId,
            context.RequestAborted);
    }
}
