namespace Telerad.Fhir;

/// <summary>The code systems and identifier systems of Telerad's FHIR resources.</summary>
public static class FhirSystems
{
    public const string Loinc = "http://loinc.org";
    public const string V2DiagnosticService = "http://terminology.hl7.org/CodeSystem/v2-0074";
    public const string ObservationCategory = "http://terminology.hl7.org/CodeSystem/observation-category";
    public const string ObservationInterpretation = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
    public const string Npi = "http://hl7.org/fhir/sid/us-npi";
    public const string Dicom = "http://dicom.nema.org/resources/ontology/DCM";
    public const string DicomUid = "urn:dicom:uid";
    public const string ProvenanceParticipant = "http://terminology.hl7.org/CodeSystem/provenance-participant-type";

    /// <summary>Telerad's own findings (AI findings by model finding id, the radiologist's critical result).</summary>
    public const string TeleradFinding = "https://telerad.example.org/fhir/CodeSystem/finding";

    /// <summary>The deterministic business identifier of a tenant's reports.</summary>
    public static string ReportIdentifier(string tenant) => $"https://telerad.example.org/fhir/sid/{tenant}/report";

    /// <summary>The identifier of an AI model (Device), by id and version.</summary>
    public const string ModelIdentifier = "https://telerad.example.org/fhir/sid/model";

    /// <summary>LOINC 18748-4: Diagnostic imaging study (the report's code).</summary>
    public const string ImagingReportCode = "18748-4";

    /// <summary>LOINC part LP29684-5: Radiology (the report's category).</summary>
    public const string RadiologyCategory = "LP29684-5";
}
