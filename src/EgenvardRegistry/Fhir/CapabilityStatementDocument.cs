using R4 = Hl7.Fhir.Model;

namespace EgenvardRegistry.Fhir;

/// <summary>What the FHIR view supports, exactly: CarePlan read and search by the child's identifier with POST, JSON only.</summary>
public static class CapabilityStatementDocument
{
    /// <summary>When this statement last changed (a fixed date: it describes the code, not the moment).</summary>
    private const string Published = "2026-11-29";

    public static R4.CapabilityStatement For(string baseUrl) => new()
    {
        Status = R4.PublicationStatus.Active,
        Date = Published,
        Publisher = "EgenvardRegistry",
        Kind = R4.CapabilityStatementKind.Instance,
        Software = new R4.CapabilityStatement.SoftwareComponent { Name = "EgenvardRegistry" },
        Implementation = new R4.CapabilityStatement.ImplementationComponent
        {
            Description = "Egenvårdsintyg (self-care certificates) as read-only CarePlans for journal systems.",
            Url = baseUrl,
        },
        FhirVersion = R4.FHIRVersion.N4_0_1,
        Format = [FhirMedia.Json],
        Rest =
        [
            new R4.CapabilityStatement.RestComponent
            {
                Mode = R4.CapabilityStatement.RestfulCapabilityMode.Server,
                Documentation = "Read-only. Every request but this one needs Authorization: Bearer <JWT> with the registry's " +
                                "claims; who may read what is as in the registry's JSON API. A personnummer never goes in a URL: " +
                                "search only with POST and a form body; a search by GET is refused (400).",
                Security = new R4.CapabilityStatement.SecurityComponent
                {
                    Service = [new R4.CodeableConcept("http://terminology.hl7.org/CodeSystem/restful-security-service", "OAuth", "OAuth")],
                    Description = "Bearer JWT (claims sub, name, role and the role's unit claims).",
                },
                Resource =
                [
                    new R4.CapabilityStatement.ResourceComponent
                    {
                        Type = "CarePlan",
                        Profile = "http://hl7.org/fhir/StructureDefinition/CarePlan",
                        Documentation = "One CarePlan per certificate, with the child (Patient), the issuing clinician " +
                                        "(Practitioner) and the care unit (Organization) contained. Status: active; completed " +
                                        "when expired or replaced by a renewal (whose CarePlan replaces it); revoked.",
                        Interaction =
                        [
                            new R4.CapabilityStatement.ResourceInteractionComponent
                            {
                                Code = R4.CapabilityStatement.TypeRestfulInteraction.Read,
                                Documentation = "Readers as for the certificate in the JSON API; anyone else 404.",
                            },
                            new R4.CapabilityStatement.ResourceInteractionComponent
                            {
                                Code = R4.CapabilityStatement.TypeRestfulInteraction.SearchType,
                                Documentation = "POST CarePlan/_search only, form body, clinicians only.",
                            },
                        ],
                        Versioning = R4.CapabilityStatement.ResourceVersionPolicy.NoVersion,
                        ReadHistory = false,
                        UpdateCreate = false,
                        ConditionalCreate = false,
                        ConditionalRead = R4.CapabilityStatement.ConditionalReadStatus.NotSupported,
                        ConditionalUpdate = false,
                        ConditionalDelete = R4.CapabilityStatement.ConditionalDeleteStatus.NotSupported,
                        SearchParam =
                        [
                            new R4.CapabilityStatement.SearchParamComponent
                            {
                                Name = "patient",
                                Definition = "http://hl7.org/fhir/SearchParameter/clinical-patient",
                                Type = R4.SearchParamType.Reference,
                                Documentation = "Only chained as patient.identifier=system|value, the one parameter, with the " +
                                                $"system {IdentifierSystems.Personnummer} (personnummer) or " +
                                                $"{IdentifierSystems.Samordningsnummer} (samordningsnummer) and 12 digits.",
                            },
                        ],
                    },
                ],
            },
        ],
    };
}
