using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using EgenvardRegistry.Reminders;

namespace EgenvardRegistry.Bench;

/// <summary>
/// <c>generate</c> loads a registry for scripts/bench; <c>scan</c> times the service's own reminder scan on it. Each prints
/// one JSON line on standard output for the script to read.
/// </summary>
/// <example>
/// <code>
/// EgenvardRegistry.Bench generate --engine postgres --connection "Host=…" --certificates 1000000 --today 2026-11-23 --out /tmp/bench
/// EgenvardRegistry.Bench scan --engine postgres --connection "Host=…" --today 2026-11-23
/// </code>
/// </example>
public static class BenchProgram
{
    private const string Usage = """
        Usage:
          generate --engine sqlite|postgres --connection CS --today YYYY-MM-DD --out DIR
                   [--certificates N (1000000)] [--bench-unit 90000001] [--bench-care-unit SE2321000016-BNCH]
              Creates the schema with the service's migrations and loads N certificates. Writes DIR/bench-children.tsv
              (personnummer TAB measure of the children shared with the bench unit) and DIR/bench-certificates.txt (ids
              of their certificates valid today).
          scan --engine sqlite|postgres --connection CS --today YYYY-MM-DD [--days-before 30,14,7,0]
              Runs the service's reminder scan (ReminderStore.ScanAsync) once and times it.
          mail-size --today YYYY-MM-DD
              The size in bytes of a typical reminder e-mail as the service writes it (for smtp-source -l).
        """;

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static async Task<int> Main(string[] args)
    {
        try
        {
            var (command, options) = Parse(args);
            switch (command)
            {
                case "generate":
                    await GenerateAsync(options);
                    return 0;
                case "scan":
                    await ScanAsync(options);
                    return 0;
                case "mail-size":
                    await MailSizeAsync(options);
                    return 0;
                default:
                    await Console.Error.WriteLineAsync(Usage);
                    return 2;
            }
        }
        catch (ArgumentException problem)
        {
            await Console.Error.WriteLineAsync($"{problem.Message}\n{Usage}");
            return 2;
        }
    }

    private static async Task GenerateAsync(Dictionary<string, string> options)
    {
        var plan = new DataPlan(new PlanOptions
        {
            Certificates = int.Parse(options.GetValueOrDefault("certificates", "1000000"), CultureInfo.InvariantCulture),
            Today = Today(options),
            BenchUnit = options.GetValueOrDefault("bench-unit", "90000001"),
            BenchCareUnit = options.GetValueOrDefault("bench-care-unit", "SE2321000016-BNCH"),
        });
        var output = Required(options, "out");
        Directory.CreateDirectory(output);
        var facts = PlanFacts.Of(plan);
        await File.WriteAllLinesAsync(Path.Combine(output, "bench-children.tsv"),
            facts.BenchChildren.Select(child => $"{child.Personnummer}\t{child.Measure}"));
        await File.WriteAllLinesAsync(Path.Combine(output, "bench-certificates.txt"),
            facts.BenchCertificates.Select(id => id.ToString("D")));

        var loadTime = await Loader.LoadAsync(Engine(options), Required(options, "connection"), plan, CancellationToken.None);
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            facts.Certificates,
            facts.Children,
            facts.Guardians,
            facts.Measures,
            facts.Shares,
            DueForReminder = facts.ByKind[CertificateKind.DueForReminder],
            Revoked = facts.ByKind[CertificateKind.Revoked],
            Replaced = facts.ByKind[CertificateKind.Replaced],
            Expired = facts.ByKind[CertificateKind.Expired],
            facts.ExpectedReminders,
            BenchChildren = facts.BenchChildren.Count,
            BenchCertificates = facts.BenchCertificates.Count,
            LoadSeconds = Math.Round(loadTime.TotalSeconds, 2),
        }, Json));
    }

    private static async Task ScanAsync(Dictionary<string, string> options)
    {
        var db = Loader.Factory(Engine(options), Required(options, "connection"));
        Infrastructure.Database.TypeHandlers.Register();
        var today = Today(options);
        var thresholds = new ReminderOptions { DaysBefore = options.GetValueOrDefault("days-before", "30,14,7,0") }.Thresholds();
        var watch = Stopwatch.StartNew();
        var queued = await new ReminderStore(db).ScanAsync(ReminderRules.Bands(today, thresholds), today, DateTimeOffset.UtcNow,
            CancellationToken.None);
        var elapsed = watch.Elapsed;
        if (db is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
        Console.WriteLine(JsonSerializer.Serialize(new { Queued = queued, Seconds = Math.Round(elapsed.TotalSeconds, 3) }, Json));
    }

    /// <summary>
    /// Composes a reminder for two measures, 14 days ahead, the way the dispatcher does, and writes it with the service's
    /// pickup-folder sender, which builds the same MIME message the SMTP sender sends.
    /// </summary>
    private static async Task MailSizeAsync(Dictionary<string, string> options)
    {
        var today = Today(options);
        var folder = Directory.CreateTempSubdirectory("egenvard-bench-mail-");
        try
        {
            var settings = new ReminderOptions { LinkSigningKey = new string('k', 32), PublicBaseUrl = new Uri("https://egenvard.example.se/") };
            var guardianId = Guid.NewGuid();
            var email = ReminderEmail.Compose(new ReminderContent(
                Guid.NewGuid(), "vardnadshavare.1@example.se", "Sara Lind", "Alva", ["insulin", "blood-glucose"], today.AddDays(14), 14,
                "Barn- och ungdomsmottagningen 12", "021-17 30 00", new Uri(settings.PublicBaseUrl, "vardnadshavare"),
                UnsubscribeLinks.From(settings).Url(settings.PublicBaseUrl, guardianId)));
            var sender = new Infrastructure.Mail.PickupDirectoryEmailSender(folder.FullName,
                new MimeKit.MailboxAddress("Egenvårdsregistret", "noreply@egenvard.example.se"), TimeProvider.System,
                Microsoft.Extensions.Logging.Abstractions.NullLogger<Infrastructure.Mail.PickupDirectoryEmailSender>.Instance);
            var path = await sender.WriteAsync(email, CancellationToken.None);
            Console.WriteLine(JsonSerializer.Serialize(new { Bytes = new FileInfo(path).Length }, Json));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static (string Command, Dictionary<string, string> Options) Parse(string[] args)
    {
        if (args.Length == 0)
        {
            throw new ArgumentException("No command.");
        }
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"Expected --option value, not '{args[i]}'.");
            }
            options[args[i][2..]] = args[++i];
        }
        return (args[0], options);
    }

    private static string Required(Dictionary<string, string> options, string name) =>
        options.TryGetValue(name, out var value) ? value : throw new ArgumentException($"--{name} is required.");

    private static DateOnly Today(Dictionary<string, string> options) =>
        DateOnly.ParseExact(Required(options, "today"), "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static BenchEngine Engine(Dictionary<string, string> options) => Required(options, "engine") switch
    {
        "sqlite" => BenchEngine.Sqlite,
        "postgres" => BenchEngine.Postgres,
        var other => throw new ArgumentException($"--engine must be sqlite or postgres, not '{other}'."),
    };
}
