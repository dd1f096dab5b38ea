using System.Globalization;
using EgenvardRegistry.Certificates;
using EgenvardRegistry.Identifiers;
using R4 = Hl7.Fhir.Model;

namespace EgenvardRegistry.Fhir;

/// <summary>The identifier systems of Swedish health care that the FHIR view uses.</summary>
public static class IdentifierSystems
{
    public const string Personnummer = "urn:oid:1.2.752.129.2.1.3.1";
    public const string Samordningsnummer = "urn:oid:1.2.752.129.2.1.3.3";

    /// <summary>HSA-id, the OID DOMAIN.md (the reference for identifiers) gives; issue 13's text named 1.2.752.29.4.19.</summary>
    public const string HsaId = "urn:oid:1.2.752.129.2.1.4.1";

    /// <summary>A certificate's own id, as a URN (RFC 4122 UUID).</summary>
    public const string Uri = "urn:ietf:rfc:3986";

    /// <summary>The registry's measure codes (<see cref="MeasureCatalogue"/>); a code system of this registry, not a published one.</summary>
    public const string Measure = "urn:egenvardsregistret:measure";

    /// <summary>Who performs a measure (<see cref="Performers"/>).</summary>
    public const string Performer = "urn:egenvardsregistret:performer";

    public static string ForChild(string personnummer) =>
        Identifiers.Personnummer.IsSamordningsnummer(personnummer) ? Samordningsnummer : Personnummer;
}

/// <summary>
/// A certificate as a FHIR R4 CarePlan, self-contained: the child (Patient), the issuing clinician (Practitioner) and
/// the care unit (Organization) are contained resources, so a journal system needs no further reads.
/// <list type="bullet">
/// <item>status: <c>active</c> while the certificate is active and not expired (also before <c>validFrom</c>: the period
/// says when it starts); <c>completed</c> once expired, or when a renewal replaced it (the renewal's CarePlan
/// <c>replaces</c> it); <c>revoked</c> when revoked (the reason is a note). Never <c>draft</c>, <c>on-hold</c> or
/// <c>entered-in-error</c>: the registry has no such states.</item>
/// <item>each measure is an activity: its code, who performs it (the child, school staff, or both) and the instructions;
/// what to do if harm occurs or things change are notes, as are how instruction is given and the follow-up date.</item>
/// </list>
/// </summary>
public static class CarePlanMapping
{
    public const string PatientId = "patient";
    public const string PractitionerId = "practitioner";
    public const string OrganizationId = "organization";

    /// <summary>Marks a CarePlan built from a summary (another care unit's certificate): FHIR's "subsetted" tag.</summary>
    public static readonly R4.Coding Subsetted = new("http://terminology.hl7.org/CodeSystem/v3-ObservationValue", "SUBSETTED", "subsetted");

    /// <summary>The CarePlan's status and its activities' for a certificate's stored status and whether it has expired.</summary>
    public static (R4.RequestStatus Plan, R4.CarePlan.CarePlanActivityStatus Activity) StatusOf(string status, bool expired) =>
        status switch
        {
            CertificateStatus.Revoked => (R4.RequestStatus.Revoked, R4.CarePlan.CarePlanActivityStatus.Stopped),
            CertificateStatus.Replaced => (R4.RequestStatus.Completed, R4.CarePlan.CarePlanActivityStatus.Completed),
            _ when expired => (R4.RequestStatus.Completed, R4.CarePlan.CarePlanActivityStatus.Completed),
            _ => (R4.RequestStatus.Active, R4.CarePlan.CarePlanActivityStatus.InProgress),
        };

    public static R4.CarePlan ToCarePlan(Certificate certificate, DateOnly today)
    {
        var plan = Base(certificate.Id, certificate.Status, certificate.IsExpired(today), certificate.ValidFrom,
            certificate.ValidUntil, certificate.IssuedAt, certificate.Replaces, out var activityStatus);
        plan.Meta = new R4.Meta { VersionId = certificate.Version.ToString(CultureInfo.InvariantCulture) };
        plan.Contained = [Patient(certificate.ChildPersonnummer, certificate.ChildName), Practitioner(certificate.IssuedBy),
            Organization(certificate.CareUnit)];
        plan.Author = Local(PractitionerId, certificate.IssuedBy.Name);
        plan.Activity = [.. certificate.Measures.Select(measure => Activity(measure.Code, measure.Description, activityStatus,
            measure.Performer, measure.Instructions))];
        plan.Note = [.. Notes(certificate)];
        return plan;
    }

    /// <summary>
    /// What a clinician of another care unit may see of a certificate (<see cref="CertificateSummary"/>): no clinician,
    /// no instructions, no name; tagged <see cref="Subsetted"/>.
    /// </summary>
    public static R4.CarePlan ToCarePlan(CertificateSummary summary, string childPersonnummer, DateOnly today)
    {
        var plan = Base(summary.Id, summary.Status, summary.IsExpired(today), summary.ValidFrom, summary.ValidUntil,
            summary.IssuedAt, summary.Replaces, out var activityStatus);
        plan.Meta = new R4.Meta { Tag = [Subsetted] };
        plan.Contained = [Patient(childPersonnummer, name: null), Organization(summary.CareUnit)];
        plan.Activity = [.. summary.Measures.Select(measure => Activity(measure.Code, measure.Description, activityStatus,
            performer: null, instructions: null))];
        return plan;
    }

    private static R4.CarePlan Base(Guid id, string status, bool expired, DateOnly validFrom, DateOnly validUntil,
        DateTimeOffset issuedAt, Guid? replaces, out R4.CarePlan.CarePlanActivityStatus activityStatus)
    {
        (var planStatus, activityStatus) = StatusOf(status, expired);
        var plan = new R4.CarePlan();
        plan.Id = id.ToString();
        plan.Identifier = [new R4.Identifier(IdentifierSystems.Uri, $"urn:uuid:{id}")];
        plan.Status = planStatus;
        plan.Intent = R4.CarePlan.CarePlanIntent.Plan;
        plan.Title = "Egenvårdsintyg";
        plan.Category = [new R4.CodeableConcept { Text = "Egenvård" }];
        plan.Period = new R4.Period(new R4.FhirDateTime(Iso(validFrom)), new R4.FhirDateTime(Iso(validUntil)));
        plan.CreatedElement = new R4.FhirDateTime(issuedAt.ToUniversalTime());
        plan.Subject = Local(PatientId, display: null);
        plan.Contributor = [Local(OrganizationId, display: null)];
        if (replaces is { } old)
        {
            plan.Replaces = [new R4.ResourceReference($"CarePlan/{old}")];
        }
        return plan;
    }

    private static R4.Patient Patient(string personnummer, string? name)
    {
        var patient = new R4.Patient
        {
            Id = PatientId,
            Identifier = [new R4.Identifier(IdentifierSystems.ForChild(personnummer), personnummer)],
        };
        if (name is not null)
        {
            patient.Name = [new R4.HumanName { Text = name }];
        }
        return patient;
    }

    private static R4.Practitioner Practitioner(Issuer issuer)
    {
        var practitioner = new R4.Practitioner
        {
            Id = PractitionerId,
            Identifier = [new R4.Identifier(IdentifierSystems.HsaId, issuer.HsaId)],
            Name = [new R4.HumanName { Text = issuer.Name }],
        };
        if (!string.IsNullOrWhiteSpace(issuer.Profession))
        {
            practitioner.Qualification = [new R4.Practitioner.QualificationComponent { Code = new R4.CodeableConcept { Text = issuer.Profession } }];
        }
        return practitioner;
    }

    private static R4.Organization Organization(CareUnit careUnit) => new()
    {
        Id = OrganizationId,
        Identifier = [new R4.Identifier(IdentifierSystems.HsaId, careUnit.HsaId)],
        Name = careUnit.Name,
        Telecom = [new R4.ContactPoint(R4.ContactPoint.ContactPointSystem.Phone, R4.ContactPoint.ContactPointUse.Work, careUnit.Phone)],
    };

    private static R4.CarePlan.ActivityComponent Activity(string code, string? description,
        R4.CarePlan.CarePlanActivityStatus status, string? performer, string? instructions)
    {
        var detail = new R4.CarePlan.DetailComponent
        {
            Code = new R4.CodeableConcept
            {
                Coding = [new R4.Coding(IdentifierSystems.Measure, code, MeasureName(code))],
                Text = description ?? MeasureName(code),
            },
            Status = status,
            Description = instructions,
        };
        if (performer is not null)
        {
            detail.Performer = [.. Performing(performer)];
        }
        return new R4.CarePlan.ActivityComponent { Detail = detail };
    }

    /// <summary>The child is the contained Patient; school staff have no resource here, so they are a display only.</summary>
    private static IEnumerable<R4.ResourceReference> Performing(string performer)
    {
        if (performer is "child" or "child-with-staff")
        {
            yield return Local(PatientId, "Barnet");
        }
        if (performer is "staff" or "child-with-staff")
        {
            yield return new R4.ResourceReference { Display = "Personal i förskola eller skola" };
        }
    }

    private static IEnumerable<R4.Annotation> Notes(Certificate certificate)
    {
        foreach (var measure in certificate.Measures)
        {
            var name = measure.Description ?? MeasureName(measure.Code);
            yield return Note($"{name} – utförs av: {Performers.Swedish.GetValueOrDefault(measure.Performer, measure.Performer)}.");
            yield return Note($"{name} – om skada eller risk för skada uppstår: {measure.IfHarm}");
            yield return Note($"{name} – om situationen förändras: {measure.IfChanged}");
        }
        yield return Note($"Information och instruktion: {certificate.InstructionGivenBy}");
        yield return Note($"Uppföljning senast {Iso(certificate.FollowUpOn)}; omprövning senast {Iso(certificate.ValidUntil)}.");
        if (certificate.Revocation is { } revocation)
        {
            yield return Note($"Återkallat: {revocation.Reason}", revocation.RevokedAt);
        }
    }

    private static R4.Annotation Note(string text, DateTimeOffset? at = null) => new()
    {
        Text = new R4.Markdown(text),
        TimeElement = at is { } time ? new R4.FhirDateTime(time.ToUniversalTime()) : null,
    };

    private static R4.ResourceReference Local(string id, string? display) => new($"#{id}") { Display = display };

    private static string MeasureName(string code) => MeasureCatalogue.Swedish.GetValueOrDefault(code, code);

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
