namespace EgenvardRegistry.Signing;

/// <summary>
/// <c>dotnet run -- rotate-signing-key</c>: keeps the current key's public half among the retired keys and writes a
/// new private key at <c>Signing:KeyPath</c>. Nodes sign with it from their next start; papers signed before keep
/// verifying with the retired public key.
/// </summary>
public static class RotateSigningKeyCommand
{
    public static int Run(IConfiguration configuration, IHostEnvironment environment, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var options = configuration.GetSection(SigningOptions.Section).Get<SigningOptions>() ?? new SigningOptions();
        options.Resolve(environment.ContentRootPath, environment.IsDevelopment());
        if (string.IsNullOrWhiteSpace(options.KeyPath))
        {
            error.WriteLine("rotate-signing-key: Signing:KeyPath is not set.");
            return 1;
        }
        if (File.Exists(options.KeyPath) && SigningKeyFiles.Problem(options.KeyPath) is { } problem)
        {
            error.WriteLine($"rotate-signing-key: Signing:KeyPath {problem}");
            return 1;
        }
        var (retired, created) = SigningKeyFiles.Rotate(options.KeyPath, options.RetiredKeyFolder!);
        output.WriteLine(retired is null
            ? $"Created signing key {created} at {options.KeyPath}."
            : $"Signing key {created} replaces {retired}, whose public key stays in {options.RetiredKeyFolder}. Restart the service on every node.");
        return 0;
    }
}
