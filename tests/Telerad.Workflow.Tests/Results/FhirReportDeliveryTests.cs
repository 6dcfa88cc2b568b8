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
        _delivery = new FhirReportDelivery(_store, _map, configuration, Validator.Value, _sender, new FhirDeliveryDefaults(), new CriticalResultRecords(_store));
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

    [Fact]
    public async Task Each_alert_and_the_acknowledgment_become_valid_Communications_about_the_report()
    {
        var study = await StudyAsync(withMap: true);
        var records = new CriticalResultRecords(_store);
        var sent = DateTimeOffset.Parse("2026-11-28T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (attempt, recipient, kind) in new[] { (1, "ed-attending", "clinician"), (2, "on-call", "on-call") })
        {
            await records.WriteAttemptAsync(new CriticalResultAttemptRecord
            {
                Tenant = ReadingTestConfiguration.Tenant, StudyKey = study, ReportId = ReadingEvent.Final, ReportKind = ReadingEvent.Final, Severity = "red",
                RadiologistId = ReadingTestConfiguration.Neuro, ReportedUtc = sent, Attempt = attempt, RecipientId = recipient, RecipientKind = kind,
                Topic = "critical-results", NotificationKind = "critical-result", MessageId = $"m{attempt}", SentUtc = sent.AddHours(attempt - 1),
                AcknowledgeByUtc = sent.AddHours(attempt), LinkExpiresUtc = sent.AddHours(4),
            });
        }

        await records.CreateAcknowledgmentAsync(new CriticalResultAcknowledgmentRecord
        {
            Tenant = ReadingTestConfiguration.Tenant, StudyKey = study, ReportId = ReadingEvent.Final, RecipientId = "on-call", RecipientKind = "on-call",
            Method = "phone-read-back", RecordedBy = "ops-1", AcknowledgedUtc = sent.AddMinutes(75),
        });
        var retry = new StudyAssemblyOptions();
        var alert = await _delivery.DeliverAsync(new CriticalResultCommunicationRequest(ReadingTestConfiguration.Tenant, study, ReadingEvent.Final, 2, retry));
        var answer = await _delivery.DeliverAsync(new CriticalResultCommunicationRequest(ReadingTestConfiguration.Tenant, study, ReadingEvent.Final, null, retry));
        Assert.Equal((ReportDeliveryOutcome.Delivered, ReportDeliveryOutcome.Delivered), (alert.Status, answer.Status));

        var sentBundles = _sender.Sent.ToArray();
        Assert.Equal(2, sentBundles.Length);
        var alerted = Assert.Single(sentBundles[0].Bundle.Entry.Select(e => e.Resource).OfType<Communication>());
        var acknowledged = Assert.Single(sentBundles[1].Bundle.Entry.Select(e => e.Resource).OfType<Communication>());
        Assert.Equal(($"{study}-final-attempt-2", "alert", RequestPriority.Stat), (alerted.Identifier[0].Value, alerted.Category[0].Coding[0].Code, alerted.Priority));
        Assert.Equal("2026-11-28T11:00:00Z", alerted.Sent);
        Assert.Equal("on-call", alerted.Recipient[0].Identifier!.Value);
        Assert.Equal(FhirReportDelivery.LogicalReportId(study), alerted.About[0].Identifier!.Value); // the DiagnosticReport's business identifier
        Assert.Equal("Patient?identifier=urn%3Aoid%3A2.16.840.1.999|MRN-77", alerted.Subject!.Reference);
        Assert.Equal(alerted.Identifier[0].Value, acknowledged.InResponseTo[0].Identifier!.Value); // answers the on-call's alert
        Assert.Equal(("PHONE", "2026-11-28T11:15:00Z"), (acknowledged.Medium[0].Coding[0].Code, acknowledged.Received));
        Assert.All(sentBundles, b => Assert.Empty(Validator.Value.Errors(b.Bundle)));
        Assert.Contains(_audit.All, r => r.Action == Telerad.Auditing.AuditActions.ReidentificationRead && r.Purpose == FhirReportDelivery.CommunicationPurpose);
    }

    [Fact]
    public async Task A_communication_without_its_loop_records_is_permanent_and_sends_nothing()
    {
        var study = await StudyAsync(withMap: true);
        var retry = new StudyAssemblyOptions();
        Assert.Equal("attempt-missing", (await _delivery.DeliverAsync(new CriticalResultCommunicationRequest(ReadingTestConfiguration.Tenant, study, ReadingEvent.Final, 1, retry))).Code);
        Assert.Equal("acknowledgment-missing", (await _delivery.DeliverAsync(new CriticalResultCommunicationRequest(ReadingTestConfiguration.Tenant, study, ReadingEvent.Final, null, retry))).Code);
        Assert.Empty(_sender.Sent);
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
