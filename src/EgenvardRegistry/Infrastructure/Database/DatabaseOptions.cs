using System.ComponentModel.DataAnnotations;

namespace EgenvardRegistry.Infrastructure.Database;

/// <summary>Which engine stores the registry, and where (<c>Database:*</c>, <c>ConnectionStrings:Registry</c>).</summary>
public sealed class DatabaseOptions : IValidatableObject
{
    public const string Section = "Database";

    public string Provider { get; set; } = "sqlite";

    /// <summary>Bound from <c>ConnectionStrings:Registry</c>.</summary>
    public string ConnectionString { get; set; } = "";

    public DatabaseProvider ParseProvider() => Provider.Trim().ToLowerInvariant() switch
    {
        "sqlite" => DatabaseProvider.Sqlite,
        "postgres" or "postgresql" => DatabaseProvider.Postgres,
        _ => throw new InvalidOperationException($"Database:Provider '{Provider}' is not supported."),
    };

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Provider.Trim().ToLowerInvariant() is not ("sqlite" or "postgres" or "postgresql"))
        {
            yield return new ValidationResult(
                $"Database:Provider must be 'sqlite' or 'postgres', not '{Provider}'.", [nameof(Provider)]);
        }
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return new ValidationResult(
                "ConnectionStrings:Registry is missing: the service needs a database connection string.",
                [nameof(ConnectionString)]);
        }
    }
}

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}
