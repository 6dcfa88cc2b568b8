using System.Collections.Concurrent;
using System.Text.Json;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Microsoft.Extensions.Logging.Abstractions;
using Telerad.Deidentification;
using Telerad.Dicom.Tests;
using Telerad.Fhir;
using Telerad.Ingestion;
using Telerad.Ingestion.Tests;
using Telerad.Storage;

namespace Telerad.Workflow.Tests;

/// <summary>
/// The FHIR delivery of a report version: stored report + summary + the real encrypted re-identification map (audited)
/// → a validated R4 bundle for the referrer's endpoint. The transport is recorded here (the HTTP client is tested
/// against a real FHIR server in Telerad.Fhir.Tests).
/// </summary>
public sealed class FhirReportDeliveryTests
{
    private static readonly Lazy<FhirBundleValidator> Validator = new(() => new FhirBundleValidator());
    private readonly InMemoryObjectStore _store = new();
    private readonly InMemoryAuditTrail _audit = new();
    private readonly RecordingSender _sender = new();
    private readonly FileReidentificationStore _map;
    private readonly FhirReportDelivery _delivery;

    public FhirReportDeliveryTests()
    {
        var keys = DeidentificationKeys.Generate(ReadingTestConfiguration.Tenant);
        _map = new FileReidentificationStore(TestData.NewScratchDirectory("fhir-delivery-map"), new Keys(keys), _audit);
        var configuration = new ReadingConfigurationProvider(ReadingTestConfiguration.Store(), TimeProvider.System, NullLogger<ReadingConfigurationProvider>.Instance);
        _delivery = new FhirReportDelivery(_store, _map, configuration, Validator.Value, _sender, new FhirDeliveryDefaults());
    }

    [Fact]
    public async Task A_final_report_goes_to_the_tenants_endpoint_re_identified_and_valid()
    {
        var study = await StudyAsync(withMap: true);
        var outcome = await _delivery.DeliverAsync(new ReportDeliveryRequest(ReadingTestConfiguration.Tenant, study, ReadingEvent.Final, ReadingEvent.Final, 1));

        Assert.Equal(ReportDeliveryOutcome.Delivered, outcome.Status);
        var (endpoint, bundle) = Assert.Single(_sender.Sent);
        Assert.Equal("ehr", endpoint); // the tenant's only EHR endpoint (the study names no referrer)
        var report = bundle.Entry.Select(e => e.Resource).OfType<DiagnosticReport>().Single();
        Assert.Equal(DiagnosticReport.DiagnosticReportStatus.Final, report.Status);
        Assert.Equal("Patient?identifier=urn%3Aoid%3A2.16.840.1.999|MRN-77", report.Subject!.Reference);
        Assert.Equal("urn:oid:1.2.3.4.5", bundle.Entry.Select(e => e.Resource).OfType<ImagingStudy>().Single().Identifier[0].Value);
        Assert.Equal("1234567893", bundle.Entry.Select(e => e.Resource).OfType<Practitioner>().Single().Identifier[0].Value);
        Assert.Empty(Validator.Value.Errors(bundle));

        // The map was read for this purpose and that read is on the audit trail.
        Assert.Contains(_audit.All, r => r.Action == Telerad.Auditing.AuditActions.ReidentificationRead && r.Actor == FhirReportDelivery.Actor && r.Purpose == FhirReportDelivery.Purpose);
    }

    [Fact]
    public async Task Without_the_report_or_the_map_nothing_is_sent_and_the_outcome_is_permanent()
    {
        var study = await StudyAsync(withMap: false);
        Assert.Equal((ReportDeliveryOutcome.Permanent, "reidentification-missing"),
            Outcome(await _delivery.DeliverAsync(new ReportDeliveryRequest(ReadingTestConfiguration.Tenant, study, ReadingEvent.Final, ReadingEvent.Final, 1))));
        Assert.Equal((ReportDeliveryOutcome.Permanent, "report-missing"),
            Outcome(await _delivery.DeliverAsync(new ReportDeliveryRequest(ReadingTestConfiguration.Tenant, study, "addendum-9", ReadingEvent.Addendum, 1))));
        Assert.Empty(_sender.Sent);

        static (string, string) Outcome(ReportDeliveryOutcome o) => (o.Status, o.Code);
    }

    private async Task<string> StudyAsync(bool withMap)
    {
        var study = "2.25." + Random.Shared.NextInt64(1, long.MaxValue);
        var summary = new StudySummary { Tenant = ReadingTestConfiguration.Tenant, StudyKey = study, Modalities = ["CT"], Series = [new SeriesSummary("2.25.8", "CT", 40, 1)] };
        _store.Put(new ObjectRef(Containers.Deidentified, $"{ReadingTestConfiguration.Tenant}/{study}/summary.json"), JsonSerializer.SerializeToUtf8Bytes(summary, WorkflowJsonContext.Default.StudySummary));
        var report = new StoredReport
        {
            ReportId = ReadingEvent.Final, Tenant = ReadingTestConfiguration.Tenant, StudyKey = study, RadiologistId = ReadingTestConfiguration.Neuro, Kind = ReadingEvent.Final,
            Findings = "Hyperdense focus.", Impression = "Acute haemorrhage.", Critical = true, Severity = "red", CriticalDescription = "Acute haemorrhage", SubmittedUtc = DateTimeOffset.UtcNow,
        };
        _store.Put(new ObjectRef(Containers.Deidentified, $"{ReadingTestConfiguration.Tenant}/{study}/reports/final.json"), JsonSerializer.SerializeToUtf8Bytes(report, ReadingApiJson.Default.StoredReport));
        if (withMap)
        {
            await _map.SaveAsync(new ReidentificationEntry
            {
                TenantId = ReadingTestConfiguration.Tenant, DeidentifiedStudyInstanceUid = study, OriginalStudyInstanceUid = "1.2.3.4.5",
                PatientId = "MRN-77", IssuerOfPatientId = "urn:oid:2.16.840.1.999", AccessionNumber = "ACC-1", PseudonymKeyId = "k",
            });
        }

        return study;
    }

    private sealed class Keys(DeidentificationKeys keys) : IDeidentificationKeyProvider
    {
        public DeidentificationKeys GetKeys(string tenantId) => keys;
    }

    private sealed class RecordingSender : IFhirBundleSender
    {
        public ConcurrentQueue<(string Endpoint, Bundle Bundle)> Sent { get; } = new();

        public System.Threading.Tasks.Task<FhirSendOutcome> SendAsync(string endpointId, Bundle bundle, CancellationToken cancellationToken = default)
        {
            Sent.Enqueue((endpointId, bundle));
            return System.Threading.Tasks.Task.FromResult(new FhirSendOutcome(FhirSendOutcome.Delivered, 200, "200", [], []));
        }
    }
}
