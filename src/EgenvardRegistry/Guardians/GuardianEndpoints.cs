using Dapper;
using EgenvardRegistry.Audit;
using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Http;
using EgenvardRegistry.Infrastructure.Database;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EgenvardRegistry.Guardians;

public static class GuardianEndpoints
{
    public static IEndpointRouteBuilder MapGuardians(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/api/guardians/me").WithTags("Guardians")
            .RequireRateLimiting(RateLimits.Api)
            .MapGet("/certificates", ListGuardianCertificates)
            .WithName(nameof(ListGuardianCertificates))
            .RequireAuthorization(Policies.Guardian)
            .WithSummary("Certificates that name the caller as guardian, newest first.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
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
}

public sealed class GuardianStore(IDbConnectionFactory db, TimeProvider time)
{
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
}
