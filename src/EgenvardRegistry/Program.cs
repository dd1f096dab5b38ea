using EgenvardRegistry.Audit;
using EgenvardRegistry.Certificates;
using EgenvardRegistry.Concerns;
using EgenvardRegistry.Fhir;
using EgenvardRegistry.Guardians;
using EgenvardRegistry.Instructions;
using EgenvardRegistry.Reminders;
using EgenvardRegistry.Renewals;
using EgenvardRegistry.Requests;
using EgenvardRegistry.Infrastructure.Auth;
using EgenvardRegistry.Infrastructure.Database;
using EgenvardRegistry.Infrastructure.Http;
using EgenvardRegistry.Infrastructure.Logging;
using EgenvardRegistry.Infrastructure.Scheduling;
using EgenvardRegistry.Infrastructure.Telemetry;
using EgenvardRegistry.Schools;
using EgenvardRegistry.Shares;
using EgenvardRegistry.Signing;
using EgenvardRegistry.Units;
using EgenvardRegistry.Verification;
using EgenvardRegistry.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

var builder = WebApplication.CreateBuilder(args);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = HttpRegistration.MaxRequestBodyBytes);

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddPersonnummerRedaction();
builder.Services.AddRegistryDatabase();
builder.Services.AddRegistryKeyRing(builder.Configuration, builder.Environment);
builder.Services.AddRegistryAuth();
builder.Services.AddRegistryHttp();
builder.Services.AddRegistryTelemetry(builder.Configuration);
builder.Services.AddSecurityHeaders(builder.Configuration);
builder.Services.AddRegistryMail();
builder.Services.AddRegistryRateLimits();
builder.Services.AddIdempotency();
builder.Services.AddRegistryScheduler(runJobs: ReminderOptions.SchedulerEnabledIn(builder.Configuration));
builder.Services.AddSingleton<CertificateStore>();
builder.Services.AddSingleton<VerificationStore>();
builder.Services.AddSingleton<SchoolStore>();
builder.Services.AddSingleton<GuardianStore>();
builder.Services.AddSingleton<AuditStore>();
builder.Services.AddAuditCommit();
builder.Services.AddSingleton<InstructionStore>();
builder.Services.AddSingleton<ConcernStore>();
builder.Services.AddSingleton<RenewalStore>();
builder.Services.AddSingleton<UnitStore>();
builder.Services.AddSingleton<ShareStore>();
builder.Services.AddSigning();
builder.Services.AddReminders();
builder.Services.AddCertificateRequests();
builder.Services.AddFhirView();
builder.Services.AddRegistryWeb(builder.Configuration);
builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, ForbiddenAttemptAuditor>();

if (args is ["mint-token", .. var tokenArguments])
{
    // `dotnet run -- mint-token clinician`: a development token signed with this configuration's key.
    var authOptions = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
    Console.WriteLine(DevTokens.FromCommandLine(authOptions, tokenArguments, DateTimeOffset.UtcNow));
    return;
}

if (args is ["rotate-signing-key", ..])
{
    // `dotnet run -- rotate-signing-key`: a new key signs from the next start on; the old one keeps verifying.
    Environment.ExitCode = RotateSigningKeyCommand.Run(builder.Configuration, builder.Environment, Console.Out, Console.Error);
    return;
}

if (args is ["backup", .. var backupArguments])
{
    // `dotnet run -- backup PATH [--force]`: an online copy of the SQLite database, safe while the service runs.
    Environment.ExitCode = BackupCommand.Run(
        builder.Configuration, builder.Environment.ContentRootPath, backupArguments, Console.Out, Console.Error);
    return;
}

var app = builder.Build();
await app.Services.GetRequiredService<MigrationRunner>().ApplyAsync(app.Lifetime.ApplicationStopping);
if (args.Contains("--seed-demo")) await DemoData.SeedAsync(app.Services, app.Lifetime.ApplicationStopping);

app.UseSecurityHeaders();
app.UseWhen(context => HttpRegistration.IsMachineFacing(context.Request.Path), api => api.UseExceptionHandler());
// A page that fails is answered with a page, in Swedish: the database being away as 503 (with Retry-After), anything else 500.
app.UseWhen(context => !HttpRegistration.IsMachineFacing(context.Request.Path), pages => pages.UseExceptionHandler(new ExceptionHandlerOptions
{
    ExceptionHandlingPath = "/fel/500",
    StatusCodeSelector = exception => DatabaseUnavailable.Cause(exception) is null
        ? StatusCodes.Status500InternalServerError
        : StatusCodes.Status503ServiceUnavailable,
}));
app.UseWhen(context => HttpRegistration.IsMachineFacing(context.Request.Path), api => api.UseStatusCodePages());
app.UseWhen(context => !HttpRegistration.IsMachineFacing(context.Request.Path), pages => pages.UseStatusCodePagesWithReExecute("/fel/{0}"));
app.UseRouting(); // after the status-code pages, so a re-executed error page is routed
app.UseApiResponseRules();
app.UseStaticFiles();
app.UseAuthentication();
app.UseRateLimiter(); // after authentication, so budgets are per caller; before authorization, so refusals count too
app.UseAuthorization();
app.UseIdempotency();

app.MapOpenApi();
if (app.Configuration.GetValue("Api:ShowExplorer", app.Environment.IsDevelopment()))
{
    app.UseSwaggerUI(ui =>
    {
        ui.SwaggerEndpoint("/openapi/v1.json", "EgenvardRegistry API");
        ui.RoutePrefix = "swagger";
    });
}
app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });

app.MapCertificates();
app.MapInstructions();
app.MapVerifications();
app.MapSchools();
app.MapGuardians();
app.MapReminders();
app.MapAudit();
app.MapConcerns();
app.MapRenewals();
app.MapUnits();
app.MapShares();
app.MapCertificateRequests();
app.MapFhir();
app.MapSigning();
app.MapRazorPages();
app.MapJobDashboard(authorizationPolicy: WebPolicies.Admin);

app.Run();

/// <summary>The entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
