using Hl7.Fhir.Model;
using Telerad.Fhir.Delivery;

namespace Telerad.Fhir;

/// <summary>
/// <see cref="IFhirBundleSender"/> over the delivery client: the endpoint from the catalog (base URL, authentication),
/// the client's retries within the call, and its result as an outcome for the delivery orchestration (OperationOutcome
/// issue codes only: its text may echo PHI).
/// </summary>
public sealed class CatalogFhirBundleSender(FhirEndpointCatalog catalog, FhirDeliveryClient client) : IFhirBundleSender
{
    public async Task<FhirSendOutcome> SendAsync(string endpointId, Bundle bundle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        if (!catalog.TryGet(endpointId, out var endpoint) || endpoint is null)
        {
            return new FhirSendOutcome(FhirSendOutcome.Permanent, null, "endpoint-not-configured", [], []);
        }

        var reportId = bundle.Entry.Select(e => e.Resource).OfType<DiagnosticReport>().SelectMany(r => r.Identifier).Select(i => i.Value).FirstOrDefault() ?? "report";
        return await client.DeliverAsync(endpoint, bundle, reportId, cancellationToken) switch
        {
            Delivered d => new FhirSendOutcome(FhirSendOutcome.Delivered, d.StatusCode, d.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture), [], [.. d.Entries.Select(e => e.Location).OfType<string>()]),
            RetryableFailureExhausted r => new FhirSendOutcome(FhirSendOutcome.Retryable, r.LastStatusCode, r.LastFailure.ToString(), [], []),
            PermanentFailure p => new FhirSendOutcome(FhirSendOutcome.Permanent, p.StatusCode, p.Reason.ToString(),
                [.. (p.Outcome?.Issue ?? []).Select(i => i.Code?.ToString() ?? "unknown")], []),
            _ => new FhirSendOutcome(FhirSendOutcome.Retryable, null, "unknown-result", [], []),
        };
    }
}
