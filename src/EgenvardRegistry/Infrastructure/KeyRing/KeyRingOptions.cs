using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EgenvardRegistry.Infrastructure.KeyRing;

/// <summary>
/// Where the nodes keep the ASP.NET Core Data Protection key ring (<c>DataProtection:*</c>), the keys behind the pages'
/// sign-in cookie and anti-forgery tokens: in the registry database unless <see cref="KeyFolder"/> names a folder,
/// encrypted at rest with the certificate in <see cref="CertificatePath"/>, under one <see cref="ApplicationName"/>.
/// </summary>
public sealed class KeyRingOptions : IValidatableObject
{
    public const string Section = "DataProtection";
    public const string DefaultApplicationName = "EgenvardRegistry";

    /// <summary>
    /// Part of every protection purpose, so nodes must agree on it: a cookie made under one name is unreadable under
    /// another. Changing it signs everyone out. Without it ASP.NET Core uses the content root path, which differs
    /// between installations.
    /// </summary>
    public string ApplicationName { get; set; } = DefaultApplicationName;

    /// <summary>A folder every node reads and writes (a shared volume), instead of the registry database.</summary>
    public string? KeyFolder { get; set; }

    /// <summary>A PFX file with an RSA key pair; when set, each key's secret is stored encrypted to it.</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }

    /// <summary>Relative paths are relative to the content root, like the SQLite file and the mail pickup folder.</summary>
    internal void ResolvePaths(string contentRoot)
    {
        if (!string.IsNullOrWhiteSpace(KeyFolder))
        {
            KeyFolder = Path.GetFullPath(KeyFolder, contentRoot);
        }
        if (!string.IsNullOrWhiteSpace(CertificatePath))
        {
            CertificatePath = Path.GetFullPath(CertificatePath, contentRoot);
        }
    }

    /// <summary>The certificate to encrypt the keys to; null when none is set or it cannot be used (see <see cref="Validate"/>).</summary>
    internal X509Certificate2? TryLoadCertificate() =>
        string.IsNullOrWhiteSpace(CertificatePath) || !File.Exists(CertificatePath) || CertificateProblem() is not null
            ? null
            : LoadCertificate();

    private X509Certificate2 LoadCertificate() => X509CertificateLoader.LoadPkcs12FromFile(CertificatePath!, CertificatePassword);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(ApplicationName))
        {
            yield return new ValidationResult(
                "DataProtection:ApplicationName must not be empty: every node must protect cookies under the same name.",
                [nameof(ApplicationName)]);
        }
        if (string.IsNullOrWhiteSpace(CertificatePath))
        {
            if (!string.IsNullOrEmpty(CertificatePassword))
            {
                yield return new ValidationResult(
                    "DataProtection:CertificatePassword is set without DataProtection:CertificatePath.", [nameof(CertificatePath)]);
            }
            yield break;
        }
        if (!File.Exists(CertificatePath))
        {
            yield return new ValidationResult(
                $"DataProtection:CertificatePath names no file ({CertificatePath}).", [nameof(CertificatePath)]);
            yield break;
        }
        var problem = CertificateProblem();
        if (problem is not null)
        {
            yield return new ValidationResult($"DataProtection:CertificatePath {problem}", [nameof(CertificatePath)]);
        }
    }

    private string? CertificateProblem()
    {
        try
        {
            using var certificate = LoadCertificate();
            using var rsa = certificate.GetRSAPrivateKey();
            return rsa is null ? "must hold an RSA certificate with its private key (a PFX), to encrypt and decrypt the keys." : null;
        }
        catch (CryptographicException)
        {
            return "could not be opened as a PFX with DataProtection:CertificatePassword.";
        }
    }
}
