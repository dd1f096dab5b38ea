using EgenvardRegistry.Audit;
using EgenvardRegistry.Certificates;
using EgenvardRegistry.Infrastructure;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace EgenvardRegistry.Signing;

public sealed record SignedCertificateResponse(string Payload, string KeyId);

public sealed record SigningKeysResponse(IReadOnlyList<Jwk> Keys);

/// <param name="Cose">
/// The list itself, as signed: a COSE_Sign1 (base64) whose payload is the CBOR map of <see cref="RevocationList"/>. The
/// other members repeat it for reading; a verifier trusts only what it verified.
/// </param>
public sealed record RevocationListResponse(DateTimeOffset IssuedAt, IReadOnlyList<Guid> Revoked, IReadOnlyList<Guid> Replaced,
    string KeyId, string Cose);

public sealed record VerifySignedRequest(string? Payload);

/// <summary>What a genuine paper says (null when it is not one: forged, unknown key, unreadable).</summary>
public sealed record VerifySignedResponse(bool Valid, string Reason, SignedCertificateView? Certificate);

public sealed record SignedCertificateView(
    Guid Id,
    string ChildName,
    DateOnly BirthDate,
    IReadOnlyList<SignedMeasure> Measures,
    DateOnly ValidFrom,
    DateOnly ValidUntil,
    string CareUnitName,
    string CareUnitPhone,
    DateTimeOffset IssuedAt,
    string KeyId)
{
    public static SignedCertificateView From(SignedCertificatePayload payload, string keyId) => new(payload.Id, payload.ChildName,
        payload.BirthDate, payload.Measures, payload.ValidFrom, payload.ValidUntil, payload.CareUnitName, payload.CareUnitPhone,
        payload.IssuedAt, keyId);
}

public static class SigningErrors
{
    public static readonly ErrorCode PayloadRequired = new("signed.payload-required",
        "Send the text of the QR code (EGV1:…) as payload.");
}

/// <summary>
/// A certificate that proves itself: its signed text for the printed QR code, the public keys and the revocation list
/// a verifier caches, and the same verification on the server for integrations.
/// </summary>
public static class SigningEndpoints
{
    /// <summary>How long a verifier may use its copy of the revocation list before asking again.</summary>
    public const int RevocationListMaxAgeSeconds = 3600;

    /// <summary>A COSE_Sign1 message (RFC 9052, section 2).</summary>
    public const string CoseMediaType = "application/cose; cose-type=\"cose-sign1\"";

    public static IEndpointRouteBuilder MapSigning(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapApiGroup("/api", "Signed certificates");
        group.MapGet("/certificates/{id:guid}/signed", GetSignedCertificate)
            .WithName(nameof(GetSignedCertificate))
            .RequireAuthorization(Policies.AnyRole)
            .WithSummary("The certificate's signed, compact text that the printed QR code carries (EGV1: + Base45 of a " +
                         "zlib-compressed COSE_Sign1, ES256), for the certificate's readers; signed when issued or renewed.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/signing-keys", GetSigningKeys)
            .WithName(nameof(GetSigningKeys))
            .AllowAnonymous()
            .WithSummary("The public keys that verify signed certificates and revocation lists (JWK, EC P-256, with kid): " +
                         "the current key and every retired one whose papers may still be in use.");
        group.MapGet("/revocations", GetRevocations)
            .WithName(nameof(GetRevocations))
            .AllowAnonymous()
            .WithSummary("Ids of revoked and of replaced certificates whose validity ends today (Europe/Stockholm) or " +
                         "later, signed (COSE_Sign1, content type " + RevocationList.ContentType + ") with its issue time; " +
                         "no personal data. A weak ETag over the ids answers If-None-Match with 304; cache for an hour. " +
                         "With Accept: application/cose, the signed list alone (COSE_Sign1 bytes), the ids once.")
            .Produces<RevocationListResponse>()
            .Produces(StatusCodes.Status200OK, contentType: "application/cose")
            .Produces(StatusCodes.Status304NotModified);
        group.MapPost("/signed-certificates/verify", VerifySignedCertificate)
            .WithName(nameof(VerifySignedCertificate))
            .RequireAuthorization(Policies.AnyRole)
            .WithSummary("Verify the text of a printed certificate's QR code as the offline verifier does: signature, " +
                         "revocation and today's date (Europe/Stockholm). Text that is not such a certificate is 200 " +
                         "with reason malformed; a missing payload is 400. Audited as a verification.")
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        return routes;
    }

    public static async Task<Results<Ok<SignedCertificateResponse>, ProblemHttpResult>> GetSignedCertificate(
        Guid id, Caller caller, SigningStore store, CancellationToken cancellationToken)
    {
        return await store.ReadAsync(id, caller, cancellationToken) is var (_, signed)
            ? TypedResults.Ok(new SignedCertificateResponse(signed.Payload, signed.KeyId))
            : CertificateEndpoints.NotFound();
    }

    public static Ok<SigningKeysResponse> GetSigningKeys(SigningKeyRing keys) =>
        TypedResults.Ok(new SigningKeysResponse(keys.Verifying.Select(key => key.ToJwk()).ToList()));

    public static async Task<Results<Ok<RevocationListResponse>, FileContentHttpResult, StatusCodeHttpResult>> GetRevocations(
        RevocationLists lists, HttpContext http, CancellationToken cancellationToken)
    {
        var current = await lists.CurrentAsync(cancellationToken);
        var cose = AsksForCose(http.Request);
        var etag = cose ? current.List.CoseETag : current.List.ETag;
        http.Response.Headers.ETag = etag.ToString();
        http.Response.Headers.CacheControl = $"public, max-age={RevocationListMaxAgeSeconds}";
        http.Response.Headers.Vary = HeaderNames.Accept;
        if (EntityTagHeaderValue.TryParseList(http.Request.Headers.IfNoneMatch, out var tags)
            && tags.Any(tag => tag.Compare(etag, useStrongComparison: false) || tag.Equals(EntityTagHeaderValue.Any)))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }
        var signed = current.Sign();
        return cose
            ? TypedResults.Bytes(signed.CoseBytes, CoseMediaType)
            : TypedResults.Ok(new RevocationListResponse(signed.IssuedAt, current.List.Revoked, current.List.Replaced,
                signed.KeyId, signed.Cose));
    }

    /// <summary>
    /// Whether the request's Accept names <c>application/cose</c> (with a quality above 0): then the answer is the signed
    /// list alone, its ids once — at 1,000,000 certificates a quarter of the JSON, which carries them twice.
    /// </summary>
    private static bool AsksForCose(HttpRequest request) =>
        MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted)
        && accepted.Any(type => type.MediaType.Equals("application/cose", StringComparison.OrdinalIgnoreCase)
                                && (type.Quality ?? 1) > 0);

    public static async Task<Results<Ok<VerifySignedResponse>, ValidationProblem>> VerifySignedCertificate(
        VerifySignedRequest request, Caller caller, SigningKeyRing keys, SigningStore store, IAuditCommit audit,
        TimeProvider time, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Payload))
        {
            var errors = new ValidationErrors();
            errors.Add("payload", SigningErrors.PayloadRequired);
            return TypedResults.ValidationProblem(errors.ToProblemErrors(), title: "The verification request is not valid.");
        }
        var check = SignedCertificates.Check(request.Payload, keys);
        string reason;
        SignedCertificateView? view = null;
        if (check.Payload is { } payload)
        {
            var status = await store.StatusAsync(payload.Id, cancellationToken);
            reason = SignedCertificates.Reason(payload, status, time.TodayInStockholm());
            view = SignedCertificateView.From(payload, check.KeyId!);
        }
        else
        {
            reason = check.Refusal!;
        }
        // Like a verification, without a child id: the paper names the certificate, and nothing here looks up the child.
        await audit.CommitAsync([AuditEvent.By(caller, time.GetUtcNow(), AuditActions.Verification, reason, view?.Id)],
            cancellationToken);
        return TypedResults.Ok(new VerifySignedResponse(reason == SignedReasons.Valid, reason, view));
    }
}
