namespace EgenvardRegistry.Tests.Infrastructure;

/// <summary>The storage engines every storage test runs on.</summary>
public enum Engine
{
    Sqlite,
    Postgres,
}
