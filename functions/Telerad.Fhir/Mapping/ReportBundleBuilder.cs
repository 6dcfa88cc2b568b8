using System.Net;
using System.Security.Cryptography;
using System.Text;
using Hl7.Fhir.Model;

namespace Telerad.Fhir;

/// <summary>
/// One report version as an R4 transaction Bundle: DiagnosticReport (status by kind; conditional create on its business
/// identifier for the first version, conditional update of the same logical report for later ones), ImagingStudy with
/// the original Study Instance UID, the radiologist as Practitioner, an Observation for a critical result, AI results as
/// Observations with the model as Device, and a Provenance for the version. Patient and ServiceRequest are the
/// referrer's: referenced conditionally by identifier, never created. Deterministic: the same input gives the same bundle.
/// </summary>
public static class ReportBundleBuilder
{
    public static Bundle Build(ReportForDelivery report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction };
        string Urn(string role) => "urn:uuid:" + DeterministicGuid($"{report.Tenant}|{report.ReportId}|{report.Kind}|{role}");
        var patient = new ResourceReference($"Patient?identifier={Escape(report.Patient.System)}|{Escape(report.Patient.Value)}");

        // The radiologist: created once per identifier.
        var practitionerIdentifier = report.Radiologist.Npi is { } npi ? new Identifier(FhirSystems.Npi, npi) : new Identifier(report.Radiologist.LocalIdSystem, report.Radiologist.LocalId);
        var practitioner = new Practitioner { Identifier = [practitionerIdentifier], Name = [new HumanName { Text = report.Radiologist.DisplayName }] };
        Add(bundle, Urn("practitioner"), practitioner, Create("Practitioner", practitionerIdentifier));

        var imagingIdentifier = new Identifier(FhirSystems.DicomUid, "urn:oid:" + report.OriginalStudyInstanceUid);
        var imagingStudy = new ImagingStudy
        {
            Identifier = [imagingIdentifier],
            Status = ImagingStudy.ImagingStudyStatus.Available,
            Subject = patient,
            Modality = [.. report.Modalities.Select(m => new Coding(FhirSystems.Dicom, m))],
            NumberOfSeries = report.NumberOfSeries,
            NumberOfInstances = report.NumberOfInstances,
        };
        Add(bundle, Urn("imaging-study"), imagingStudy, Create("ImagingStudy", imagingIdentifier));

        var status = Status(report.Kind);
        var observationStatus = status == DiagnosticReport.DiagnosticReportStatus.Preliminary ? ObservationStatus.Preliminary : ObservationStatus.Final;
        var results = new List<ResourceReference>();
        if (report.Critical)
        {
            var critical = new Observation
            {
                Status = observationStatus,
                Category = [new CodeableConcept(FhirSystems.ObservationCategory, "imaging")],
                Code = new CodeableConcept(FhirSystems.TeleradFinding, "critical-result", "Critical result (radiologist)"),
                Subject = patient,
                Issued = report.Issued,
                Performer = [new ResourceReference(Urn("practitioner"))],
                Value = new FhirString(report.CriticalDescription ?? report.Impression),
                Interpretation = [new CodeableConcept(FhirSystems.ObservationInterpretation, "AA", "Critical abnormal")],
                Note = [new Annotation { Text = new Markdown($"Severity: {report.Severity ?? "red"}") }],
            };
            Add(bundle, Urn("critical"), critical, Post("Observation"));
            results.Add(new ResourceReference(Urn("critical")));
        }

        if (report.Ai is { } ai)
        {
            var deviceIdentifier = new Identifier(FhirSystems.ModelIdentifier, $"{ai.ModelId}/{ai.ModelVersion}");
            var device = new Device
            {
                Identifier = [deviceIdentifier],
                DeviceName = [new Device.DeviceNameComponent { Name = ai.ModelId, Type = DeviceNameType.ModelName }],
                Version = [new Device.VersionComponent { Value = ai.ModelVersion }],
            };
            Add(bundle, Urn("ai-device"), device, Create("Device", deviceIdentifier));
            foreach (var finding in ai.Findings)
            {
                var observation = new Observation
                {
                    Status = ObservationStatus.Final,
                    Category = [new CodeableConcept(FhirSystems.ObservationCategory, "imaging")],
                    Code = new CodeableConcept(FhirSystems.TeleradFinding, finding.FindingId, $"AI: {finding.FindingId}"),
                    Subject = patient,
                    Issued = report.Issued,
                    Device = new ResourceReference(Urn("ai-device")),
                    Value = new Quantity { Value = (decimal)Math.Round(finding.Score, 4), Unit = "probability" },
                    Interpretation = [finding.Flagged ? new CodeableConcept(FhirSystems.ObservationInterpretation, "POS", "Positive") : new CodeableConcept(FhirSystems.ObservationInterpretation, "NEG", "Negative")],
                    Note = [new Annotation { Text = new Markdown($"AI triage (threshold {finding.Threshold.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)}); not a diagnosis, reviewed by the reporting radiologist.") }],
                };
                Add(bundle, Urn("ai-" + finding.FindingId), observation, Post("Observation"));
                results.Add(new ResourceReference(Urn("ai-" + finding.FindingId)));
            }
        }

        var reportIdentifier = new Identifier(FhirSystems.ReportIdentifier(report.Tenant), report.ReportId);
        var diagnosticReport = new DiagnosticReport
        {
            Identifier = [reportIdentifier],
            Status = status,
            Category = [new CodeableConcept(FhirSystems.Loinc, FhirSystems.RadiologyCategory, "Radiology"), new CodeableConcept(FhirSystems.V2DiagnosticService, "RAD", "Radiology")],
            Code = new CodeableConcept(FhirSystems.Loinc, FhirSystems.ImagingReportCode, "Diagnostic imaging study"),
            Subject = patient,
            Effective = new FhirDateTime(report.Issued),
            Issued = report.Issued,
            ResultsInterpreter = [new ResourceReference(Urn("practitioner"))],
            ImagingStudy = [new ResourceReference(Urn("imaging-study"))],
            Result = results,
            Conclusion = report.Impression,
            PresentedForm = [new Attachment { ContentType = "text/html", Language = "en", Data = Encoding.UTF8.GetBytes(Html(report)), Title = $"Radiology report ({report.Kind})" }],
        };
        if (report.AccessionNumber is { } accession)
        {
            diagnosticReport.BasedOn = [new ResourceReference($"ServiceRequest?identifier={Escape(report.AccessionSystem ?? string.Empty)}|{Escape(accession)}")];
        }

        if (report.Critical)
        {
            diagnosticReport.ConclusionCode = [new CodeableConcept(FhirSystems.ObservationInterpretation, "AA", "Critical abnormal")];
        }

        var query = $"identifier={Escape(reportIdentifier.System)}|{Escape(reportIdentifier.Value)}";
        var request = report.UpdatesEarlierVersion
            ? new Bundle.RequestComponent { Method = Bundle.HTTPVerb.PUT, Url = "DiagnosticReport?" + query }
            : new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "DiagnosticReport", IfNoneExist = query };
        Add(bundle, Urn("report"), diagnosticReport, request);

        var provenance = new Provenance
        {
            Target = [new ResourceReference(Urn("report"))],
            Recorded = report.Issued,
            Activity = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-DataOperation", report.UpdatesEarlierVersion ? "UPDATE" : "CREATE"),
            Agent = [new Provenance.AgentComponent { Type = new CodeableConcept(FhirSystems.ProvenanceParticipant, "author"), Who = new ResourceReference(Urn("practitioner")) }],
        };
        Add(bundle, Urn("provenance"), provenance, Post("Provenance"));
        return bundle;
    }

    public static DiagnosticReport.DiagnosticReportStatus Status(string kind) => kind switch
    {
        ReportKinds.Preliminary => DiagnosticReport.DiagnosticReportStatus.Preliminary,
        ReportKinds.Final => DiagnosticReport.DiagnosticReportStatus.Final,
        ReportKinds.Addendum => DiagnosticReport.DiagnosticReportStatus.Appended,
        ReportKinds.Amendment => DiagnosticReport.DiagnosticReportStatus.Amended,
        _ => throw new ArgumentException($"Unknown report kind '{kind}'.", nameof(kind)),
    };

    /// <summary>The human-readable report: every text HTML-escaped, so report text can never become markup.</summary>
    private static string Html(ReportForDelivery report)
    {
        var html = new StringBuilder();
        html.Append("<html><body><h1>Radiology report</h1>");
        html.Append("<p><b>Status:</b> ").Append(WebUtility.HtmlEncode(report.Kind)).Append("</p>");
        if (report.Critical)
        {
            html.Append("<p><b>CRITICAL RESULT (").Append(WebUtility.HtmlEncode(report.Severity ?? "red")).Append("):</b> ").Append(WebUtility.HtmlEncode(report.CriticalDescription ?? string.Empty)).Append("</p>");
        }

        html.Append("<h2>Findings</h2><p>").Append(WebUtility.HtmlEncode(report.Findings)).Append("</p>");
        html.Append("<h2>Impression</h2><p>").Append(WebUtility.HtmlEncode(report.Impression)).Append("</p>");
        html.Append("<p>Reported by ").Append(WebUtility.HtmlEncode(report.Radiologist.DisplayName)).Append(", ")
            .Append(report.Issued.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture)).Append("</p>");
        return html.Append("</body></html>").ToString();
    }

    internal static void Add(Bundle bundle, string fullUrl, Resource resource, Bundle.RequestComponent request) =>
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = fullUrl, Resource = resource, Request = request });

    internal static Bundle.RequestComponent Create(string type, Identifier identifier) =>
        new() { Method = Bundle.HTTPVerb.POST, Url = type, IfNoneExist = $"identifier={Escape(identifier.System)}|{Escape(identifier.Value)}" };

    private static Bundle.RequestComponent Post(string type) => new() { Method = Bundle.HTTPVerb.POST, Url = type };

    internal static string Escape(string? value) => Uri.EscapeDataString(value ?? string.Empty);

    internal static Guid DeterministicGuid(string key)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80); // RFC 9562 version 8 (custom), variant 10
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}
