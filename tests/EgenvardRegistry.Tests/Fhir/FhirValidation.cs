using System.Net;
using System.Text.Json;
using EgenvardRegistry.Fhir;
using Firely.Fhir.Validation;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;
using R4 = Hl7.Fhir.Model;

namespace EgenvardRegistry.Tests.Fhir;

/// <summary>
/// The Firely validator against the base R4 profiles (specification.zip from Hl7.Fhir.Specification.Data.R4), built once
/// per test run: it compiles each profile on first use and keeps it.
/// </summary>
public static class FhirValidation
{
    private static readonly Lazy<Validator> Shared = new(() =>
    {
        var source = new CachedResolver(ZipSource.CreateValidationSource());
        return new Validator(source, new LocalTerminologyService(source));
    });

    private static readonly Lock Gate = new();

    /// <summary>The errors (and fatal issues) the validator finds in <paramref name="resource"/>, as text.</summary>
    public static IReadOnlyList<string> Errors(R4.Resource resource)
    {
        R4.OperationOutcome outcome;
        lock (Gate)
        {
            outcome = Shared.Value.Validate(resource);
        }
        return [.. outcome.Issue
            .Where(issue => issue.Severity is R4.OperationOutcome.IssueSeverity.Error or R4.OperationOutcome.IssueSeverity.Fatal)
            .Select(issue => $"{issue.Code} at {string.Join(",", issue.Expression ?? [])}: {issue.Details?.Text ?? issue.Diagnostics}")];
    }

    /// <summary>
    /// Reads a FHIR response: it must be application/fhir+json, parse with the SDK's strict parser and validate against
    /// base R4 with no error.
    /// </summary>
    public static async Task<T> ReadValid<T>(this HttpResponseMessage response, HttpStatusCode status) where T : R4.Resource
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(status), text);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo(FhirMedia.Json), text);
        var resource = JsonSerializer.Deserialize<R4.Resource>(text, FhirMedia.Options);
        Assert.That(resource, Is.InstanceOf<T>(), text);
        Assert.That(Errors(resource!), Is.Empty, text);
        return (T)resource!;
    }

    /// <summary>An error answer: a valid OperationOutcome with one issue of <paramref name="code"/>.</summary>
    public static async Task<R4.OperationOutcome> ReadOutcome(this HttpResponseMessage response, HttpStatusCode status,
        R4.OperationOutcome.IssueType code)
    {
        var outcome = await response.ReadValid<R4.OperationOutcome>(status);
        Assert.That(outcome.Issue.Select(issue => issue.Code), Is.EqualTo(new[] { (R4.OperationOutcome.IssueType?)code }));
        return outcome;
    }
}
