using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using EgenvardRegistry.Infrastructure.Database;
using EgenvardRegistry.Infrastructure.Http;
using EgenvardRegistry.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace EgenvardRegistry.Tests.Platform;

/// <summary>
/// A database that cannot be reached, or is shutting down, or is busy, gives 503 problem details with Retry-After (the
/// caller's to retry), never 500; an error in a statement stays a 500. The failure is injected where connections are
/// opened, after the host has started on the real database. The drill that stops a real PostgreSQL is
/// <c>Drills.PostgresOutageDrills</c>.
/// </summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class DatabaseUnavailableTests(Engine engine) : IntegrationTest(engine)
{
    private readonly FailingConnections _connections = new();
    private TestDatabase _database = null!;
    private RegistryApp _app = null!;

    private static readonly Dictionary<string, Exception> Unavailable = new()
    {
        ["refused"] = new NpgsqlException("Failed to connect to 127.0.0.1:5432", new SocketException((int)SocketError.ConnectionRefused)),
        ["dropped"] = new NpgsqlException("Exception while reading from stream", new EndOfStreamException()),
        ["admin-shutdown"] = new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01"),
        ["starting-up"] = new PostgresException("the database system is starting up", "FATAL", "FATAL", "57P03"),
        ["sqlite-busy"] = new SqliteException("database is locked", 5),
    };

    [OneTimeSetUp]
    public async Task StartHost()
    {
        _database = await TestDatabase.CreateAsync(Engine);
        // Development: the pages' tests sign in through the development sign-in page.
        _app = new RegistryApp(_database, environment: "Development", services: services =>
        {
            var original = services.Last(service => service.ServiceType == typeof(IDbConnectionFactory));
            services.Remove(original);
            services.AddSingleton<IDbConnectionFactory>(provider =>
            {
                _connections.Inner = (IDbConnectionFactory)original.ImplementationFactory!(provider);
                return _connections;
            });
        });
        _ = _app.Server;
    }

    [OneTimeTearDown]
    public async Task StopHost()
    {
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    protected override Task<RegistryApp> HostAsync() => Task.FromResult(_app);

    [TearDown]
    public void Heal() => _connections.Failure = null;

    [TestCase("refused")]
    [TestCase("dropped")]
    [TestCase("admin-shutdown")]
    [TestCase("starting-up")]
    [TestCase("sqlite-busy")]
    public async Task Request_WhileTheDatabaseIsUnavailable_Is503WithRetryAfter_AndTheLogNamesOnlyTheCause(string failure)
    {
        App.Logs.Clear();
        _connections.Failure = Unavailable[failure];

        using var response = await Client(Tokens.School()).PostAsJsonAsync("/api/verifications",
            new { personnummer = Samples.ChildPnr, measure = "insulin" });
        var problem = await response.ReadJson();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), problem.ToJsonString());
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(response.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(DatabaseUnavailableExceptionHandler.RetryAfterSeconds)));
        Assert.That(problem["status"]!.GetValue<int>(), Is.EqualTo(503));
        Assert.That(problem["title"]!.GetValue<string>(), Is.EqualTo("Service Unavailable"));
        Assert.That(problem.ToJsonString(), Does.Not.Contain(Unavailable[failure].Message), "no exception text in the answer");
        Assert.That(App.Logs.Lines, Has.Some.Contains("The database is unavailable (").And.Contains("answered 503"));
        Assert.That(App.Logs.Lines, Has.None.Contains(Samples.ChildPnr).And.None.Contains(Unavailable[failure].Message));

        using var ready = await Client(null).GetAsync("/health/ready");
        Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(await ready.Content.ReadAsStringAsync(), Is.EqualTo("Unhealthy"));

        _connections.Failure = null;
        Assert.That((await Verify(Samples.ChildPnr, "insulin"))["reason"]!.GetValue<string>(), Is.EqualTo("none"), "back without a restart");
    }

    [Test]
    public async Task Page_WhenTheDatabaseIsUnavailable_Is503_AsASwedishPage_WithRetryAfter()
    {
        var clinician = await _app.SignInClinicianAsync();
        _connections.Failure = Unavailable["refused"];

        using var response = await clinician.GetAsync("/vard/fornyelser");
        var html = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(response.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(DatabaseUnavailableExceptionHandler.RetryAfterSeconds)));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
        Assert.That(html, Does.Contain("Tjänsten är tillfälligt otillgänglig").And.Contain("lang=\"sv\""));
    }

    [Test]
    public async Task Page_WhenAStatementFails_Is500_AsASwedishPage()
    {
        var clinician = await _app.SignInClinicianAsync();
        _connections.Failure = new PostgresException("relation \"certificates\" does not exist", "ERROR", "ERROR", "42P01");

        using var response = await clinician.GetAsync("/vard/fornyelser");
        var html = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
        Assert.That(response.Headers.RetryAfter, Is.Null);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
        Assert.That(html, Does.Contain("Något gick fel").And.Not.Contain("relation"));
    }

    [Test]
    public async Task Request_WhenAStatementFails_IsStill500()
    {
        _connections.Failure = new PostgresException("relation \"certificates\" does not exist", "ERROR", "ERROR", "42P01");

        using var response = await Client(Tokens.School()).PostAsJsonAsync("/api/verifications",
            new { personnummer = Samples.ChildPnr, measure = "insulin" });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
        Assert.That(response.Headers.RetryAfter, Is.Null);
    }

    [TestCase("Host=db;Username=u", 5, 15)]
    [TestCase("Host=db;Username=u;Timeout=20;Command Timeout=60", 20, 60)]
    public void PostgresConnectionString_ShortensOnlyTheTimeOutsItDoesNotName(string connectionString, int connect, int command)
    {
        var options = new DatabaseOptions { Provider = "postgres", ConnectionString = connectionString };

        var built = new NpgsqlConnectionStringBuilder(options.PostgresConnectionString());

        Assert.That((built.Timeout, built.CommandTimeout), Is.EqualTo((connect, command)));
        Assert.That(built.Host, Is.EqualTo("db"));
    }

    [TestCase("Host=db;Username=u", 64)]
    [TestCase("Host=db;Username=u;Max Auto Prepare=0", 0)]
    [TestCase("Host=db;Username=u;MaxAutoPrepare=10", 10)]
    public void PostgresConnectionString_PreparesRepeatedStatements_UnlessItSaysOtherwise(string connectionString, int maxAutoPrepare)
    {
        var options = new DatabaseOptions { Provider = "postgres", ConnectionString = connectionString };

        var built = new NpgsqlConnectionStringBuilder(options.PostgresConnectionString());

        Assert.That(built.MaxAutoPrepare, Is.EqualTo(maxAutoPrepare));
    }

    /// <summary>Opens the real database's connections, or throws <see cref="Failure"/> while one is set.</summary>
    private sealed class FailingConnections : IDbConnectionFactory
    {
        public IDbConnectionFactory Inner { get; set; } = null!;

        public Exception? Failure { get; set; }

        public SqlDialect Dialect => Inner.Dialect;

        public ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
            Failure is { } failure ? throw failure : Inner.OpenAsync(cancellationToken);

        public DbConnection Open() => Failure is { } failure ? throw failure : Inner.Open();

        public ValueTask<IDisposable> WaitToWriteAsync(CancellationToken cancellationToken) => Inner.WaitToWriteAsync(cancellationToken);
    }
}
