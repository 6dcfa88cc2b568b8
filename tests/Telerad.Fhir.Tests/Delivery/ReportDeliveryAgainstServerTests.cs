using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using Telerad.Fhir.Auth;
using Telerad.Fhir.Delivery;
using Telerad.Fhir.Tests.Server;
using Task = System.Threading.Tasks.Task;

namespace Telerad.Fhir.Tests.Delivery;

/// <summary>
/// Telerad's own report bundles (ReportBundleBuilder) sent through the catalog sender to the real test FHIR server:
/// delivered and read back with the patient reference resolved, redelivery creates nothing new, an addendum updates the
/// same DiagnosticReport, a report for a patient the EHR does not know is refused (permanent).
/// </summary>
[Collection(OpenFhirServerCollection.Name)]
public sealed class ReportDeliveryAgainstServerTests(OpenFhirServer server) : IDisposable
{
    private readonly HttpClient _http = new();
    private readonly AccessTokenProviders _tokens = new(new HttpClient(), new InMemorySecretStore(), TimeProvider.System);

    public void Dispose()
    {
        _http.Dispose();
        _tokens.Dispose();
    }

    private CatalogFhirBundleSender Sender() => new(
        FhirEndpointCatalog.Create([new FhirEndpoint("ehr", server.FhirBase, NoAuthentication.Instance)]),
        new FhirDeliveryClient(_http, _tokens, new FhirDeliveryOptions()));

    private static ReportForDelivery Report(string patient, string reportId, string kind, bool update) => Telerad.Fhir.Tests.ReportBundleBuilderTests.Report(kind, critical: true, ai: true, update: update) with
    {
        ReportId = reportId,
        Patient = new PatientIdentity(patient, "urn:oid:1.2.840.99.1"),
        AccessionNumber = null,
    };

    private async Task CreatePatientAsync(string value)
    {
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction };
        bundle.Entry.Add(new Bundle.EntryComponent
        {
            FullUrl = "urn:uuid:" + Guid.NewGuid(),
            Resource = new Patient { Identifier = [new Identifier("urn:oid:1.2.840.99.1", value)] },
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Patient" },
        });
        Assert.Equal(FhirSendOutcome.Delivered, (await Sender().SendAsync("ehr", bundle)).Status);
    }

    [Fact]
    public async Task A_final_report_is_delivered_once_and_an_addendum_updates_it()
    {
        var patient = "MRN-" + Guid.NewGuid().ToString("N")[..8];
        var reportId = "R-" + Guid.NewGuid().ToString("N")[..8];
        await CreatePatientAsync(patient);

        var first = await Sender().SendAsync("ehr", ReportBundleBuilder.Build(Report(patient, reportId, ReportKinds.Final, update: false)));
        Assert.True(first.Status == FhirSendOutcome.Delivered, $"{first.Status} {first.HttpStatus} {first.Code}");
        var again = await Sender().SendAsync("ehr", ReportBundleBuilder.Build(Report(patient, reportId, ReportKinds.Final, update: false)));
        Assert.Equal(FhirSendOutcome.Delivered, again.Status);

        var query = $"identifier={Uri.EscapeDataString(FhirSystems.ReportIdentifier("hospital-a"))}|{reportId}";
        var reports = (await server.SearchAsync("DiagnosticReport", query))["entry"]!.AsArray();
        var report = Assert.Single(reports)!["resource"]!;
        Assert.Equal("final", report["status"]!.GetValue<string>());
        var subject = report["subject"]!["reference"]!.GetValue<string>();
        Assert.StartsWith("Patient/", subject, StringComparison.Ordinal); // the conditional reference was resolved
        var readPatient = await server.ReadAsync(subject);
        Assert.Equal(patient, readPatient["identifier"]![0]!["value"]!.GetValue<string>());
        Assert.Single((await server.SearchAsync("ImagingStudy", "identifier=urn%3Adicom%3Auid|urn%3Aoid%3A1.2.840.99.3.4"))["entry"]!.AsArray(), e => e!["resource"]!["subject"]!["reference"]!.GetValue<string>() == subject);

        var addendum = await Sender().SendAsync("ehr", ReportBundleBuilder.Build(Report(patient, reportId, ReportKinds.Addendum, update: true)));
        Assert.True(addendum.Status == FhirSendOutcome.Delivered, $"{addendum.Status} {addendum.HttpStatus} {addendum.Code}");
        var updated = Assert.Single((await server.SearchAsync("DiagnosticReport", query))["entry"]!.AsArray())!["resource"]!;
        Assert.Equal("appended", updated["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unknown_endpoints_are_a_permanent_failure_without_a_request()
    {
        var outcome = await Sender().SendAsync("nowhere", ReportBundleBuilder.Build(Report("x", "R-x", ReportKinds.Final, update: false)));
        Assert.Equal((FhirSendOutcome.Permanent, "endpoint-not-configured"), (outcome.Status, outcome.Code));
    }

    [Fact]
    public async Task A_critical_results_alerts_and_acknowledgment_are_stored_once_with_the_patient_resolved()
    {
        var patient = "MRN-" + Guid.NewGuid().ToString("N")[..8];
        var loop = "L-" + Guid.NewGuid().ToString("N")[..8];
        await CreatePatientAsync(patient);
        var alert = new CriticalResultCommunicationForDelivery
        {
            Tenant = "t1", ReportId = "R-1", LoopId = loop, Severity = "orange", Attempt = 1, ChainLength = 3, RecipientId = "ed-attending", RecipientKind = "clinician",
            RecipientDisplay = "ED attending", Radiologist = new ReportingRadiologist("rad-1", "Dr Reader", "1234567893", null, null),
            Patient = new PatientIdentity(patient, "urn:oid:1.2.840.99.1"), SentUtc = DateTimeOffset.UtcNow, AcknowledgeByUtc = DateTimeOffset.UtcNow.AddHours(6),
        };
        var acknowledgment = alert with { Acknowledgment = new CriticalResultAcknowledgmentForDelivery(DateTimeOffset.UtcNow, "link", null) };
        foreach (var step in new[] { alert, alert, acknowledgment, acknowledgment })
        {
            var sent = await Sender().SendAsync("ehr", CommunicationBundleBuilder.Build(step));
            Assert.True(sent.Status == FhirSendOutcome.Delivered, $"{sent.Status} {sent.HttpStatus} {sent.Code} {string.Join(',', sent.IssueCodes)}");
        }

        var system = Uri.EscapeDataString(CommunicationBundleBuilder.CommunicationIdentifier("t1"));
        var alerts = (await server.SearchAsync("Communication", $"identifier={system}|{loop}-attempt-1"))["entry"]!.AsArray();
        var answers = (await server.SearchAsync("Communication", $"identifier={system}|{loop}-acknowledgment"))["entry"]!.AsArray();
        Assert.Single(alerts); // sent twice, stored once
        Assert.Single(answers);
        var stored = alerts[0]!["resource"]!;
        Assert.StartsWith("Patient/", stored["subject"]!["reference"]!.GetValue<string>(), StringComparison.Ordinal); // resolved to the EHR's Patient
        Assert.Equal("asap", stored["priority"]!.GetValue<string>());
        Assert.Equal($"{loop}-attempt-1", answers[0]!["resource"]!["inResponseTo"]![0]!["identifier"]!["value"]!.GetValue<string>());
    }
}
