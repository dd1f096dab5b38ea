using EgenvardRegistry.Tests.Infrastructure;

namespace EgenvardRegistry.Tests;

/// <summary>
/// Stops the shared hosts and drops their databases after the whole run. It sits in the root namespace because a
/// set-up fixture wraps only the fixtures in its own namespace and below.
/// </summary>
[SetUpFixture]
public sealed class TestHostsTeardown
{
    [OneTimeTearDown]
    public Task DisposeHosts() => TestHosts.DisposeAllAsync();
}
