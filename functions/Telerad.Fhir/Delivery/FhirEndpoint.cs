using Telerad.Fhir.Auth;

namespace Telerad.Fhir.Delivery;

/// <summary>
/// One referrer's FHIR endpoint: where transaction bundles are POSTed (the FHIR base URL, FHIR R4 http.html#transaction)
/// and how Telerad authenticates there. <see cref="EndpointId"/> is an opaque, log-safe name chosen by operations;
/// a referrer's configuration points at it. Build from JSON with <see cref="FhirEndpointCatalog.Parse(string)"/>,
/// which validates every field (<see cref="FhirEndpointValidator"/>).
/// </summary>
public sealed record FhirEndpoint(string EndpointId, Uri BaseUrl, EndpointAuthentication Authentication);
