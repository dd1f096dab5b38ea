using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;

namespace EgenvardRegistry.Signing;

/// <summary>
/// <c>Signing:*</c>: the key that signs certificates and revocation lists. <see cref="KeyPath"/> is a PEM file with a
/// P-256 private key; the public keys of earlier keys stay in <see cref="RetiredKeyFolder"/> so the papers they signed
/// keep verifying. In Development the key is created on first start (<c>data/keys/signing.pem</c>) when not set.
/// </summary>
public sealed class SigningOptions : IValidatableObject
{
    public const string Section = "Signing";
    public const string DevelopmentKeyPath = "data/keys/signing.pem";

    public string? KeyPath { get; set; }

    /// <summary>Public keys (PEM) that verify but no longer sign; default <c>retired/</c> beside <see cref="KeyPath"/>.</summary>
    public string? RetiredKeyFolder { get; set; }

    /// <summary>Set in Development only: a missing key file is created instead of stopping the start.</summary>
    internal bool CreateIfMissing { get; set; }

    internal void Resolve(string contentRoot, bool development)
    {
        if (string.IsNullOrWhiteSpace(KeyPath) && development)
        {
            KeyPath = DevelopmentKeyPath;
            CreateIfMissing = true;
        }
        if (string.IsNullOrWhiteSpace(KeyPath))
        {
            return;
        }
        KeyPath = Path.GetFullPath(KeyPath, contentRoot);
        RetiredKeyFolder = string.IsNullOrWhiteSpace(RetiredKeyFolder)
            ? Path.Combine(Path.GetDirectoryName(KeyPath)!, "retired")
            : Path.GetFullPath(RetiredKeyFolder, contentRoot);
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(KeyPath))
        {
            yield return new ValidationResult(
                "Signing:KeyPath must name a PEM file with the P-256 private key that signs certificates " +
                "(create one with `rotate-signing-key`, or openssl ecparam -name prime256v1 -genkey).", [nameof(KeyPath)]);
            yield break;
        }
        if (!File.Exists(KeyPath))
        {
            if (!CreateIfMissing)
            {
                yield return new ValidationResult($"Signing:KeyPath names no file ({KeyPath}).", [nameof(KeyPath)]);
            }
            yield break;
        }
        if (SigningKeyFiles.Problem(KeyPath) is { } problem)
        {
            yield return new ValidationResult($"Signing:KeyPath {problem}", [nameof(KeyPath)]);
        }
    }
}

/// <summary>A P-256 key and its id: the first 8 bytes of its RFC 7638 JWK thumbprint, base64url (11 characters).</summary>
public sealed class SigningKey : IDisposable
{
    private SigningKey(ECDsa key, byte[] keyId)
    {
        Key = key;
        KeyIdBytes = keyId;
        KeyId = Base64Url(keyId);
    }

    public ECDsa Key { get; }

    public byte[] KeyIdBytes { get; }

    public string KeyId { get; }

    public static SigningKey From(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var point = key.ExportParameters(includePrivateParameters: false).Q;
        // RFC 7638: the required members in lexicographic order, no white space.
        var canonical = $"{{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"{Base64Url(point.X!)}\",\"y\":\"{Base64Url(point.Y!)}\"}}";
        return new SigningKey(key, SHA256.HashData(Encoding.UTF8.GetBytes(canonical))[..8]);
    }

    /// <summary>The public key as a JWK (RFC 7517) for <c>GET /api/signing-keys</c>.</summary>
    public Jwk ToJwk()
    {
        var point = Key.ExportParameters(includePrivateParameters: false).Q;
        return new Jwk("EC", "P-256", Base64Url(point.X!), Base64Url(point.Y!), KeyId, "ES256", "sig");
    }

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public void Dispose() => Key.Dispose();
}

/// <summary>A public key in JWK form (RFC 7517/7518).</summary>
public sealed record Jwk(string Kty, string Crv, string X, string Y, string Kid, string Alg, string Use);

/// <summary>
/// The key that signs now and every key that verifies (it and the retired ones), loaded once at start: after a
/// rotation the nodes pick up the new key when they restart.
/// </summary>
public sealed class SigningKeyRing : IDisposable
{
    private readonly Dictionary<string, SigningKey> _verifying = new(StringComparer.Ordinal);

    public SigningKeyRing(Microsoft.Extensions.Options.IOptions<SigningOptions> options)
    {
        var settings = options.Value;
        if (settings.CreateIfMissing && !File.Exists(settings.KeyPath))
        {
            SigningKeyFiles.CreatePrivateKey(settings.KeyPath!);
        }
        Current = SigningKeyFiles.Load(settings.KeyPath!);
        _verifying[Current.KeyId] = Current;
        if (Directory.Exists(settings.RetiredKeyFolder))
        {
            foreach (var file in Directory.EnumerateFiles(settings.RetiredKeyFolder, "*.pem").Order(StringComparer.Ordinal))
            {
                var retired = SigningKeyFiles.Load(file);
                _verifying.TryAdd(retired.KeyId, retired);
            }
        }
    }

    /// <summary>For tests and tools: a ring of keys already in hand, the first signing.</summary>
    public SigningKeyRing(SigningKey current, params IEnumerable<SigningKey> retired)
    {
        Current = current;
        _verifying[current.KeyId] = current;
        foreach (var key in retired)
        {
            _verifying.TryAdd(key.KeyId, key);
        }
    }

    public SigningKey Current { get; }

    /// <summary>Every key that verifies, the current one first.</summary>
    public IReadOnlyCollection<SigningKey> Verifying => _verifying.Values;

    public SigningKey? Find(byte[]? keyId) => keyId is null ? null : _verifying.GetValueOrDefault(SigningKey.Base64Url(keyId));

    public void Dispose()
    {
        foreach (var key in _verifying.Values)
        {
            key.Dispose();
        }
    }
}

/// <summary>Key files: a private key written owner-only (0600), public keys of retired keys, and the rotation.</summary>
public static class SigningKeyFiles
{
    public static SigningKey Load(string path)
    {
        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(path));
        return SigningKey.From(key);
    }

    /// <summary>What is wrong with the key file, or null when it holds a P-256 private key.</summary>
    public static string? Problem(string path)
    {
        try
        {
            using var key = ECDsa.Create();
            key.ImportFromPem(File.ReadAllText(path));
            if (key.ExportParameters(includePrivateParameters: false).Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
            {
                return $"({path}) holds an EC key on another curve; it must be P-256 (prime256v1).";
            }
            key.ExportParameters(includePrivateParameters: true);
            return null;
        }
        catch (Exception exception) when (exception is ArgumentException or CryptographicException or IOException
                                              or UnauthorizedAccessException)
        {
            return $"({path}) does not hold a readable P-256 private key in PEM form: {exception.GetType().Name}.";
        }
    }

    public static SigningKey CreatePrivateKey(string path)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        WriteOwnerOnly(path, key.ExportPkcs8PrivateKeyPem());
        return SigningKey.From(key);
    }

    /// <summary>
    /// Keeps the current key's public half in <paramref name="retiredFolder"/> (named by its id) and writes a new private
    /// key at <paramref name="keyPath"/>; the old private key is gone, so it can never sign again.
    /// </summary>
    public static (string? RetiredKeyId, string NewKeyId) Rotate(string keyPath, string retiredFolder)
    {
        string? retiredId = null;
        if (File.Exists(keyPath))
        {
            using var old = Load(keyPath);
            Directory.CreateDirectory(retiredFolder);
            File.WriteAllText(Path.Combine(retiredFolder, $"{old.KeyId}.pem"), old.Key.ExportSubjectPublicKeyInfoPem());
            retiredId = old.KeyId;
        }
        var next = keyPath + ".new";
        if (File.Exists(next))
        {
            File.Delete(next); // left by a rotation that stopped half-way
        }
        using var created = CreatePrivateKey(next);
        File.Move(next, keyPath, overwrite: true);
        return (retiredId, created.KeyId);
    }

    private static void WriteOwnerOnly(string path, string text)
    {
        var folder = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(folder))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(folder);
            }
            else
            {
                Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using var writer = new StreamWriter(path, Encoding.ASCII, options);
        writer.Write(text);
    }
}
