using System.Globalization;
using Hl7.Fhir.Model;
using static Telerad.Fhir.ReportBundleBuilder;

namespace Telerad.Fhir;

/// <summary>
/// A critical result's closed loop in the referrer's record, as R4 Communications (one transaction bundle per step):
/// each alert Telerad sent (category alert, priority by severity, about the DiagnosticReport, to the recipient, from the
/// radiologist) and the acknowledgment (in response to the alert it answers, received when it was acknowledged, medium
/// electronic or telephone). The Patient is the EHR's (conditional reference); report, people and the answered alert are
/// logical references by identifier. Conditional create on a deterministic identifier: resending changes nothing.
/// </summary>
public static class CommunicationBundleBuilder
{
    public const string CommunicationCategory = "http://terminology.hl7.org/CodeSystem/communication-category";
    public const string ParticipationMode = "http://terminology.hl7.org/CodeSystem/v3-ParticipationMode";

    public static string CommunicationIdentifier(string tenant) => $"https://telerad.example.org/fhir/sid/{tenant}/critical-result-communication";

    public static string ContactIdentifier(string tenant) => $"https://telerad.example.org/fhir/sid/{tenant}/contact";

    public static Bundle Build(CriticalResultCommunicationForDelivery step)
    {
        ArgumentNullException.ThrowIfNull(step);
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction };
        var system = CommunicationIdentifier(step.Tenant);
        var alertId = new Identifier(system, $"{step.LoopId}-attempt-{step.Attempt.ToString(CultureInfo.InvariantCulture)}");
        var patient = new ResourceReference($"Patient?identifier={Escape(step.Patient.System)}|{Escape(step.Patient.Value)}");
        // The report, the radiologist and the answered alert by logical reference (identifier): the alert goes out while
        // the report's own delivery may still be under way, so a conditional reference could find nothing yet.
        var report = new ResourceReference { Type = "DiagnosticReport", Identifier = new Identifier(FhirSystems.ReportIdentifier(step.Tenant), step.ReportId) };
        var recipient = new ResourceReference
        {
            Type = "Practitioner",
            Identifier = new Identifier(ContactIdentifier(step.Tenant), step.RecipientId),
            Display = step.RecipientDisplay ?? $"{step.RecipientKind} {step.RecipientId}",
        };
        var radiologistIdentifier = step.Radiologist.Npi is { } npi ? new Identifier(FhirSystems.Npi, npi) : new Identifier(step.Radiologist.LocalIdSystem, step.Radiologist.LocalId);
        var radiologist = new ResourceReference { Type = "Practitioner", Identifier = radiologistIdentifier, Display = step.Radiologist.DisplayName };
        string Urn(string role) => "urn:uuid:" + DeterministicGuid($"{step.Tenant}|{step.LoopId}|{step.Attempt}|{role}");

        if (step.Acknowledgment is not { } acknowledgment)
        {
            var alert = new Communication
            {
                Identifier = [alertId],
                Status = EventStatus.Completed,
                Category = [new CodeableConcept(CommunicationCategory, "alert", "Alert")],
                Priority = step.Severity == "red" ? RequestPriority.Stat : RequestPriority.Asap,
                Medium = [new CodeableConcept(ParticipationMode, "ELECTRONIC", "electronic data")],
                Subject = patient,
                About = [report],
                Sent = Instant(step.SentUtc),
                Recipient = [recipient],
                Sender = radiologist,
                Payload = [new Communication.PayloadComponent { Content = new FhirString(string.Create(CultureInfo.InvariantCulture,
                    $"Critical result ({step.Severity}) in the radiology report: please acknowledge{(step.AcknowledgeByUtc is { } by ? $" by {by.UtcDateTime:yyyy-MM-dd HH:mm} UTC" : string.Empty)} (alert {step.Attempt} of {step.ChainLength}).")) }],
            };
            Add(bundle, Urn("alert"), alert, Create("Communication", alertId));
            return bundle;
        }

        var ackId = new Identifier(system, $"{step.LoopId}-acknowledgment");
        var phone = acknowledgment.Method == "phone-read-back";
        var answer = new Communication
        {
            Identifier = [ackId],
            Status = EventStatus.Completed,
            Category = [new CodeableConcept(CommunicationCategory, "notification", "Notification")],
            Medium = [phone ? new CodeableConcept(ParticipationMode, "PHONE", "telephone") : new CodeableConcept(ParticipationMode, "ELECTRONIC", "electronic data")],
            Subject = patient,
            About = [report],
            InResponseTo = [new ResourceReference { Type = "Communication", Identifier = alertId }],
            Sent = Instant(acknowledgment.AcknowledgedUtc),
            Received = Instant(acknowledgment.AcknowledgedUtc),
            Sender = recipient,
            Recipient = [radiologist],
            Payload = [new Communication.PayloadComponent { Content = new FhirString(phone
                ? $"Critical result acknowledged by telephone read-back (recorded by operations {acknowledgment.RecordedBy})."
                : "Critical result acknowledged with the acknowledgment link.") }],
        };
        Add(bundle, Urn("acknowledgment"), answer, Create("Communication", ackId));
        return bundle;
    }

    private static string Instant(DateTimeOffset value) => value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
