namespace Telerad.Fhir;

/// <summary>Telerad.Fhir: report → FHIR R4 resources (Firely SDK), offline validation, and delivery to the referrer.</summary>
public static class FhirModule
{
    /// <summary>The FHIR version every resource Telerad sends conforms to.</summary>
    public const string FhirVersion = "4.0.1";
}
