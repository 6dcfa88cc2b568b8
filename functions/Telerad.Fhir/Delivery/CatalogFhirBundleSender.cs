using Hl7.Fhir.Model;
using Telerad.Fhir.Delivery;

namespace Telerad.Fhir;

/// <summary>
/// <see cref="IFhirBundleSender"/> over the delivery client: the endpoint from the current catalog (base URL,
/// authentication), the client's retries within the call, and its result as an outcome for the delivery orchestration
/// (OperationOutcome issue codes only: its text may echo PHI). An endpoint that is not configured, or a catalog that does
/// not validate, is permanent: the report is kept, operations are alerted, and the retry API sends it once fixed.
/// </summary>
public sealed class CatalogFhirBundleSender(IFhirEndpointCatalogSource catalogs, FhirDeliveryClient client) : IFhirBundleSender
{
    public const string EndpointNotConfigured = "endpoint-not-configured";
    public const string EndpointConfigurationInvalid = "endpoint-configuration-invalid";

    public CatalogFhirBundleSender(FhirEndpointCatalog catalog, FhirDeliveryClient client)
        : this(new FixedFhirEndpointCatalogSource(catalog), client)
    {
    }

    public async Task<FhirSendOutcome> SendAsync(string endpointId, Bundle bundle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        FhirEndpointCatalog catalog;
        try
        {
            catalog = await catalogs.GetAsync(cancellationToken);
        }
        catch (FhirEndpointConfigurationException e)
        {
            return new FhirSendOutcome(FhirSendOutcome.Permanent, null, EndpointConfigurationInvalid, [.. e.Errors.Select(r => $"{r.Path} {r.Code}").Take(20)], []);
        }

        if (!catalog.TryGet(endpointId, out var endpoint) || endpoint is null)
        {
            return new FhirSendOutcome(FhirSendOutcome.Permanent, null, EndpointNotConfigured, [], []);
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
