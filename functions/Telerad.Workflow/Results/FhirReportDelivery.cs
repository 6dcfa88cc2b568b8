using System.Text.Json;
using Telerad.Deidentification;
using Telerad.Fhir;
using Telerad.Reading.Configuration;
using Telerad.Storage;

namespace Telerad.Workflow;

/// <summary>Identifier systems the referrer's EHR uses, where the images do not say (validated options).</summary>
public sealed record FhirDeliveryDefaults
{
    /// <summary>The patient identifier system when the Issuer of Patient ID is not itself a URI.</summary>
    public string PatientIdentifierSystem { get; init; } = "urn:telerad:patient-id";

    /// <summary>The accession number system (the order's identifier).</summary>
    public string AccessionSystem { get; init; } = "urn:telerad:accession";
}

/// <summary>
/// <see cref="IReportDelivery"/> over FHIR: reads the stored report version (de-identified), re-identifies the study
/// through the audited re-identification map (the only place PHI enters results), adds AI triage's result, maps to an R4
/// transaction bundle, validates it offline (an invalid bundle is never sent: permanent, with the validator's issue
/// count) and sends it to the referrer's endpoint. The referrer's endpoint is the study's referrer's, else the tenant's
/// single EHR endpoint when all its referrers share one. Nothing with PHI leaves this method except the bundle.
/// </summary>
public sealed class FhirReportDelivery(
    IObjectStore store,
    IReidentificationStore reidentification,
    ReadingConfigurationProvider configuration,
    FhirBundleValidator validator,
    IFhirBundleSender sender,
    FhirDeliveryDefaults defaults,
    CriticalResultRecords criticalResults) : IReportDelivery, ICriticalResultCommunicationDelivery
{
    public const string Actor = "results-delivery";
    public const string Purpose = "report-delivery";
    public const string CommunicationPurpose = "critical-result-communication";

    public async Task<ReportDeliveryOutcome> DeliverAsync(ReportDeliveryRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var report = await store.ReadJsonIfExistsAsync(new ObjectRef(Containers.Deidentified, $"{request.Tenant}/{request.StudyKey}/reports/{request.ReportId}.json"), ReadingApiJson.Default.StoredReport, cancellationToken);
        if (report is null)
        {
            return new ReportDeliveryOutcome(ReportDeliveryOutcome.Permanent, "report-missing");
        }

        var summary = await store.ReadJsonIfExistsAsync(new ObjectRef(Containers.Deidentified, $"{request.Tenant}/{request.StudyKey}/summary.json"), WorkflowJsonContext.Default.StudySummary, cancellationToken);
        var config = await configuration.GetAsync(cancellationToken);
        if (config.FindTenant(request.Tenant) is not { } tenant || EndpointOf(tenant, summary?.ReferrerId) is not { } endpoint)
        {
            return new ReportDeliveryOutcome(ReportDeliveryOutcome.Permanent, "endpoint-unknown");
        }

        // Audited before it is read; a failed audit write returns nothing.
        var identity = await reidentification.GetAsync(request.Tenant, request.StudyKey, Actor, Purpose, cancellationToken);
        if (identity?.PatientId is not { Length: > 0 } patientId)
        {
            return new ReportDeliveryOutcome(ReportDeliveryOutcome.Permanent, identity is null ? "reidentification-missing" : "patient-id-missing");
        }

        var bundle = ReportBundleBuilder.Build(new ReportForDelivery
        {
            Tenant = request.Tenant,
            ReportId = LogicalReportId(request.StudyKey),
            Kind = report.Kind,
            UpdatesEarlierVersion = report.Kind != ReadingEvent.Preliminary && await SentBeforeAsync(request, cancellationToken),
            Findings = report.Findings,
            Impression = report.Impression,
            Critical = report.Critical,
            Severity = report.Severity,
            CriticalDescription = report.CriticalDescription,
            Radiologist = Radiologist(config, request.Tenant, report.RadiologistId),
            Issued = report.SubmittedUtc,
            Patient = Patient(patientId, identity.IssuerOfPatientId),
            AccessionNumber = string.IsNullOrEmpty(identity.AccessionNumber) ? null : identity.AccessionNumber,
            AccessionSystem = defaults.AccessionSystem,
            OriginalStudyInstanceUid = identity.OriginalStudyInstanceUid,
            Modalities = summary?.Modalities ?? [],
            NumberOfSeries = summary?.Series.Count ?? 0,
            NumberOfInstances = summary?.Instances ?? 0,
            Ai = await AiAsync(request, cancellationToken),
        });

        return await ValidateAndSendAsync(endpoint, bundle, cancellationToken);
    }

    /// <summary>
    /// A critical result's loop step (an alert, or the acknowledgment) as a Communication in the referrer's EHR: the
    /// stored loop records (ids and times), the patient re-identified (audited), validated, sent like a report.
    /// </summary>
    public async Task<ReportDeliveryOutcome> DeliverAsync(CriticalResultCommunicationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var attempts = await criticalResults.ListAttemptsAsync(request.Tenant, request.StudyKey, request.ReportId, cancellationToken);
        CriticalResultAcknowledgmentRecord? acknowledgment = null;
        if (request.Attempt is null && (acknowledgment = await criticalResults.ReadAcknowledgmentAsync(request.Tenant, request.StudyKey, request.ReportId, cancellationToken)) is null)
        {
            return new ReportDeliveryOutcome(ReportDeliveryOutcome.Permanent, "acknowledgment-missing");
        }

        // The alert this step is (or, for the acknowledgment, the one it answers: the acknowledging recipient's last alert).
        var attempt = request.Attempt is { } n
            ? attempts.FirstOrDefault(a => a.Attempt == n)
            : attempts.LastOrDefault(a => a.RecipientId == acknowledgment!.RecipientId) ?? (attempts.Count > 0 ? attempts[^1] : null);
        if (attempt is null)
        {
            return new ReportDeliveryOutcome(ReportDeliveryOutcome.Permanent, "attempt-missing");
        }

        var config = await configuration.GetAsync(cancellationToken);
        if (config.FindTenant(request.Tenant) is not { } tenant || EndpointOf(tenant, attempt.ReferrerId) is not { } endpoint)
        {
            return new ReportDeliveryOutcome(ReportDeliveryOutcome.Permanent, "endpoint-unknown");
        }

        var identity = await reidentification.GetAsync(request.Tenant, request.StudyKey, Actor, CommunicationPurpose, cancellationToken);
        if (identity?.PatientId is not { Length: > 0 } patientId)
        {
            return new ReportDeliveryOutcome(ReportDeliveryOutcome.Permanent, identity is null ? "reidentification-missing" : "patient-id-missing");
        }

        var recipient = acknowledgment?.RecipientId ?? attempt.RecipientId;
        var bundle = CommunicationBundleBuilder.Build(new CriticalResultCommunicationForDelivery
        {
            Tenant = request.Tenant,
            ReportId = LogicalReportId(request.StudyKey),
            LoopId = $"{request.StudyKey}-{request.ReportId}",
            Severity = attempt.Severity,
            Attempt = attempt.Attempt,
            ChainLength = Math.Max(attempts.Count, attempt.Attempt),
            RecipientId = recipient,
            RecipientKind = acknowledgment?.RecipientKind ?? attempt.RecipientKind,
            RecipientDisplay = tenant.Referrers.SelectMany(r => r.CriticalResultContacts).FirstOrDefault(c => c.Id == recipient)?.DisplayName,
            Radiologist = Radiologist(config, request.Tenant, attempt.RadiologistId),
            Patient = Patient(patientId, identity.IssuerOfPatientId),
            SentUtc = attempt.SentUtc,
            AcknowledgeByUtc = attempt.AcknowledgeByUtc,
            Acknowledgment = acknowledgment is null ? null : new CriticalResultAcknowledgmentForDelivery(acknowledgment.AcknowledgedUtc, acknowledgment.Method, acknowledgment.RecordedBy),
        });
        return await ValidateAndSendAsync(endpoint, bundle, cancellationToken);
    }

    /// <summary>The DiagnosticReport's business identifier value: one logical report per study, updated by later versions.</summary>
    public static string LogicalReportId(string studyKey) => $"{studyKey}-report";

    private async Task<ReportDeliveryOutcome> ValidateAndSendAsync(string endpoint, Hl7.Fhir.Model.Bundle bundle, CancellationToken cancellationToken)
    {
        var errors = validator.Errors(bundle);
        if (errors.Count > 0)
        {
            return new ReportDeliveryOutcome(ReportDeliveryOutcome.Permanent, "bundle-invalid", IssueCodes: [.. errors.Select(e => e.Location).Take(20)]);
        }

        var sent = await sender.SendAsync(endpoint, bundle, cancellationToken);
        return new ReportDeliveryOutcome(sent.Status, sent.Code, sent.HttpStatus, sent.IssueCodes, sent.Locations);
    }

    private static ReportingRadiologist Radiologist(ReadingConfiguration config, string tenant, string radiologistId)
    {
        var radiologist = config.FindRadiologist(radiologistId);
        return new ReportingRadiologist(radiologistId, radiologist?.DisplayName ?? radiologistId, radiologist?.Npi,
            radiologist?.LocalId ?? (radiologist?.Npi is null ? radiologistId : null), $"urn:telerad:{tenant}:radiologist");
    }

    private PatientIdentity Patient(string patientId, string? issuer) => new(patientId, IsUri(issuer) ? issuer! : defaults.PatientIdentifierSystem);

    /// <summary>The study's referrer's endpoint, else the tenant's only one.</summary>
    private static string? EndpointOf(TenantConfiguration tenant, string? referrerId)
    {
        if (referrerId is not null && tenant.FindReferrer(referrerId) is { } referrer)
        {
            return referrer.FhirEndpointId;
        }

        var endpoints = tenant.Referrers.Select(r => r.FhirEndpointId).Distinct(StringComparer.Ordinal).ToList();
        return endpoints.Count == 1 ? endpoints[0] : null;
    }

    /// <summary>A version of this study's report was delivered before (then this one updates the same DiagnosticReport).</summary>
    private async Task<bool> SentBeforeAsync(ReportDeliveryRequest request, CancellationToken cancellationToken)
    {
        await foreach (var item in store.ListAsync(Containers.Deidentified, $"{request.Tenant}/{request.StudyKey}/results/", cancellationToken))
        {
            if (item.Reference.Name.EndsWith($".{ReportDeliveryOutcome.Delivered}.json", StringComparison.Ordinal)
                && !item.Reference.Name.Contains($"/{request.ReportId}-{request.ReportKind}.", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private async Task<AiTriageForDelivery?> AiAsync(ReportDeliveryRequest request, CancellationToken cancellationToken)
    {
        if (await store.ReadAllBytesIfExistsAsync(TriageStudy.ResultObject(request.Tenant, request.StudyKey), cancellationToken) is not { } json)
        {
            return null;
        }

        var result = Telerad.Triage.TriageResultJson.Parse(json);
        var analysis = result.Analyses.Count > 0 ? result.Analyses[0] : null;
        return analysis is null ? null : new AiTriageForDelivery(analysis.ModelId, analysis.ModelVersion, [.. analysis.Findings.Select(f => new AiFindingForDelivery(f.Id, f.Score, f.Threshold, f.Flagged))]);
    }

    private static bool IsUri(string? value) => value is not null && Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "urn" or "http" or "https";

}
